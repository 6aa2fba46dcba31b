"""The one door for every change to the lists and to the queues that feed them.

:class:`ListsService` adds, replaces and deletes rules, applies imports, undoes audit
entries, decides review-queue entries and triages reports, for the API, the web admin and
the CLI alike. Each change is audited by the store in its own transaction; after a change
that succeeded the checker is rebuilt at once (a refused or failed one changes nothing and
rebuilds nothing). Saving a rule also closes the open reports it covers, and undoing that
change reopens them.

Flask-free: it is built once by ``create_app`` next to the
:class:`~server.check_service.CheckerService` and reached through
:func:`server.services.lists`. Refusals are :class:`~server.refusals.Refused` (status, code,
both languages); the store's own :class:`~server.store.NotFound` and
:class:`~server.store.Conflict` pass through where the method says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .check_service import CheckerService
from .core import InvalidRule, Rule
from .core.tables import Tables
from .refusals import Refused
from .report_patterns import covered_reports
from .rule_files import build_rule, check_text
from .scopes import check_scope, scope_unit
from .store import (
    CannotRevert,
    Conflict,
    ImportResult,
    NotFound,
    PendingRecord,
    RevertResult,
    RuleRecord,
    Store,
)
from .store.accounts import Actor
from .undo_plan import CONFIRM_ABOVE, cannot_revert, no_entry, revert_size

__all__ = ["DECISIONS", "ListsService", "SavedRule"]

#: What a reviewer may decide for a queued entry.
DECISIONS = ("allow", "deny", "reject")


@dataclass(frozen=True, slots=True)
class SavedRule:
    """A rule as saved, with the open reports it covered and closed (ids)."""

    record: RuleRecord
    resolved_reports: list[int]


class ListsService:
    """Every write to the rules, the review queue and the reports, each followed by a
    rebuild of ``checker`` when it succeeded. ``store`` is also the door for reads."""

    def __init__(self, store: Store, checker: CheckerService) -> None:
        self.store = store
        self.checker = checker

    @property
    def tables(self) -> Tables:
        """The tables (categories, platforms) rules are validated and matched with."""
        return self.checker.tables

    def _changed(self) -> None:
        """The lists changed: rebuild the checker now (and tell the other workers)."""
        self.checker.refresh(force=True)

    # -- rules -------------------------------------------------------------------------------

    def add_rule(self, rule: Rule, actor: Actor) -> SavedRule:
        """Add ``rule`` (audited ``create``); the open reports it covers are resolved.
        :class:`~server.store.Conflict` when the pattern is on that list already."""
        record = self.store.add_rule(rule, actor)
        self._changed()
        return SavedRule(record, self._resolve_covered(record, actor))

    def update_rule(self, rule_id: int, rule: Rule, actor: Actor) -> SavedRule:
        """Replace rule ``rule_id``'s fields (audited ``update``); the open reports it now
        covers are resolved. :class:`~server.store.NotFound`, :class:`~server.store.Conflict`."""
        record = self.store.update_rule(rule_id, rule, actor)
        self._changed()
        return SavedRule(record, self._resolve_covered(record, actor))

    def delete_rule(self, rule_id: int, actor: Actor) -> RuleRecord:
        """Delete rule ``rule_id`` (audited ``delete``, undoable) and return what it was.
        :class:`~server.store.NotFound`."""
        record = self.store.delete_rule(rule_id, actor)
        self._changed()
        return record

    # -- imports -----------------------------------------------------------------------------

    def import_rules(
        self, rules: Iterable[Rule], actor: Actor, *, replace_lists: Iterable[str] = ()
    ) -> ImportResult:
        """Merge ``rules`` in one transaction (``replace_lists``: drop the rules of those
        lists the import lacks); audited as one ``import`` entry over per-rule ones, so the
        whole import can be undone. An import that changes nothing writes nothing."""
        result = self.store.import_rules(rules, replace_lists=replace_lists, actor=actor)
        if result.added or result.changed or result.removed:
            self._changed()
        return result

    def preview_import(
        self, rules: Iterable[Rule], *, replace_lists: Iterable[str] = ()
    ) -> ImportResult:
        """What :meth:`import_rules` would change (a dry run: nothing is written)."""
        return self.store.import_rules(rules, replace_lists=replace_lists, dry_run=True)

    # -- undo --------------------------------------------------------------------------------

    def revert(
        self, entry_id: int, actor: Actor, *, confirm: bool = True
    ) -> RuleRecord | RevertResult:
        """Undo audit entry ``entry_id``: the restored (or deleted) rule's record, or, for an
        import, a :class:`~server.store.RevertResult`; the reports the undone change had
        resolved are reopened. Refused (nothing changes): 404 for no such entry, 409
        ``cannot_revert`` when it cannot be undone, 409 ``confirm_required`` when it touches
        more than :data:`~server.undo_plan.CONFIRM_ABOVE` rules and ``confirm`` is false."""
        if entry_id in self.store.undone_entries():
            raise cannot_revert(CannotRevert("already_reverted"))
        if not confirm:
            size = revert_size(self.store, entry_id)
            if size > CONFIRM_ABOVE:
                raise Refused(
                    409,
                    "confirm_required",
                    "Hoàn tác mục #{entry_id} sẽ thay đổi {size} quy tắc (hơn "
                    "{CONFIRM_ABOVE}); hãy xác nhận (confirm=1). Chưa thay đổi gì.",
                    entry_id=entry_id,
                    size=size,
                    CONFIRM_ABOVE=CONFIRM_ABOVE,
                )
        try:
            result: RuleRecord | RevertResult = self.store.revert(entry_id, actor)
        except NotFound:
            raise no_entry(entry_id) from None
        except CannotRevert as exc:
            raise cannot_revert(exc) from None
        self._changed()
        self._reopen_reports(entry_id, actor)
        return result

    # -- the review queue --------------------------------------------------------------------

    def decide_pending(
        self, entry_id: int, values: Mapping[str, Any], actor: Actor, *, unit: str = ""
    ) -> RuleRecord | None:
        """Approve a queued entry into ``allow``/``deny`` or ``reject`` it. ``values``:
        ``decision``, ``reason`` (always required), and for an approval the reviewer's own
        ``evidence`` (required) and ``basis``/``note`` (optional; the entry's name, category,
        scope and review date are kept). The entry's own unverified evidence and note never
        reach the rule. ``unit``: the only province the reviewer may curate.

        Returns the new rule's record (it closes the open reports it covers), or None for a
        rejection. Either rebuilds the checker: entries waiting for the allow list are never
        called imitations, so a rejection changes verdicts too. Refused: 400
        (``invalid_decision``, ``missing_reason``, ``missing_evidence``, the rule's own
        codes), 403, 404, 409 ``already_decided`` or ``conflict`` (the pattern is on that
        list already)."""
        decision = values.get("decision")
        if decision not in DECISIONS:
            raise Refused(
                400,
                "invalid_decision",
                "Hãy chọn quyết định: duyệt vào danh sách cho phép, chặn, hoặc từ chối.",
            )
        try:
            entry = self.store.get_pending(entry_id)
        except NotFound:
            raise Refused(
                404, "not_found", "Không có mục chờ duyệt số {entry_id}.", entry_id=entry_id
            ) from None
        if entry.status != "pending":
            raise _already_decided()
        if unit and scope_unit(entry.scope) != unit:
            raise Refused(
                403, "forbidden", "Tài khoản của bạn chỉ được duyệt mục của {unit}.", unit=unit
            )
        try:
            reason, rule = self._decision(entry, decision, values)
        except InvalidRule as exc:
            raise Refused(400, exc.code, exc.message, exc.message_en) from None
        try:
            record: RuleRecord | None = self.store.decide_pending(
                entry_id,
                rule is not None,
                reason,
                None if rule is None else rule.list,
                actor,
                rule=rule,
            )
        except NotFound:
            raise _already_decided() from None
        except Conflict:
            raise Refused(409, "conflict", "Mẫu này đã có trong danh sách đó.") from None
        self._changed()
        if record is not None:  # like any saved rule, it closes the reports it covers
            self._resolve_covered(record, actor)
        return record

    def _decision(
        self, entry: PendingRecord, decision: str, values: Mapping[str, Any]
    ) -> tuple[str, Rule | None]:
        """The decision's reason and, for an approval, the reviewer's rule (InvalidRule)."""
        reason = check_text("reason", values.get("reason"))
        if not reason:
            raise InvalidRule(
                "missing_reason",
                "Hãy ghi lý do quyết định.",
                "A reason for the decision is required.",
            )
        if decision == "reject":
            return reason, None
        evidence = check_text("evidence", values.get("evidence"))
        if not evidence:
            raise InvalidRule(
                "missing_evidence",
                "Duyệt cần bằng chứng của chính bạn (đường dẫn hoặc số văn bản đã kiểm "
                "tra); ghi chú “chưa xác minh” của mục chờ duyệt không được dùng làm "
                "bằng chứng.",
                "Approval needs your own evidence (a URL or document you checked); the "
                "entry's unverified note is never used as evidence.",
            )
        rule = build_rule(
            {
                "list": decision,
                "pattern": entry.pattern,
                "name": entry.name,
                "category": entry.category,
                "scope": entry.scope,
                "evidence": evidence,
                "basis": values.get("basis") or "",
                "note": values.get("note") or "",
                "review_by": entry.review_by,
            },
            force=True,
            categories=self.tables.categories,
        )
        check_scope(rule.scope)
        return reason, rule

    # -- reports -----------------------------------------------------------------------------

    def add_report(self, **fields: str) -> int:
        """Store a user's report (``url``, ``canonical_url``, ``host``, ``verdict_seen``,
        ``verdict_at_report``, ``kind``, ``comment``, ``client_hash``); returns its id."""
        report_id: int = self.store.add_report(**fields)
        return report_id

    def set_report_status(self, report_id: int, status: str, actor: Actor) -> None:
        """Set one report's status (audited). :class:`~server.store.NotFound`. Reports are
        not what the checker reads: nothing is rebuilt."""
        self.store.set_report_status(report_id, status, actor)

    def set_reports_status(self, report_ids: Iterable[int], status: str, actor: Actor) -> list[int]:
        """Set several reports' status in one transaction, each audited; those that have it
        already are left alone. Returns the ids changed; :class:`~server.store.NotFound`
        (and nothing changes) when one does not exist."""
        changed: list[int] = self.store.set_reports_status(report_ids, status, actor)
        return changed

    def _resolve_covered(self, record: RuleRecord, actor: Actor) -> list[int]:
        """Close, as ``resolved``, the open reports a saved rule covers; each is audited with
        the rule named in the reason and linked to the rule's entry. Returns their ids."""
        ids = [r.id for r in covered_reports(self.store, record.to_rule(), self.tables)]
        if ids:
            why = f"đã có quy tắc #{record.id} ({record.list}: {record.pattern})"
            reason = f"{actor.reason}; {why}" if actor.reason else why
            _, entries = self.store.list_audit(target_type="rule", target_id=record.id, limit=1)
            link = {"rule": record.id, **({"entry": entries[0].id} if entries else {})}
            self.store.set_reports_status(
                ids, "resolved", Actor(actor.name, actor.ip, reason), link
            )
        return ids

    def _reopen_reports(self, entry_id: int, actor: Actor) -> list[int]:
        """After undoing entry ``entry_id``: reopen the reports its rule change resolved (and
        still resolved: a report rejected since is left alone), each audited."""
        ids: list[int] = self.store.reports_resolved_by(entry_id)
        if ids:
            why = f"quy tắc của mục nhật ký #{entry_id} đã được hoàn tác"
            reason = f"{actor.reason}; {why}" if actor.reason else why
            self.store.set_reports_status(ids, "open", Actor(actor.name, actor.ip, reason))
        return ids


def _already_decided() -> Refused:
    return Refused(409, "already_decided", "Mục này đã được xử lý.")
