"""Lint the default lists in sources/: UTF-8, header, canonical, sorted, unique, round trip."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import subprocess
import sys
from datetime import date

import pytest

from server.core import Checker, canonical_pattern
from server.core.tables import SOURCES_DIR
from server.rule_files import COLUMNS, read_rules, write_csv

RULE_FILES = {"allow.csv": COLUMNS, "deny.csv": COLUMNS, "pending.csv": ("list", *COLUMNS)}
TABLES = {
    "shorteners.csv": ("host", "name", "note"),
    "platforms.csv": ("host", "name", "note"),
    "categories.csv": ("category", "label_vi", "label_en"),
    "wrappers.csv": ("host", "path", "kind", "param", "note"),
    "scopes.csv": ("scope", "kind", "merged_from"),
}


def _rows(name):
    data = (SOURCES_DIR / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "no BOM in repository files"
    assert b"\r" not in data, "\\n line ends only"
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text))
    return next(reader), list(reader)


@pytest.mark.parametrize("name", [*RULE_FILES, *TABLES])
def test_header_and_sorted_unique(name):
    header, rows = _rows(name)
    assert tuple(header) == {**RULE_FILES, **TABLES}[name]
    key_col = header.index("pattern") if "pattern" in header else 0
    keys = [tuple(r[:2]) if name == "wrappers.csv" else r[key_col] for r in rows]
    assert keys == sorted(keys), f"{name} must be sorted"
    assert len(keys) == len(set(keys)), f"{name} has duplicates"
    assert all(len(r) == len(header) for r in rows)


@pytest.mark.parametrize("name", list(RULE_FILES))
def test_patterns_canonical_with_evidence(name):
    header, rows = _rows(name)
    categories = {r[0] for r in _rows("categories.csv")[1]}
    for row in rows:
        rec = dict(zip(header, row, strict=True))
        assert canonical_pattern(rec["pattern"], force=True) == rec["pattern"]
        assert rec["evidence"].strip(), f"{rec['pattern']} has no evidence"
        assert rec["category"] in categories, rec["category"]
        assert rec["name"].strip()


@pytest.mark.parametrize("name", list(RULE_FILES))
def test_every_row_passes_the_import_checks(name):
    """The checks every import, API call and admin form applies (name, evidence, known
    category, text without control characters, lengths): the default lists pass them all."""
    data = (SOURCES_DIR / name).read_bytes()
    parsed = read_rules(data, list_=None if name == "pending.csv" else name[:-4], force=True)
    assert [(e.line, e.code) for e in parsed.errors] == []
    assert len(parsed.rules) == len(_rows(name)[1])


def test_no_pattern_on_both_lists_and_pending_apart():
    allow = {r[0] for r in _rows("allow.csv")[1]}
    deny = {r[0] for r in _rows("deny.csv")[1]}
    pending = {r[1] for r in _rows("pending.csv")[1]}
    assert allow.isdisjoint(deny)
    assert allow.isdisjoint(pending)
    assert "gov.vn" in allow
    # A pending row says why it is not trusted yet: unverified evidence, or a note asking
    # for a check (a named channel whose current owner is not established).
    assert all(
        r[5].lower().startswith("unverified") or "cần xác minh" in r[7]
        for r in _rows("pending.csv")[1]
    )


@pytest.mark.parametrize(
    ("name", "list_", "with_list"), [("allow.csv", "allow", False), ("deny.csv", "deny", False)]
)
def test_round_trip_identical_bytes(name, list_, with_list):
    data = (SOURCES_DIR / name).read_bytes()
    parsed = read_rules(data, list_=list_, force=True)
    assert parsed.errors == []
    assert write_csv(parsed.rules, with_list=with_list) == data


def test_vietnamese_diacritics_preserved():
    text = (SOURCES_DIR / "allow.csv").read_text(encoding="utf-8")
    assert "Báo Điện tử Chính phủ" in text or "Báo điện tử Chính phủ" in text


def test_scopes_are_national_and_the_34_provinces():
    """Nghị quyết 202/2025/QH15: 28 provinces and 6 centrally-run cities, plus national."""
    _, rows = _rows("scopes.csv")
    kinds = [r[1] for r in rows]
    assert kinds.count("national") == 1 and [r[0] for r in rows if r[1] == "national"] == [
        "national"
    ]
    assert kinds.count("province") == 28
    assert kinds.count("city") == 6


# --- Issue 14: every row evidenced, scoped and dated -------------------------------------

_URL = re.compile(r"https?://[^\s;]+")
_PINNED = re.compile(r"^https://github\.com/[^/]+/[^/]+/(?:blob|tree)/[0-9a-f]{40}/\S+$")


def _records(name):
    header, rows = _rows(name)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _scopes():
    return {
        r["scope"]: [m for m in r["merged_from"].split("; ") if m] for r in _records("scopes.csv")
    }


@pytest.mark.parametrize("name", ["allow.csv", "deny.csv"])
def test_evidence_is_working_urls_pinned_for_repositories(name):
    """Each ' ; '-separated evidence item names a URL; GitHub references are pinned to a
    commit (a file at a branch head can vanish); nothing says "unverified" (such rows belong
    in pending.csv)."""
    for rec in _records(name):
        ev = rec["evidence"]
        assert "unverified" not in ev.lower(), rec["pattern"]
        for item in ev.split(" ; "):
            urls = _URL.findall(item)
            assert urls, (rec["pattern"], item)
            for url in urls:
                if url.startswith("https://github.com/"):
                    assert _PINNED.match(url), (rec["pattern"], url)


@pytest.mark.parametrize("name", list(RULE_FILES))
def test_scope_is_from_the_controlled_list(name):
    """``national``, one of the 34 provincial units, or ``<unit> (cũ: <old province>)`` where
    the old province is one that Nghị quyết 202/2025/QH15 merged into that unit."""
    scopes = _scopes()
    for rec in _records(name):
        m = re.fullmatch(r"(.+) \(cũ: (.+)\)", rec["scope"])
        if m:
            assert m.group(1) in scopes and m.group(2) in scopes[m.group(1)], rec["scope"]
        else:
            assert rec["scope"] in scopes, (rec["pattern"], rec["scope"])


def _covers(outer, inner):
    """``outer`` matches everything ``inner`` matches (host suffix, or path prefix)."""
    if "/" in outer or "/" in inner:
        oh, _, op = outer.partition("/")
        ih, _, ip = inner.partition("/")
        return oh == ih and outer != inner and (not op or ip == op or ip.startswith(op + "/"))
    return inner.endswith("." + outer)


def test_no_shadowed_rows_without_a_reason():
    """A rule inside another rule of the same list is kept only to name a different source
    (``congan.hanoi.gov.vn`` under ``gov.vn``): its name must differ. Nothing of one list lies
    inside a rule of the other list, and no pattern appears twice across the three files."""
    allow, deny = _records("allow.csv"), _records("deny.csv")
    for recs in (allow, deny):
        names = {r["pattern"]: r["name"] for r in recs}
        for r in recs:
            for outer in names:
                if _covers(outer, r["pattern"]):
                    assert names[outer] != r["name"], (outer, r["pattern"])
    for a in allow:
        for d in deny:
            assert not _covers(a["pattern"], d["pattern"]), (a["pattern"], d["pattern"])
            assert not _covers(d["pattern"], a["pattern"]), (d["pattern"], a["pattern"])
    every = [r["pattern"] for r in allow + deny] + [r["pattern"] for r in _records("pending.csv")]
    assert len(every) == len(set(every))


def test_legacy_and_deny_rows_carry_a_review_date():
    """Old domains of merged outlets and every deny row can lapse (or be re-registered by
    anyone): each has a ``review_by`` date; legacy rows say whose old domain they are."""
    legacy = [
        r
        for r in _records("allow.csv")
        if "(cũ:" in r["scope"] or "tên miền cũ" in r["name"].lower()
    ]
    assert len(legacy) >= 34
    for r in legacy:
        assert r["review_by"], r["pattern"]
        if r["category"] in ("press_local", "broadcaster"):
            assert r["name"].startswith("Tên miền cũ của "), r["pattern"]
    for r in _records("deny.csv"):
        assert r["review_by"], r["pattern"]
    for name in RULE_FILES:
        for r in _records(name):
            if r["review_by"]:
                date.fromisoformat(r["review_by"])


def test_official_pages_are_page_rules_that_match_the_links_people_share():
    """Every ``official_page`` row is a path rule on a shared platform, and the real checker
    (with the default lists) answers "official" for the forms a page is shared in, but not
    for a page whose name merely starts the same."""
    platforms = {r["host"] for r in _records("platforms.csv")}
    allow, deny = _records("allow.csv"), _records("deny.csv")
    checker = Checker(
        allow=[r["pattern"] for r in allow], deny=[r["pattern"] for r in deny], force=True
    )
    pages = [r for r in allow if r["category"] == "official_page"]
    assert pages
    for r in pages:
        host, _, path = r["pattern"].partition("/")
        assert host in platforms and path, r["pattern"]
        forms = [
            f"https://{host}/{path}",
            f"https://www.{host}/{path}/",
            f"https://m.{host}/{path}/posts/1",
            f"https://www.{host}/{path.upper()}?ref=x",
        ]
        if host == "facebook.com":
            forms.append(f"https://web.facebook.com/{path}/videos/2")
        for url in forms:
            res = checker.check(url)
            assert (res.verdict, res.rule.pattern if res.rule else None) == (
                "official",
                r["pattern"],
            ), url
        other = checker.check(f"https://www.{host}/{path}x9")
        assert other.rule is None or other.rule.pattern != r["pattern"]


def test_fake_pages_on_the_deny_list_are_denied():
    deny = [r for r in _records("deny.csv") if "/" in r["pattern"]]
    checker = Checker(
        allow=[r["pattern"] for r in _records("allow.csv")],
        deny=[r["pattern"] for r in _records("deny.csv")],
        force=True,
    )
    for r in deny:
        res = checker.check(f"https://m.{r['pattern']}/posts/1")
        assert res.verdict == "denied" and res.rule.pattern == r["pattern"]


def _count_module():
    spec = importlib.util.spec_from_file_location("sources_count", SOURCES_DIR / "count.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_count_script_figures_agree_with_the_files(tmp_path):
    """``python sources/count.py`` counts from the files: checked against independent counts
    here, and on a copy where one province loses its paper (the figure must drop)."""
    count = _count_module()
    f = count.figures(SOURCES_DIR)
    allow = _records("allow.csv")
    assert f["allow_rows"] == len(allow) == f["allow_verified"]
    assert f["provinces"] == 34
    assert f["official_pages"] == sum(r["category"] == "official_page" for r in allow)
    assert f["rows_with_basis"] == sum(bool(r["basis"]) for r in allow + _records("deny.csv"))
    covered = 34 - len(f["provinces_without_current_press"])
    assert f["provinces_with_current_press"] == covered
    for province in ("Sơn La", "Quảng Ninh", "Cà Mau"):  # added by issue 14 with evidence
        assert province not in f["provinces_without_current_press"]
    for name in ("allow.csv", "deny.csv", "pending.csv", "scopes.csv"):
        (tmp_path / name).write_bytes((SOURCES_DIR / name).read_bytes())
    kept = [r for r in allow if r["scope"] != "Sơn La"]
    with (tmp_path / "allow.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(allow[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    g = count.figures(tmp_path)
    assert g["provinces_with_current_press"] == f["provinces_with_current_press"] - 1
    assert "Sơn La" in g["provinces_without_current_press"]
    out = subprocess.run(
        [sys.executable, str(SOURCES_DIR / "count.py")], capture_output=True, text=True, check=True
    ).stdout
    assert f"{f['provinces_with_current_press']}/34" in out
