"""ListsService on a real SQLite store and a real CheckerService, without Flask: every write
changes the store, writes its audit entry and is seen by the checker at once; a refused or
failed write changes nothing and rebuilds nothing.

The checker polls the lists version only once an hour here, so a verdict that changes right
after a write proves that the service rebuilt it; ``checker() is before`` proves it did not.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from server.check_service import CheckerService
from server.core import Rule, make_rule
from server.lists_service import ListsService
from server.refusals import Refused
from server.store import Conflict, NotFound, SQLStore
from server.store.accounts import Actor

ROOT = Path(__file__).resolve().parents[2]
WHO = Actor("user:quantri", "127.0.0.1", "kiểm tra")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLStore]:
    """A fresh SQLite store with one allow rule and one entry waiting for the allow list."""
    db = SQLStore(f"sqlite:///{tmp_path / 'lists.sqlite3'}")
    db.create_schema()
    db.import_rules([_rule("allow", "baothunghiem.vn")])
    db.add_pending([_rule("allow", "baothunghiem.com", evidence="chưa xác minh")], "pending.csv")
    yield db
    db.dispose()


@pytest.fixture
def lists(store: SQLStore) -> ListsService:
    checker = CheckerService(store, poll_seconds=3600.0, stats_flush_seconds=3600.0)
    checker.checker()  # loaded once; from now on only the service rebuilds it
    return ListsService(store, checker)


def _rule(list_: str, pattern: str, **fields: str) -> Rule:
    defaults = {
        "name": "Báo Thử Nghiệm",
        "category": "press_central" if list_ == "allow" else "impersonation",
        "evidence": "https://mic.gov.vn/gp-1",
    }
    return make_rule(list_, pattern, **{**defaults, **fields})


def _verdict(lists: ListsService, url: str) -> str:
    return lists.checker.check(url).verdict


def _audit(store: SQLStore, **filters: Any) -> list[Any]:
    return store.list_audit(limit=500, **filters)[1]


def _unchanged(lists: ListsService, before: Any, version: int, entries: int) -> None:
    assert lists.checker.checker() is before  # not rebuilt
    assert lists.store.lists_version() == version
    assert len(_audit(lists.store)) == entries


def _state(lists: ListsService) -> tuple[Any, int, int]:
    return lists.checker.checker(), lists.store.lists_version(), len(_audit(lists.store))


def test_the_service_module_imports_no_flask() -> None:
    code = "import sys, server.lists_service; print('flask' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "False"


def test_add_rule_is_stored_audited_and_checked_at_once(lists: ListsService) -> None:
    assert _verdict(lists, "https://tin-gia.com/a") == "unknown"
    saved = lists.add_rule(_rule("deny", "tin-gia.com"), WHO)
    assert lists.store.get_rule(saved.record.id).pattern == "tin-gia.com"
    (entry,) = _audit(lists.store, target_type="rule", target_id=saved.record.id)
    assert (entry.action, entry.actor, entry.ip, entry.reason) == (
        "create",
        "user:quantri",
        "127.0.0.1",
        "kiểm tra",
    )
    assert _verdict(lists, "https://tin-gia.com/a") == "denied"
    assert saved.resolved_reports == []


def test_a_refused_add_changes_nothing_and_does_not_rebuild(lists: ListsService) -> None:
    before, version, entries = _state(lists)
    with pytest.raises(Conflict):
        lists.add_rule(_rule("allow", "baothunghiem.vn", name="lần hai"), WHO)
    _unchanged(lists, before, version, entries)


def test_update_rule_is_stored_audited_and_checked_at_once(lists: ListsService) -> None:
    record = lists.store.find_rules(q="baothunghiem.vn")[1][0]
    saved = lists.update_rule(record.id, _rule("deny", "baothunghiem.vn"), WHO)
    assert lists.store.get_rule(record.id).list == "deny"
    entry = _audit(lists.store, target_type="rule", target_id=record.id)[0]
    assert entry.action == "update" and entry.before["list"] == "allow"
    assert entry.after["list"] == "deny"
    assert _verdict(lists, "https://baothunghiem.vn/") == "denied"
    assert saved.record.list == "deny"


def test_updating_a_missing_rule_changes_nothing(lists: ListsService) -> None:
    before, version, entries = _state(lists)
    with pytest.raises(NotFound):
        lists.update_rule(10**6, _rule("deny", "khong-co.com"), WHO)
    _unchanged(lists, before, version, entries)


def test_delete_rule_is_audited_and_checked_at_once(lists: ListsService) -> None:
    record = lists.store.find_rules(q="baothunghiem.vn")[1][0]
    assert _verdict(lists, "https://baothunghiem.vn/") == "official"
    gone = lists.delete_rule(record.id, WHO)
    assert gone.pattern == "baothunghiem.vn"
    with pytest.raises(NotFound):
        lists.store.get_rule(record.id)
    assert _audit(lists.store, target_type="rule", target_id=record.id)[0].action == "delete"
    assert _verdict(lists, "https://baothunghiem.vn/") == "unknown"
    before, version, entries = _state(lists)
    with pytest.raises(NotFound):  # the second time there is nothing to delete
        lists.delete_rule(record.id, WHO)
    _unchanged(lists, before, version, entries)


def test_import_is_audited_as_one_entry_and_checked_at_once(lists: ListsService) -> None:
    res = lists.import_rules([_rule("deny", "gia-1.com"), _rule("deny", "gia-2.com")], WHO)
    assert (res.added, res.changed, res.removed) == (2, 0, 0)
    top = lists.store.get_audit(res.entry)
    assert (top.action, top.target_type, top.actor) == ("import", "rules", "user:quantri")
    assert len(_audit(lists.store, parent_id=res.entry)) == 2
    assert _verdict(lists, "https://gia-2.com/") == "denied"


def test_a_preview_or_an_empty_import_writes_nothing(lists: ListsService) -> None:
    before, version, entries = _state(lists)
    dry = lists.preview_import([_rule("deny", "gia-3.com")])
    assert dry.added == 1 and dry.entry is None
    assert lists.import_rules([_rule("allow", "baothunghiem.vn")], WHO).entry is None
    _unchanged(lists, before, version, entries)
    assert _verdict(lists, "https://gia-3.com/") == "unknown"
    assert lists.store.find_rules(q="gia-3.com")[0] == 0


def test_a_failing_import_changes_nothing(lists: ListsService) -> None:
    before, version, entries = _state(lists)

    def broken() -> Iterator[Rule]:
        yield _rule("deny", "gia-5.com")
        raise RuntimeError("the file broke half-way")

    with pytest.raises(RuntimeError):
        lists.import_rules(broken(), WHO)
    bogus = Rule("gia-6.com", "bogus")  # violates the CHECK constraint on the list column
    with pytest.raises(IntegrityError):
        lists.import_rules([_rule("deny", "gia-7.com"), bogus], WHO)
    _unchanged(lists, before, version, entries)


def test_revert_undoes_audits_and_is_checked_at_once(lists: ListsService) -> None:
    saved = lists.add_rule(_rule("deny", "tin-gia.com"), WHO)
    created = _audit(lists.store, target_type="rule", target_id=saved.record.id)[0]
    assert _verdict(lists, "https://tin-gia.com/a") == "denied"
    lists.revert(created.id, Actor("user:quantri", reason="nhầm"))
    with pytest.raises(NotFound):
        lists.store.get_rule(saved.record.id)
    undo = lists.store.undone_entries()[created.id]
    assert (lists.store.get_audit(undo).actor, lists.store.get_audit(undo).reason) == (
        "user:quantri",
        "nhầm",
    )
    assert _verdict(lists, "https://tin-gia.com/a") == "unknown"


def test_a_refused_revert_changes_nothing(lists: ListsService) -> None:
    saved = lists.add_rule(_rule("deny", "tin-gia.com"), WHO)
    created = _audit(lists.store, target_type="rule", target_id=saved.record.id)[0]
    lists.revert(created.id, WHO)
    before, version, entries = _state(lists)
    with pytest.raises(Refused) as again:
        lists.revert(created.id, WHO)
    assert (again.value.status, again.value.code) == (409, "cannot_revert")
    with pytest.raises(Refused) as missing:
        lists.revert(10**6, WHO)
    assert (missing.value.status, missing.value.code) == (404, "not_found")
    _unchanged(lists, before, version, entries)


def test_a_large_revert_needs_confirming(lists: ListsService) -> None:
    res = lists.import_rules([_rule("deny", f"gia-{i}.com") for i in range(21)], WHO)
    before, version, entries = _state(lists)
    with pytest.raises(Refused) as refused:
        lists.revert(res.entry, WHO, confirm=False)
    assert (refused.value.status, refused.value.code) == (409, "confirm_required")
    _unchanged(lists, before, version, entries)
    assert _verdict(lists, "https://gia-20.com/") == "denied"
    undone = lists.revert(res.entry, WHO, confirm=True)
    assert undone.removed == 21
    assert _verdict(lists, "https://gia-20.com/") == "unknown"


def _pending(lists: ListsService) -> int:
    (entry,) = lists.store.review_queue()
    return int(entry.id)


def test_approving_a_queued_entry_adds_the_reviewers_rule(lists: ListsService) -> None:
    entry_id = _pending(lists)
    record = lists.decide_pending(
        entry_id,
        {"decision": "allow", "reason": "đã gọi điện xác minh", "evidence": "https://mic.gov.vn/2"},
        WHO,
    )
    assert record is not None and record.evidence == "https://mic.gov.vn/2"
    assert lists.store.get_pending(entry_id).status == "approved"
    actions = {e.action for e in _audit(lists.store)[:2]}
    assert actions == {"approve", "create"}
    assert _verdict(lists, "https://baothunghiem.com/") == "official"


def test_rejecting_a_queued_entry_is_checked_at_once(lists: ListsService) -> None:
    """A domain waiting for the allow list is never called an imitation; once rejected it
    is one, at once (the checker used to keep the old queue until the next rule change)."""
    assert _verdict(lists, "https://baothunghiem.com/") == "unknown"
    entry_id = _pending(lists)
    assert lists.decide_pending(entry_id, {"decision": "reject", "reason": "giả"}, WHO) is None
    assert lists.store.get_pending(entry_id).status == "rejected"
    assert _audit(lists.store)[0].action == "reject"
    assert _verdict(lists, "https://baothunghiem.com/") == "suspicious"


@pytest.mark.parametrize(
    ("values", "unit", "status", "code"),
    [
        ({"decision": "maybe", "reason": "r"}, "", 400, "invalid_decision"),
        ({"decision": "reject", "reason": " "}, "", 400, "missing_reason"),
        ({"decision": "allow", "reason": "r"}, "", 400, "missing_evidence"),
        ({"decision": "reject", "reason": "r"}, "Hà Nội", 403, "forbidden"),
    ],
)
def test_a_refused_decision_changes_nothing(
    lists: ListsService, values: dict[str, str], unit: str, status: int, code: str
) -> None:
    entry_id = _pending(lists)
    before, version, entries = _state(lists)
    with pytest.raises(Refused) as refused:
        lists.decide_pending(entry_id, values, WHO, unit=unit)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert lists.store.get_pending(entry_id).status == "pending"
    _unchanged(lists, before, version, entries)


def test_deciding_twice_or_a_missing_entry_is_refused(lists: ListsService) -> None:
    entry_id = _pending(lists)
    lists.decide_pending(entry_id, {"decision": "reject", "reason": "giả"}, WHO)
    before, version, entries = _state(lists)
    for target, code in ((entry_id, "already_decided"), (10**6, "not_found")):
        with pytest.raises(Refused) as refused:
            lists.decide_pending(target, {"decision": "reject", "reason": "x"}, WHO)
        assert refused.value.code == code
    _unchanged(lists, before, version, entries)


def _report(lists: ListsService, url: str) -> int:
    result = lists.checker.check(url)
    return lists.add_report(
        url=url,
        canonical_url=result.canonical_url,
        host=result.host,
        verdict_seen="",
        verdict_at_report=result.verdict,
        kind="impersonation",
        comment="",
        client_hash="h",
    )


def test_a_saved_rule_resolves_its_reports_and_its_undo_reopens_them(
    lists: ListsService,
) -> None:
    covered, other = _report(lists, "https://tin-gia.com/a"), _report(lists, "https://x.org/")
    saved = lists.add_rule(_rule("deny", "tin-gia.com"), WHO)
    assert saved.resolved_reports == [covered]
    status = {r.id: r.status for r in lists.store.list_reports()}
    assert status == {covered: "resolved", other: "open"}
    (closed,) = _audit(lists.store, target_type="report")
    assert closed.after["rule"] == saved.record.id
    assert closed.reason == f"kiểm tra; đã có quy tắc #{saved.record.id} (deny: tin-gia.com)"
    created = _audit(lists.store, target_type="rule", target_id=saved.record.id)[0]
    lists.revert(created.id, WHO)
    assert {r.id: r.status for r in lists.store.list_reports()}[covered] == "open"


def test_report_triage_is_audited_all_or_nothing_and_rebuilds_nothing(
    lists: ListsService,
) -> None:
    first, second = _report(lists, "https://a.org/"), _report(lists, "https://b.org/")
    before, version, entries = _state(lists)
    with pytest.raises(NotFound):
        lists.set_reports_status([first, 10**6], "rejected", WHO)
    _unchanged(lists, before, version, entries)
    assert lists.set_reports_status([first, second], "rejected", WHO) == [first, second]
    lists.set_report_status(first, "open", WHO)
    assert {r.id: r.status for r in lists.store.list_reports()} == {
        first: "open",
        second: "rejected",
    }
    assert [e.action for e in _audit(lists.store, target_type="report")] == [
        "open",
        "rejected",
        "rejected",
    ]
    assert lists.checker.checker() is before  # reports are not what the checker reads
    with pytest.raises(NotFound):
        lists.set_report_status(10**6, "open", WHO)
