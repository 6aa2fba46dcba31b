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
