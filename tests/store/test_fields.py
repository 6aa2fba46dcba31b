"""The rule fields are named once (``server.store.fields``), derived from the core's Rule,
and every place that stores or shows a rule agrees with them."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from server.core import make_rule
from server.core.rules import Rule
from server.rule_files import COLUMNS
from server.store.fields import EDITABLE_FIELDS, KEY_FIELDS, RULE_COLUMNS, TEXT_FIELDS
from server.store.schema import pending_entries, rules

SOURCES = Path(__file__).resolve().parents[2] / "sources"


def test_every_rule_field_but_the_id_is_a_stored_column():
    assert set(RULE_COLUMNS) == {f.name for f in dataclasses.fields(Rule)} - {"id"}
    assert len(RULE_COLUMNS) == len(set(RULE_COLUMNS))
    assert (
        RULE_COLUMNS == (*KEY_FIELDS, *TEXT_FIELDS, "review_by") == (*KEY_FIELDS, *EDITABLE_FIELDS)
    )


def test_every_field_has_a_column_in_the_rules_and_pending_tables():
    for table in (rules, pending_entries):
        assert set(RULE_COLUMNS) <= set(table.c.keys()), table.name
    for name in TEXT_FIELDS:
        assert not rules.c[name].nullable, name


def test_the_csv_columns_are_the_default_lists_header():
    assert ("pattern", *EDITABLE_FIELDS) == COLUMNS
    for name in ("allow.csv", "deny.csv"):
        with (SOURCES / name).open(encoding="utf-8", newline="") as f:
            assert tuple(next(csv.reader(f))) == COLUMNS, name


def test_basis_sits_next_to_evidence():
    assert TEXT_FIELDS == ("name", "category", "scope", "evidence", "basis", "note")


def test_a_stored_rule_keeps_every_field(store):
    values = {f: f"{f}-value" for f in TEXT_FIELDS if f != "scope"}
    made = make_rule("allow", "a.vn", scope="Hà Nội", review_by="2027-01-31", **values)
    record = store.add_rule(made)
    (exported,) = store.export_rules()
    for name in RULE_COLUMNS:
        assert getattr(record, name) == getattr(made, name) == getattr(exported, name), name
