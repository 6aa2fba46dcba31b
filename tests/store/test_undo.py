"""Undo from the audit log, on every backend: ids never reused, per-rule import entries,
undoing a whole import (all or nothing), and undo chains compared by content."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import text

from server.core import make_rule
from server.store import CannotRevert, NotFound, RevertResult, SQLStore
from server.store.accounts import Actor
from server.store.engine import upgrade
from server.store.fields import RULE_COLUMNS

KEYS = RULE_COLUMNS


def rule(list_="allow", pattern="a.vn", **fields):
    fields.setdefault("evidence", "e")
    return make_rule(list_, pattern, force=True, **fields)


def state(store):
    """Every rule with its id, as comparable tuples."""
    _, rows = store.find_rules(limit=500)
    return sorted((r.id, *(getattr(r, k) for k in KEYS)) for r in rows)


def reason(exc_info):
    return exc_info.value.reason


def test_rule_ids_are_never_reused(store):
    first = store.add_rule(rule(pattern="x1.vn"))
    store.delete_rule(first.id)
    second = store.add_rule(rule(pattern="x2.vn"))
    assert second.id > first.id
    store.delete_rule(second.id)
    store.import_rules([rule(pattern="x3.vn")])
    third = store.find_rules(q="x3.vn")[1][0]
    assert third.id > second.id


def test_migration_makes_sqlite_ids_monotonic_above_every_logged_id(tmp_path):
    store = SQLStore(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(store.engine, "0004")
    t = "2026-01-01 00:00:00"
    with store.engine.begin() as conn:  # the code of the day wrote these (no parent_id yet)
        for rid, pattern in ((1, "kept.vn"), (2, "gone.vn")):
            conn.execute(
                text(
                    "INSERT INTO rules (id, list, pattern, name, category, scope, "
                    "evidence, note, created_at, updated_at) VALUES (:id, 'allow', "
                    ":p, '', '', 'national', 'e', '', :t, :t)"
                ),
                {"id": rid, "p": pattern, "t": t},
            )
        conn.execute(text("DELETE FROM rules WHERE id = 2"))  # the next rule would get 2 again
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, ip, action, target_type, "
                "target_id, reason) VALUES (:t, 'system', '', 'delete', 'rule', 2, '')"
            ),
            {"t": t},
        )
    store.create_schema()  # (the store's code of today reads only the migrated schema)
    with store.engine.connect() as conn:
        ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'rules'")).scalar()
    assert "AUTOINCREMENT" in ddl and "ck_rules_list" in ddl and "uq_rules_list_pattern" in ddl
    assert store.get_rule(1).pattern == "kept.vn" and store.get_rule(1).basis == ""
    assert store.get_audit(1).parent_id is None
    assert store.add_rule(rule(pattern="new.vn")).id == 3
    store.dispose()


def test_import_logs_every_rule_under_its_entry(store):
    store.import_rules([rule(pattern="a.vn", name="A"), rule(pattern="b.vn", name="B")])
    before_b = store.find_rules(q="b.vn")[1][0]
    version = store.lists_version()
    dry = store.import_rules([rule(pattern="c.vn")], dry_run=True)
    assert dry.entry is None and store.lists_version() == version
    res = store.import_rules(
        [rule(pattern="a.vn", name="A2", review_by="2027-03-01"), rule(pattern="c.vn", name="C")],
        replace_lists=["allow"],
        actor=Actor("key:1:CMS", "10.0.0.1", "nhập tháng 3"),
    )
    assert (res.added, res.changed, res.removed) == (1, 1, 1)
    top = store.get_audit(res.entry)
    assert (top.action, top.target_type, top.after["added"]) == ("import", "rules", 1)
    _, children = store.list_audit(parent_id=res.entry)
    by_action = {e.action: e for e in children}
    assert sorted(by_action) == ["create", "delete", "update"]
    assert all(
        (e.actor, e.ip, e.reason) == ("key:1:CMS", "10.0.0.1", "nhập tháng 3") for e in children
    )
    update = by_action["update"]
    assert update.before["name"] == "A" and update.after["name"] == "A2"
    assert update.after["review_by"] == "2027-03-01" and update.before["review_by"] == ""
    assert by_action["delete"].before == asdict(before_b)
    created = store.find_rules(q="c.vn")[1][0]
    assert by_action["create"].after == asdict(created)
    history = store.list_audit(target_type="rule", target_id=update.target_id)[1]
    assert [e.action for e in history] == ["update", "create"]


def test_reverting_an_import_undoes_every_rule_in_one_step(store):
    store.import_rules([rule(pattern="a.vn", name="A"), rule(pattern="b.vn", name="B")])
    original = state(store)
    res = store.import_rules(
        [rule(pattern="a.vn", name="A2"), rule(pattern="c.vn", name="C")], replace_lists=["allow"]
    )
    version = store.lists_version()
    undone = store.revert(res.entry, Actor("user:quantri", reason="nhầm tệp"))
    assert isinstance(undone, RevertResult)
    assert (undone.reverted, undone.added, undone.changed, undone.removed) == (res.entry, 1, 1, 1)
    assert state(store) == original  # b.vn is back under its old id
    assert store.lists_version() == undone.version == version + 1
    log = store.get_audit(undone.entry)
    assert log.action == "revert" and log.after["reverted"] == res.entry
    assert len(store.list_audit(parent_id=undone.entry)[1]) == 3
    with pytest.raises(CannotRevert) as again:
        store.revert(res.entry)
    assert reason(again) == "already_reverted"
    store.revert(undone.entry)  # the undo is undone in turn: the import is back
    assert {r.pattern: r.name for r in store.find_rules()[1]} == {"a.vn": "A2", "c.vn": "C"}


def test_import_revert_refused_when_a_rule_changed_since_and_changes_nothing(store):
    store.import_rules([rule(pattern="a.vn", name="A"), rule(pattern="b.vn", name="B")])
    res = store.import_rules(
        [
            rule(pattern="a.vn", name="A2"),
            rule(pattern="b.vn", name="B2"),
            rule(pattern="c.vn", name="C"),
        ]
    )
    b = store.find_rules(q="b.vn")[1][0]
    store.update_rule(b.id, rule(pattern="b.vn", name="B3"))
    current, version = state(store), store.lists_version()
    with pytest.raises(CannotRevert) as refused:
        store.revert(res.entry)
    assert reason(refused) == "changed_since" and refused.value.pattern == "b.vn"
    assert state(store) == current and store.lists_version() == version
    store.delete_rule(store.find_rules(q="c.vn")[1][0].id)
    store.update_rule(b.id, rule(pattern="b.vn", name="B2"))
    with pytest.raises(CannotRevert) as partly:  # c.vn is already gone: a mix, refused
        store.revert(res.entry)
    assert reason(partly) == "changed_since" and partly.value.pattern == "c.vn"


def test_import_revert_refused_when_a_removed_pattern_is_back(store):
    store.import_rules([rule(pattern="a.vn"), rule(pattern="b.vn")])
    res = store.import_rules([rule(pattern="a.vn")], replace_lists=["allow"])
    store.add_rule(rule(pattern="b.vn", name="khác"))
    with pytest.raises(CannotRevert) as refused:
        store.revert(res.entry)
    assert reason(refused) == "exists_again" and refused.value.pattern == "b.vn"


def test_undo_chain_compares_contents_not_timestamps(store):
    rec = store.add_rule(rule(name="Name0"))
    store.update_rule(rec.id, rule(name="Name1"))
    store.update_rule(rec.id, rule(name="Name2"))
    _, log = store.list_audit(target_type="rule", target_id=rec.id)
    edit2, edit1, create = log[0].id, log[1].id, log[2].id
    with pytest.raises(CannotRevert) as early:
        store.revert(edit1)
    assert reason(early) == "changed_since"
    assert store.revert(edit2).name == "Name1"
    assert store.revert(edit1).name == "Name0"
    with pytest.raises(CannotRevert) as twice:
        store.revert(edit1)
    assert reason(twice) == "already_reverted"
    store.revert(create)
    with pytest.raises(NotFound):
        store.get_rule(rec.id)
    with pytest.raises(CannotRevert) as gone:
        store.revert(create)
    assert reason(gone) == "gone"


def test_reverting_a_delete_brings_the_rule_back_under_its_id(store):
    rec = store.add_rule(rule(name="A", review_by="2027-01-01"))
    store.delete_rule(rec.id)
    delete_entry = store.list_audit(target_type="rule", target_id=rec.id)[1][0].id
    back = store.revert(delete_entry)
    assert back.id == rec.id and back.review_by == "2027-01-01"
    assert back.created_at[:19] == rec.created_at[:19]
    with pytest.raises(CannotRevert) as again:
        store.revert(delete_entry)
    assert reason(again) == "already_reverted"


def test_an_id_holding_another_rule_is_reported_as_gone(store):
    """Databases from before AUTOINCREMENT may hold a reused id: say the rule is gone."""
    old = store.add_rule(rule(pattern="fake-x1.com", list_="deny"))
    create_entry = store.list_audit(target_type="rule", target_id=old.id)[1][0].id
    store.delete_rule(old.id)
    with store.engine.begin() as conn:  # what SQLite without AUTOINCREMENT used to do
        conn.execute(
            text(
                "INSERT INTO rules (id, list, pattern, name, category, scope, "
                "evidence, note, created_at, updated_at) VALUES (:id, 'allow', "
                "'so-y-te-x.gov.vn', '', '', 'national', 'e', '', :t, :t)"
            ),
            {"id": old.id, "t": "2026-01-01 00:00:00"},
        )
    with pytest.raises(CannotRevert) as gone:
        store.revert(create_entry)
    assert reason(gone) == "gone"
    assert store.get_rule(old.id).pattern == "so-y-te-x.gov.vn"


def test_entries_that_cannot_be_reverted(store):
    store.create_key("CMS", "admin")
    key_entry = store.list_audit(target_type="key")[1][0].id
    with pytest.raises(CannotRevert) as key:
        store.revert(key_entry)
    assert reason(key) == "not_revertable"
    with store.engine.begin() as conn:  # an import logged before per-rule entries existed
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, ip, action, target_type, reason) "
                "VALUES (:t, 'system', '', 'import', 'rules', '')"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
    old_import = store.list_audit()[1][0].id
    with pytest.raises(CannotRevert) as legacy:
        store.revert(old_import)
    assert reason(legacy) == "no_detail"
    with pytest.raises(NotFound):
        store.revert(10**6)
