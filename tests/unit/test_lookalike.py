"""Lookalike detection against the real default allow list."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core import Checker, make_rule, parse_url
from server.core.domains import default_suffix_list
from server.core.lookalike import REASONS, LookalikeDetector
from server.core.tables import SOURCES_DIR


def _allow():
    with (SOURCES_DIR / "allow.csv").open(encoding="utf-8") as fh:
        return [(r["pattern"], r["name"]) for r in csv.DictReader(fh)]


@pytest.fixture(scope="module")
def detector():
    return LookalikeDetector(_allow())


def find(detector, url):
    host = parse_url(url).host
    return detector.find(host, default_suffix_list().registrable_domain(host))


@pytest.mark.parametrize(("url", "code", "imitated"), [
    ("http://tuoitre.com/", "lookalike_tld_swap", "tuoitre.vn"),
    ("http://tuoi-tre.com/", "lookalike_tld_swap", "tuoitre.vn"),
    ("http://dangcongsan.com/", "lookalike_tld_swap", "dangcongsan.vn"),
    ("http://vnexpressnews.net/", "lookalike_combosquat", "vnexpress.net"),
    ("http://baochinhphu-news.com/", "lookalike_combosquat", "baochinhphu.vn"),
    ("http://news-vnexpress.com/", "lookalike_combosquat", "vnexpress.net"),
    ("http://vnexprss.net/", "lookalike_typosquat", "vnexpress.net"),
    ("http://vnepxress.net/", "lookalike_typosquat", "vnexpress.net"),
    ("http://baochinhphuu.vn/", "lookalike_typosquat", "baochinhphu.vn"),
    ("http://baochinhphu.vn.tin-moi.xyz/", "lookalike_embedded_domain", "baochinhphu.vn"),
    ("http://hanoi.gov.vn.xyz/", "lookalike_embedded_domain", "hanoi.gov.vn"),
    ("http://vnеxpress.net/", "lookalike_homograph", "vnexpress.net"),   # Cyrillic е
    ("http://đangcongsan.vn/", "lookalike_homograph", "dangcongsan.vn"),
    ("http://dichvucong.cvgov.com/", "lookalike_gov_token", "gov.vn"),
    ("http://dichvucong.xgovvn.net/", "lookalike_gov_token", "gov.vn"),
    ("http://congthongtindientubtc.com/", "lookalike_gov_token", "gov.vn"),
    ("http://datlichbhxh.com/", "lookalike_gov_token", "gov.vn"),
    ("http://dichvucongs.top/", "lookalike_gov_token", "gov.vn"),
    ("http://cong-thong-tin.gov-vn.com/", "lookalike_gov_token", "gov.vn"),
])
def test_imitations_found(detector, url, code, imitated):
    found = find(detector, url)
    assert found is not None, url
    assert (found.code, found.domain) == (code, imitated)
    assert found.code in REASONS


@pytest.mark.parametrize("domain", [
    "google.com", "facebook.com", "baomoi.com", "kenh14.vn", "shopee.vn", "tiki.vn",
    "thegioididong.com", "vietcombank.com.vn", "fpt.com.vn", "viettel.com.vn", "cafef.vn",
    "24h.com.vn", "zingmp3.vn", "govee.com", "example.org",
])
def test_legitimate_domains_not_flagged(detector, domain):
    assert find(detector, f"https://{domain}/") is None


def test_official_domains_never_flagged(detector):
    for pattern, _ in _allow():
        host = pattern.split("/")[0]
        assert find(detector, f"https://{host}/") is None, host
        assert find(detector, f"https://tin.{host}/") is None, host


def test_short_brands_only_exactly(detector):
    assert find(detector, "http://vtv.com/").code == "lookalike_tld_swap"
    assert find(detector, "http://vtx.com/") is None  # one edit from vtv: too short to judge


def test_suspicious_verdict_with_imitates():
    rules = [make_rule("allow", p, force=True, name=n) for p, n in _allow()]
    checker = Checker(allow=rules, lookalike=True)
    r = checker.check("https://vnexpressnews.net/tin")
    assert r.verdict == "suspicious" and r.rule is None
    assert r.imitates.domain == "vnexpress.net" and r.imitates.name
    assert r.reasons[0].code == "lookalike_combosquat"
    assert "vnexpress.net" in r.reasons[0].message


REPORTED_HOSTS = {  # deny.csv pattern -> the host reported in the evidence
    "cvgov.com": "dichvucong.cvgov.com", "xgovvn.net": "dichvucong.xgovvn.net",
    "dulieuqucogia.com": "dichvucong.dulieuqucogia.com",
}
#: Fakes with no resemblance to any allow-listed source: banks (not official news sources),
#: and names that imitate nothing on the lists. Only the deny list catches them.
NOT_IMITATIONS = {"vdbank.com.vn", "vietcombanker.com", "nganhangsaison.org", "honapply.vn",
                  "miniboon.vn", "vietgcv.cc", "tracuutthvt.com", "vn-nguoikinhdoanh.com"}


def test_documented_fakes_caught_without_the_deny_list():
    with (SOURCES_DIR / "deny.csv").open(encoding="utf-8") as fh:
        fakes = [r["pattern"] for r in csv.DictReader(fh)]
    checker = Checker(allow=[p for p, _ in _allow()], deny=[], force=True, lookalike=True)
    caught = {f for f in fakes
              if checker.check(f"https://{REPORTED_HOSTS.get(f, f)}/").verdict == "suspicious"}
    assert caught == set(fakes) - NOT_IMITATIONS
    assert len(caught) >= 11


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"([a-z0-9-]{1,12}\.){0,3}[a-z0-9-]{1,15}\.(com|vn|com\.vn|net|xyz)",
                     fullmatch=True))
def test_never_raises(host):
    detector = LookalikeDetector(_allow()[:50])
    detector.find(host, default_suffix_list().registrable_domain(host))
