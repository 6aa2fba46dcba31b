"""The ``Store`` protocol is the truth about the store: ``SQLStore`` has exactly its public
methods with the same signatures, and the errors it documents are the ones raised."""

from __future__ import annotations

import inspect
import typing

import pytest

from server.core import make_rule
from server.store import NotFound, SQLStore, Store


def _methods(cls: type) -> dict[str, typing.Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


INTERFACE = _methods(Store)


def test_the_concrete_store_has_exactly_the_interface_methods():
    concrete = _methods(SQLStore)
    assert sorted(set(INTERFACE) - set(concrete)) == []  # promised but missing
    assert sorted(set(concrete) - set(INTERFACE)) == []  # public but undocumented
    assert len(INTERFACE) > 40


@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_each_method_has_the_interface_signature(name):
    promised, actual = INTERFACE[name], getattr(SQLStore, name)
    expected_params = inspect.signature(promised).parameters
    actual_params = inspect.signature(actual).parameters
    assert [(p.name, p.kind, p.default) for p in actual_params.values()] == [
        (p.name, p.kind, p.default) for p in expected_params.values()
    ]
    assert typing.get_type_hints(actual) == typing.get_type_hints(promised)


@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_each_method_is_documented(name):
    doc = inspect.getdoc(INTERFACE[name]) or ""
    assert len(doc) > 20, name


#: A call for every method documented to raise NotFound, on an empty store.
MISSING = {
    "get_rule": lambda s: s.get_rule(999),
    "update_rule": lambda s: s.update_rule(999, make_rule("allow", "a.vn")),
    "delete_rule": lambda s: s.delete_rule(999),
    "get_pending": lambda s: s.get_pending(999),
    "decide_pending": lambda s: s.decide_pending(999, True, "ok"),
    "set_report_status": lambda s: s.set_report_status(999, "resolved"),
    "set_reports_status": lambda s: s.set_reports_status([999], "resolved"),
    "get_user": lambda s: s.get_user(999),
    "get_user_by_name": lambda s: s.get_user_by_name("nobody"),
    "set_password": lambda s: s.set_password("nobody", "secret"),
    "update_user": lambda s: s.update_user("nobody", active=False),
    "delete_user": lambda s: s.delete_user("nobody"),
    "get_key": lambda s: s.get_key(999),
    "revoke_key": lambda s: s.revoke_key(999),
    "get_audit": lambda s: s.get_audit(999),
    "revert": lambda s: s.revert(999),
}


def test_the_methods_documented_to_raise_not_found_are_those_tested():
    documented = {n for n, m in INTERFACE.items() if "NotFound" in (inspect.getdoc(m) or "")}
    assert documented == set(MISSING)


@pytest.mark.parametrize("name", sorted(MISSING))
def test_documented_not_found_is_raised_and_changes_nothing(store, name):
    version = store.lists_version()
    with pytest.raises(NotFound):
        MISSING[name](store)
    assert store.lists_version() == version
    assert store.list_audit()[0] == 0


def _rule(pattern="a.vn", list_="allow"):
    return make_rule(list_, pattern, evidence="https://example.vn/e")


def _with_rule(s):
    return s.add_rule(_rule()).id


def _with_logged_rule(s):
    s.add_rule(_rule())
    return s.list_audit()[1][0].id


def _with_pending(s):
    s.add_pending([_rule("p.vn")], "pending.csv")
    return s.list_pending()[0].id


def _with_report(s):
    return s.add_report(
        url="x.vn/a",
        canonical_url="http://x.vn/a",
        host="x.vn",
        verdict_seen="unknown",
        verdict_at_report="unknown",
        kind="missing",
        comment="",
        client_hash="h",
    )


def _with_user(s):
    s.create_user("root", "secret-1", "admin")
    return s.create_user("ed", "secret-2", "editor").id


#: A successful call of every method that writes: ``name -> (set up, call, bumps, entries)``,
#: ``entries`` being how many audit entries the call writes.
WRITES = {
    "add_rule": (lambda s: None, lambda s, _: s.add_rule(_rule()), True, 1),
    "update_rule": (_with_rule, lambda s, i: s.update_rule(i, _rule("b.vn")), True, 1),
    "delete_rule": (_with_rule, lambda s, i: s.delete_rule(i), True, 1),
    "import_rules": (
        lambda s: None,
        lambda s, _: s.import_rules([_rule("a.vn"), _rule("b.vn")]),
        True,
        3,  # the import's entry and one per rule
    ),
    "revert": (_with_logged_rule, lambda s, e: s.revert(e), True, 1),
    "decide_pending:approve": (
        _with_pending,
        lambda s, i: s.decide_pending(i, True, "ok"),
        True,
        2,
    ),
    "decide_pending:reject": (
        _with_pending,
        lambda s, i: s.decide_pending(i, False, "no"),
        False,
        1,
    ),
    "add_pending": (lambda s: None, lambda s, _: s.add_pending([_rule()], "x"), False, 0),
    "add_report": (lambda s: None, lambda s, _: _with_report(s), False, 0),
    "set_report_status": (_with_report, lambda s, i: s.set_report_status(i, "resolved"), False, 1),
    "set_reports_status": (
        _with_report,
        lambda s, i: s.set_reports_status([i], "resolved"),
        False,
        1,
    ),
    "add_stats": (
        lambda s: None,
        lambda s, _: s.add_stats({("2026-12-01", "unknown", "x.vn"): 2}),
        False,
        0,
    ),
    "create_user": (lambda s: None, lambda s, _: s.create_user("u", "secret", "admin"), False, 1),
    "set_password": (_with_user, lambda s, _: s.set_password("ed", "secret-3"), False, 1),
    "update_user": (_with_user, lambda s, _: s.update_user("ed", active=False), False, 1),
    "delete_user": (_with_user, lambda s, _: s.delete_user("ed"), False, 1),
    "create_key": (lambda s: None, lambda s, _: s.create_key("k", "check"), False, 1),
    "verify_key": (
        lambda s: s.create_key("k", "check")[1],
        lambda s, secret: s.verify_key(secret),
        False,
        0,
    ),
    "revoke_key": (
        lambda s: s.create_key("k", "check")[0].id,
        lambda s, i: s.revoke_key(i),
        False,
        1,
    ),
}


def _doc(name):
    return " ".join((inspect.getdoc(INTERFACE[name]) or "").lower().split())


def test_the_methods_documented_to_bump_are_those_that_bump():
    documented = {n for n, m in INTERFACE.items() if "bumps" in _doc(n)}
    bumping = {name.partition(":")[0] for name, case in WRITES.items() if case[2]}
    assert documented == bumping


def test_the_methods_documented_as_audited_are_those_that_write_entries():
    documented = {n for n in INTERFACE if "audited" in _doc(n) and "not audited" not in _doc(n)}
    auditing = {name.partition(":")[0] for name, case in WRITES.items() if case[3]}
    assert documented == auditing


@pytest.mark.parametrize("name", sorted(WRITES))
def test_each_write_bumps_and_audits_as_documented(store, name):
    set_up, call, bumps, entries = WRITES[name]
    arg = set_up(store)
    version, logged = store.lists_version(), store.list_audit(limit=1)[0]
    call(store, arg)
    assert store.lists_version() == version + (1 if bumps else 0)
    assert store.list_audit(limit=1)[0] == logged + entries
