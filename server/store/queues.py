"""Curation data in the store: the review queue (pending entries), users' reports, and
check statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ..core.rules import Rule
from .audit import Actor, write_audit
from .errors import Conflict, NotFound
from .records import (
    PendingRecord,
    ReportRecord,
    RuleRecord,
    now,
    pending_record,
    report_record,
    rule_record,
    rule_values,
)
from .schema import audit_log, check_stats, pending_entries, reports, rules
from .version import bump_version

__all__ = ["CurationMixin"]


class CurationMixin:
    """Pending-entry decisions and statistics on :class:`~server.store.sql.SQLStore`."""

    engine: Engine

    def _read(self) -> Connection:  # provided by SQLStore
        raise NotImplementedError

    def add_pending(self, entries: Iterable[Rule], origin: str) -> int:
        """Queue entries for review; returns how many."""
        stamp = now()
        values = [
            dict(
                rule_values(r),
                origin=origin,
                status="pending",
                decision_reason="",
                created_at=stamp,
            )
            for r in entries
        ]
        if values:
            with self.engine.begin() as conn:
                conn.execute(insert(pending_entries), values)
        return len(values)

    def list_pending(self, status: str | None = "pending") -> list[PendingRecord]:
        """Queued entries (all when ``status`` is None), oldest first."""
        stmt = select(pending_entries).order_by(pending_entries.c.id)
        if status:
            stmt = stmt.where(pending_entries.c.status == status)
        with self._read() as conn:
            return [pending_record(r) for r in conn.execute(stmt)]

    def add_report(self, **fields: str) -> int:
        """Store a report (status ``open``); returns its id."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(reports)
                    .values(**fields, status="open", created_at=now())
                    .returning(reports.c.id)
                ).scalar_one()
            )

    def list_reports(self, status: str | None = None) -> list[ReportRecord]:
        """Reports, oldest first (all when ``status`` is None)."""
        stmt = select(reports).order_by(reports.c.id)
        if status:
            stmt = stmt.where(reports.c.status == status)
        with self._read() as conn:
            return [report_record(r) for r in conn.execute(stmt)]

    def get_pending(self, entry_id: int) -> PendingRecord:
        """One queued entry, whatever its status (:class:`NotFound`)."""
        with self._read() as conn:
            row = conn.execute(
                select(pending_entries).where(pending_entries.c.id == entry_id)
            ).first()
        if row is None:
            raise NotFound(entry_id)
        return pending_record(row)

    def review_queue(self) -> list[PendingRecord]:
        """The entries still waiting, oldest first, without those whose pattern is on a
        list by now (an import or an admin added it since): they need no decision."""
        listed = select(rules.c.id).where(rules.c.pattern == pending_entries.c.pattern)
        stmt = (
            select(pending_entries)
            .where(pending_entries.c.status == "pending", ~listed.exists())
            .order_by(pending_entries.c.id)
        )
        with self._read() as conn:
            return [pending_record(r) for r in conn.execute(stmt)]

    def decide_pending(
        self,
        entry_id: int,
        approve: bool,
        reason: str,
        list_: str | None = None,
        actor: Actor | None = None,
        rule: Rule | None = None,
    ) -> RuleRecord | None:
        """Approve or reject an entry, with a reason.

        Approval adds ``rule`` (the reviewer's: their own evidence and basis), or when it is
        None a rule from the entry's pattern, name, category and scope, on ``list_`` or the
        entry's list, with the decision ``reason`` as its evidence: the entry's unverified
        evidence and note never become the rule's. The rule, the version bump and both audit
        rows are written in one transaction."""
        stamp = now()
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(pending_entries).where(
                        pending_entries.c.id == entry_id, pending_entries.c.status == "pending"
                    )
                ).first()
                if row is None:
                    raise NotFound(entry_id)
                conn.execute(
                    update(pending_entries)
                    .where(pending_entries.c.id == entry_id)
                    .values(
                        status="approved" if approve else "rejected",
                        decision_reason=reason,
                        decided_at=stamp,
                    )
                )
                if not approve:
                    write_audit(
                        conn,
                        actor,
                        "reject",
                        "pending",
                        entry_id,
                        after={"pattern": row.pattern, "reason": reason},
                    )
                    return None
                if rule is None:
                    rule = Rule(
                        row.pattern,
                        list_ or row.list,
                        row.name,
                        row.category,
                        row.scope,
                        reason,
                        "",
                        row.review_by.isoformat() if row.review_by else "",
                    )
                write_audit(
                    conn,
                    actor,
                    "approve",
                    "pending",
                    entry_id,
                    before={"evidence": row.evidence, "note": row.note},
                    after={"pattern": rule.pattern, "list": rule.list, "reason": reason},
                )
                created = conn.execute(
                    insert(rules)
                    .values(
                        **rule_values(rule),
                        created_at=stamp,
                        updated_at=stamp,
                    )
                    .returning(*rules.c)
                ).one()
                bump_version(conn)
                write_audit(conn, actor, "create", "rule", created.id, after=rule_record(created))
                return rule_record(created)
        except IntegrityError:
            raise Conflict(entry_id) from None

    def set_report_status(self, report_id: int, status: str, actor: Actor | None = None) -> None:
        """Mark a report ``open``, ``resolved`` or ``rejected`` (:class:`NotFound`); as
        :meth:`set_reports_status` for one: the status it has already changes and logs
        nothing (closing a report twice from the admin page is one entry)."""
        self.set_reports_status([report_id], status, actor)

    def set_reports_status(
        self,
        report_ids: Iterable[int],
        status: str,
        actor: Actor | None = None,
        link: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Set the status of several reports in one transaction, each audited; reports that
        have that status already are left alone (and not logged). Returns the ids changed;
        :class:`NotFound` (and nothing changes) when one of them does not exist. ``link``
        is added to each entry's ``after`` (``{"rule", "entry"}``: the rule change that
        resolved them, so undoing it can reopen them)."""
        ids = sorted(set(report_ids))
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(reports.c.id, reports.c.status).where(reports.c.id.in_(ids))
            ).all()
            if len(rows) != len(ids):
                missing = sorted(set(ids) - {r.id for r in rows})
                raise NotFound(missing[0])
            changed = [r.id for r in rows if r.status != status]
            if changed:
                conn.execute(update(reports).where(reports.c.id.in_(changed)).values(status=status))
            for rid in changed:
                before = next(r.status for r in rows if r.id == rid)
                write_audit(
                    conn,
                    actor,
                    status,
                    "report",
                    rid,
                    before={"status": before},
                    after={"status": status, **(link or {})},
                )
            return changed

    def reports_resolved_by(self, entry_id: int) -> list[int]:
        """The reports that audit entry ``entry_id`` (a rule change) resolved and that are
        still resolved now (sorted ids)."""
        stmt = select(audit_log.c.target_id, audit_log.c.after).where(
            audit_log.c.target_type == "report",
            audit_log.c.action == "resolved",
            audit_log.c.after.like(f'%"entry":{int(entry_id)}%'),
        )
        with self._read() as conn:
            ids = {
                row.target_id
                for row in conn.execute(stmt)
                if orjson.loads(row.after or "{}").get("entry") == entry_id
            }
            if not ids:
                return []
            still = conn.execute(
                select(reports.c.id).where(
                    reports.c.id.in_(sorted(ids)), reports.c.status == "resolved"
                )
            ).scalars()
            return sorted(still)

    def add_stats(self, counts: Mapping[tuple[str, str, str], int]) -> None:
        """Add counters ``(day, verdict, domain) -> n``: one upsert per key, so workers that
        flush at the same moment add up instead of colliding on the first insert."""
        if not counts:
            return
        dialect = self.engine.dialect.name
        upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(check_stats)
        stmt = upsert.on_conflict_do_update(
            index_elements=["day", "verdict", "domain"],
            set_={"count": check_stats.c.count + upsert.excluded["count"]},
        )
        rows = [
            {"day": d, "verdict": v, "domain": dom, "count": n}
            for (d, v, dom), n in sorted(counts.items())
        ]  # one lock order for all
        with self.engine.begin() as conn:
            conn.execute(stmt, rows)

    def stats_by_day(self, since: str) -> list[tuple[str, str, int]]:
        """``(day, verdict, checks)`` from ``since`` (ISO date) on."""
        with self._read() as conn:
            rows = conn.execute(
                select(check_stats.c.day, check_stats.c.verdict, func.sum(check_stats.c.count))
                .where(check_stats.c.day >= since)
                .group_by(check_stats.c.day, check_stats.c.verdict)
                .order_by(check_stats.c.day)
            )
            return [(r[0], r[1], int(r[2])) for r in rows]

    def top_domains(self, verdict: str, since: str, limit: int = 20) -> list[tuple[str, int]]:
        """The most-checked domains with ``verdict`` since a day."""
        total = func.sum(check_stats.c.count)
        with self._read() as conn:
            rows = conn.execute(
                select(check_stats.c.domain, total)
                .where(check_stats.c.verdict == verdict, check_stats.c.day >= since)
                .group_by(check_stats.c.domain)
                .order_by(total.desc())
                .limit(limit)
            )
            return [(r[0], int(r[1])) for r in rows]
