"""Storage: the store interface and its SQL backend (SQLite default, PostgreSQL)."""

from .base import (
    Conflict,
    ImportResult,
    NotFound,
    PendingRecord,
    ReportRecord,
    RuleRecord,
    RuleRow,
    Store,
    StoreError,
)
from .sql import SQLStore
from .undo import CannotRevert, RevertResult

__all__ = [
    "CannotRevert",
    "Conflict",
    "ImportResult",
    "NotFound",
    "PendingRecord",
    "ReportRecord",
    "RevertResult",
    "RuleRecord",
    "RuleRow",
    "SQLStore",
    "Store",
    "StoreError",
]
