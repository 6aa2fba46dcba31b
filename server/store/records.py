"""Conversions between database rows and the store's records (and the clock they share)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core.rules import Rule
from .base import PendingRecord, ReportRecord, RuleRecord

__all__ = ["iso", "now", "pending_record", "report_record", "rule_record", "rule_values"]

#: The descriptive fields of a rule (besides list, pattern and review_by).
RULE_FIELDS = ("name", "category", "scope", "evidence", "basis", "note")


def now() -> dt.datetime:
    """The current UTC time."""
    return dt.datetime.now(dt.UTC)


def iso(value: Any) -> str:
    """A date or time as ISO 8601 text; ``""`` for NULL. Times are UTC and say so
    (``2026-12-01T13:01:06.533000Z``): SQLite hands them back without a zone."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat() + "Z"
    return value.isoformat()


def rule_values(rule: Rule) -> dict[str, Any]:
    """The column values of a rule (``review_by`` as a date or None)."""
    values: dict[str, Any] = {f: getattr(rule, f) or "" for f in RULE_FIELDS}
    review = dt.date.fromisoformat(rule.review_by) if rule.review_by else None
    values.update(list=rule.list, pattern=rule.pattern, review_by=review)
    return values


def rule_record(row: Any) -> RuleRecord:
    """A ``rules`` row as a :class:`RuleRecord`."""
    m = row._mapping
    return RuleRecord(
        m["id"],
        m["list"],
        m["pattern"],
        m["name"],
        m["category"],
        m["scope"],
        m["evidence"],
        m["note"],
        iso(m["review_by"]),
        iso(m["created_at"]),
        iso(m["updated_at"]),
        basis=m["basis"],
    )


def pending_record(r: Any) -> PendingRecord:
    """A ``pending_entries`` row as a :class:`PendingRecord`."""
    return PendingRecord(
        r.id,
        r.list,
        r.pattern,
        r.name,
        r.category,
        r.scope,
        r.evidence,
        r.note,
        iso(r.review_by),
        r.origin,
        r.status,
        r.decision_reason,
        iso(r.created_at),
        iso(r.decided_at),
        basis=r.basis,
    )


def report_record(r: Any) -> ReportRecord:
    """A ``reports`` row as a :class:`ReportRecord`."""
    return ReportRecord(
        r.id,
        r.url,
        r.canonical_url,
        r.host,
        r.verdict_seen,
        r.verdict_at_report,
        r.kind,
        r.comment,
        r.client_hash,
        r.status,
        iso(r.created_at),
    )
