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

__all__ = [
    "Conflict",
    "ImportResult",
    "NotFound",
    "PendingRecord",
    "ReportRecord",
    "RuleRecord",
    "RuleRow",
    "SQLStore",
    "Store",
    "StoreError",
]
