"""Lint the default lists in sources/: UTF-8, header, canonical, sorted, unique, round trip."""

from __future__ import annotations

import csv
import io

import pytest

from server.core import canonical_pattern
from server.core.tables import SOURCES_DIR
from server.sources import COLUMNS, read_rules, write_csv

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
    assert all(r[5].lower().startswith("unverified") or "cần xác minh" in r[7]
               for r in _rows("pending.csv")[1])


@pytest.mark.parametrize(("name", "list_", "with_list"),
                         [("allow.csv", "allow", False), ("deny.csv", "deny", False)])
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
        "national"]
    assert kinds.count("province") == 28
    assert kinds.count("city") == 6
