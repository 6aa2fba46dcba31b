"""The rule-semantics cases shared with the extension's JavaScript tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.core import Checker, InvalidURL

DOC = json.loads((Path(__file__).parents[1] / "cases" / "matching.json").read_text("utf-8"))
RULES = DOC["rules"]


@pytest.fixture(scope="module")
def checker():
    return Checker(
        allow=[r["pattern"] for r in RULES if r["list"] == "allow"],
        deny=[r["pattern"] for r in RULES if r["list"] == "deny"],
        force=True,
    )


@pytest.mark.parametrize("case", DOC["cases"], ids=[c["note"] for c in DOC["cases"]])
def test_shared_case(checker, case):
    if case["error"]:
        with pytest.raises(InvalidURL) as exc:
            checker.check(case["url"])
        assert exc.value.code == case["error"]
        return
    r = checker.check(case["url"])
    assert r.host == case["host"]
    assert (r.rule.pattern if r.rule else None) == case["rule"]
    assert (r.rule.list if r.rule else None) == case["list"]
    assert list(r.chain) == case["chain"]


def test_case_file_is_broad():
    notes = [c["note"] for c in DOC["cases"]]
    assert len(notes) >= 60
    assert any(c["error"] for c in DOC["cases"])
    assert any(len(c["chain"]) > 2 for c in DOC["cases"])
