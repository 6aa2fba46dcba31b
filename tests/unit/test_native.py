"""The two paths of the checking core: compiled with mypyc (``make compile``) and pure Python.

``make test`` runs the shared cases and the checker tests on both: once as imported (compiled
when built), once with ``KHONGVOI_PURE_PYTHON=1``. Here: which path runs and why, that a
stale build is never used, that the lazily unpacked listed results read like eager ones, and
that the inline fast path of ``Checker.check`` agrees with the general path on any URL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core import Checker, InvalidURL, _native, matching, parse_url
from server.core.matching import meta_to_rule, rule_to_meta
from server.core.results import listed

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "server" / "core"
BUILT = any(CORE.glob("matching.*.so"))


def _implementation(env: dict[str, str], cwd: Path = ROOT) -> str:
    code = "import server.core.matching as m; print(m.IMPLEMENTATION)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_the_path_in_use_is_the_one_chosen():
    expected = "mypyc" if _native.USE_COMPILED and BUILT else "pure Python"
    assert expected == matching.IMPLEMENTATION
    assert (not _native.pure_requested() and _native.build_is_current()) == _native.USE_COMPILED
    # every compiled module on the same path: an extension module or its source
    from server.core import answers, checker

    for module in (matching, checker, answers):
        assert module.__file__.endswith(".so") == (expected == "mypyc"), module.__name__


def test_pure_python_on_request():
    assert _implementation({"KHONGVOI_PURE_PYTHON": "1"}) == "pure Python"


@pytest.mark.skipif(not BUILT, reason="no compiled core here (make compile)")
def test_compiled_when_built_and_current():
    if not _native.build_is_current():
        pytest.skip("the build is older than the sources (make compile)")
    assert _implementation({"KHONGVOI_PURE_PYTHON": "0"}) == "mypyc"


@pytest.mark.skipif(not BUILT, reason="no compiled core here (make compile)")
def test_a_stale_build_is_never_used(tmp_path):
    shutil.copytree(
        ROOT / "server", tmp_path / "server", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(_native.STAMP, tmp_path / "server" / "core" / _native.STAMP.name)
    assert _implementation({"KHONGVOI_PURE_PYTHON": "0"}, tmp_path) == (
        "mypyc" if _native.build_is_current() else "pure Python"
    )
    edited = tmp_path / "server" / "core" / "matching.py"
    edited.write_text(edited.read_text("utf-8") + "\n# edited after the build\n", "utf-8")
    assert _implementation({"KHONGVOI_PURE_PYTHON": "0"}, tmp_path) == "pure Python"


def test_listed_results_read_like_unpacked_ones():
    checker = Checker(allow=["baochinhphu.vn"], deny=["tuoitre.com"])
    lazy = checker.check("https://tin.tuoitre.com/a")  # inline path: packed rule
    eager = checker.check("https://TIN.tuoitre.com/a")  # general path: unpacked rule
    assert lazy.rule == eager.rule and lazy.rule.pattern == "tuoitre.com"
    assert lazy.rule.list == "deny" and lazy.verdict == eager.verdict == "denied"
    assert lazy.reasons == eager.reasons and lazy.reasons[0].code == "deny_listed"
    assert (
        lazy._replace(url=eager.url, canonical_url=eager.canonical_url, chain=eager.chain) == eager
    )
    assert lazy._asdict()["rule"] == eager.rule
    assert "tuoitre.com" in repr(lazy) and "\\x1f" not in repr(lazy)
    assert hash(
        lazy._replace(url=eager.url, canonical_url=eager.canonical_url, chain=eager.chain)
    ) == hash(eager)
    extra = lazy._replace(reasons=(*lazy.reasons, lazy.reasons[0]))
    assert extra.rule == eager.rule and len(extra.reasons) == 2


def test_packed_rules_round_trip():
    rule = meta_to_rule(
        rule_to_meta(Checker(deny=["tuoitre.com"]).check("https://tuoitre.com/").rule)
    )
    assert rule.pattern == "tuoitre.com"
    verdict, reasons, again = listed(rule_to_meta(rule))
    assert (verdict, reasons[0].code, again) == ("denied", "deny_listed", rule)


def test_non_text_is_refused_on_both_paths():
    for value in (None, 12, b"https://a.vn/", ["https://a.vn/"]):
        with pytest.raises(InvalidURL) as exc:
            Checker().check(value)  # type: ignore[arg-type]
        assert exc.value.code == "invalid_url"


_CHECKER = Checker(
    allow=["baochinhphu.vn", "gov.vn", "facebook.com/ubndhiephoa", "youtube.com/@baochinhphu"],
    deny=["tuoitre.com", "tin.vnexpress.net", "facebook.com/gia.mao"],
    force=True,
)
_HOSTS = st.sampled_from(
    [
        "baochinhphu.vn",
        "xaydungchinhsach.baochinhphu.vn",
        "tuoitre.com",
        "a.tuoitre.com",
        "vnexpress.net",
        "tin.vnexpress.net",
        "facebook.com",
        "m.facebook.com",
        "l.facebook.com",
        "bit.ly",
        "x.gov.vn",
        "gov.vn",
        "vn",
        "com.vn",
        "a.b.com.vn",
        "1.2.3.4",
        "a.1com",
        "xn--bo-xja.vn",
        "a--b.vn",
        "a..b.vn",
        ".a.vn",
        "a.vn.",
        "A.vn",
        "a_b.vn",
        "-a.vn",
        "youtube.com",
        "www.youtube.com",
        "blogspot.com",
        "x.blogspot.com",
        "a" * 64 + ".vn",
    ]
)
_PIECES = st.sampled_from(
    [
        "",
        "/",
        "/a",
        "/ubndhiephoa",
        "/UBNDHiepHoa/posts",
        "/gia.mao",
        "/giamao",
        "/@baochinhphu",
        "/%41",
        "/a/./b",
        "/a//b",
        "/a/../b",
        "\\",
        " ",
        "?",
        "?u=1",
        "?id=5&x",
        "#",
        "#f?x",
        "?a#b",
        "é",
        "\t",
        "/l.php?u=https%3A%2F%2Ftuoitre.com%2F",
        ":443",
        ":8080",
        "@x.vn",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    scheme=st.sampled_from(["https://", "http://", "HTTP://", "ftp://", "", "https:/"]),
    host=_HOSTS,
    tail=st.lists(_PIECES, max_size=4),
)
def test_inline_fast_path_agrees_with_the_general_path(scheme, host, tail):
    url = scheme + host + "".join(tail)
    try:
        general = _CHECKER._check_url(url, parse_url(url))
    except InvalidURL as exc:
        with pytest.raises(InvalidURL) as got:
            _CHECKER.check(url)
        assert got.value.code == exc.code
        return
    fast = _CHECKER.check(url)
    assert fast == general


def test_the_large_index_filter_changes_no_answer():
    """Indexes of a million rules put a bit filter before the dictionary; forced on here."""
    from server.core.domains import default_suffix_list
    from server.core.matching import RuleIndex
    from server.core.rules import Rule

    rules = [
        Rule(p, "deny")
        for p in (
            "tuoitre.com",
            "a.b.vnexpress.net",
            "gov.vn",
            "facebook.com/gia.mao",
            "x.blogspot.com",
        )
    ]
    plain = RuleIndex(rules, default_suffix_list())
    filtered = RuleIndex(rules, default_suffix_list(), filter_from=0)
    assert filtered._mask and not plain._mask
    hosts = [
        "tuoitre.com",
        "m.tuoitre.com",
        "b.vnexpress.net",
        "z.a.b.vnexpress.net",
        "gov.vn",
        "a.gov.vn",
        "facebook.com",
        "m.facebook.com",
        "x.blogspot.com",
        "y.blogspot.com",
        "blogspot.com",
        "unlisted.example",
        "a.b.c.d.com.vn",
        "vn",
    ]
    hosts += [f"h{i}.example{i % 7}.com" for i in range(2000)]
    for host in hosts:
        assert filtered.walk(host) == plain.walk(host), host
        assert filtered.host_info(host) == plain.host_info(host), host
