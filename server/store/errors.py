"""The store's errors: what a caller of :class:`~.base.Store` may have to catch.

Every one is a :class:`StoreError`; a method that raises one changes nothing (its transaction
is rolled back).
"""

from __future__ import annotations

__all__ = ["AccountRefused", "CannotRevert", "Conflict", "NotFound", "StoreError"]


class StoreError(Exception):
    """Base of the store's errors."""


class NotFound(StoreError):
    """No such record (its first argument is the id or name asked for)."""


class Conflict(StoreError):
    """The change clashes with existing data (e.g. the same pattern on the same list)."""


class AccountRefused(StoreError):
    """A change that would leave no active administrator (``reason`` = ``last_admin``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CannotRevert(StoreError):
    """Why an entry cannot be undone: ``reason`` is one of ``not_revertable`` (not a rule
    change or an import), ``no_detail`` (an import logged before per-rule entries existed),
    ``changed_since``, ``gone`` (the rule no longer exists), ``exists_again`` (the pattern is
    on the list again) or ``already_reverted``; ``pattern`` names the rule concerned."""

    def __init__(self, reason: str, pattern: str = "", rule_id: int | None = None) -> None:
        super().__init__(reason, pattern)
        self.reason = reason
        self.pattern = pattern
        self.rule_id = rule_id
