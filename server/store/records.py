"""The store's records (frozen dataclasses the store returns), their conversion from
database rows, and the clock they share.

Times are ISO 8601 text in UTC ending in ``Z``; dates are ``YYYY-MM-DD``; ``""`` stands for
NULL. Records never carry secrets (no password hash, no key secret).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.rules import Rule
from .fields import TEXT_FIELDS

__all__ = [
    "ApiKey",
    "ImportResult",
    "PendingRecord",
    "ReportRecord",
    "RevertResult",
    "RuleRecord",
    "RuleRow",
    "User",
    "iso",
    "now",
    "pending_record",
    "report_record",
    "rule_record",
    "rule_values",
]

#: A rule as the checker loads it: (id, list, pattern, name, category, scope, evidence,
#: note, review_by, basis) — plain tuples, so a million rules stay cheap to stream.
RuleRow = tuple[int, str, str, str, str, str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class RuleRecord:
    """A stored rule with its id and timestamps (ISO 8601, UTC)."""

    id: int
    list: str
    pattern: str
    name: str
    category: str
    scope: str
    evidence: str
    note: str
    review_by: str
    created_at: str
    updated_at: str
    basis: str = ""

    def to_rule(self) -> Rule:
        """The core :class:`Rule` of this record."""
        return Rule(
            self.pattern,
            self.list,
            self.name,
            self.category,
            self.scope,
            self.evidence,
            self.note,
            self.review_by,
            self.id,
            self.basis,
        )


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import changed (or would change, in a dry run)."""

    added: int
    changed: int
    unchanged: int
    removed: int
    version: int
    #: The import's audit entry (undo it with ``POST /api/v1/audit/<entry>/revert``);
    #: None for a dry run or an import that changed nothing.
    entry: int | None = None


@dataclass(frozen=True, slots=True)
class PendingRecord:
    """An entry waiting for an admin's review (from pending.csv or a report)."""

    id: int
    list: str
    pattern: str
    name: str
    category: str
    scope: str
    evidence: str
    note: str
    review_by: str
    origin: str
    status: str
    decision_reason: str
    created_at: str
    decided_at: str
    basis: str = ""


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A user's report about a URL."""

    id: int
    url: str
    canonical_url: str
    host: str
    verdict_seen: str
    verdict_at_report: str
    kind: str
    comment: str
    client_hash: str
    status: str
    created_at: str


@dataclass(frozen=True, slots=True)
class User:
    """An admin or editor account (never carries the password)."""

    id: int
    username: str
    role: str
    active: bool
    password_changed_at: str
    #: An editor limited to one province's rules ("" for every rule).
    scope: str = ""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key's public data (the secret is shown only when created)."""

    id: int
    name: str
    prefix: str
    scope: str
    created_by: str
    created_at: str
    last_used_at: str
    revoked_at: str


@dataclass(frozen=True, slots=True)
class RevertResult:
    """What undoing an import (or the undo of one) did."""

    entry: int
    reverted: int
    added: int
    changed: int
    removed: int
    version: int


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
        utc = value if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not a date or time: {value!r}")


def rule_values(rule: Rule) -> dict[str, Any]:
    """The column values of a rule (``review_by`` as a date or None)."""
    values: dict[str, Any] = {f: getattr(rule, f) or "" for f in TEXT_FIELDS}
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
