"""Storage: the store interface (``base.Store``) and its SQL backend (SQLite default,
PostgreSQL).

Modules: ``base`` the interface; ``records`` the records it returns; ``errors`` what it
raises; ``fields`` the rule fields, derived from the core's ``Rule``; ``audit`` the audit
log; ``sql`` the store (rules), with ``accounts`` (users, keys), ``queues`` (review queue,
reports, statistics), ``undo`` (reverting audit entries) and ``importer`` (bulk import);
``version`` the lists version; ``sql_fragments`` raw SQL they share; ``schema`` the tables;
``engine`` connections and migrations.
"""

from .audit import Actor, AuditEntry
from .base import Store
from .errors import AccountRefused, CannotRevert, Conflict, NotFound, StoreError
from .records import (
    ApiKey,
    ImportResult,
    PendingRecord,
    ReportRecord,
    RevertResult,
    RuleRecord,
    RuleRow,
    User,
)
from .sql import SQLStore

__all__ = [
    "AccountRefused",
    "Actor",
    "ApiKey",
    "AuditEntry",
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
    "User",
]
