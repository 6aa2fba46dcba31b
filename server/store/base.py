"""The store interface: records, errors, and what every backend must do.

One contract test suite (``tests/store/``) runs against every backend (SQLite and
PostgreSQL), in the manner of Kinto's storage layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from ..core.rules import Rule

__all__ = [
    "Conflict",
    "ImportResult",
    "NotFound",
    "PendingRecord",
    "ReportRecord",
    "RuleRecord",
    "RuleRow",
    "Store",
    "StoreError",
]

#: A rule as the checker loads it: (id, list, pattern, name, category, scope, evidence,
#: note, review_by, basis) — plain tuples, so a million rules stay cheap to stream.
RuleRow = tuple[int, str, str, str, str, str, str, str, str, str]


class StoreError(Exception):
    """Base of the store's errors."""


class NotFound(StoreError):
    """No such record."""


class Conflict(StoreError):
    """The change clashes with existing data (e.g. the same pattern on the same list)."""


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


class Store(Protocol):
    """What the service needs from storage."""

    def create_schema(self) -> None: ...
    def is_empty(self) -> bool: ...
    def lists_version(self) -> int: ...
    def load_rules(self) -> tuple[int, Iterator[RuleRow]]: ...
    def get_rule(self, rule_id: int) -> RuleRecord: ...
    def find_rules(
        self,
        *,
        list: str | None = None,
        category: str | None = None,
        scope: str | None = None,
        q: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[RuleRecord]]: ...
    def add_rule(self, rule: Rule) -> RuleRecord: ...
    def update_rule(self, rule_id: int, rule: Rule) -> RuleRecord: ...
    def delete_rule(self, rule_id: int) -> RuleRecord: ...
    def import_rules(
        self, rules: Iterable[Rule], *, replace_lists: Iterable[str] = (), dry_run: bool = False
    ) -> ImportResult: ...
    def export_rules(self, list: str | None = None) -> Iterator[Rule]: ...
    def add_pending(self, rules: Iterable[Rule], origin: str) -> int: ...
    def list_pending(self, status: str | None = "pending") -> list[PendingRecord]: ...
    def add_report(self, **fields: str) -> int: ...
    def list_reports(self, status: str | None = None) -> list[ReportRecord]: ...
    def dispose(self) -> None: ...
