"""Table definitions (SQLAlchemy Core). Migrations in ``migrations/`` create them.

A change here needs a new migration in ``migrations/versions/`` (never an edited one);
``tests/store/test_migrations.py`` fails when the two disagree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _rule_columns() -> list[Column[Any]]:
    """The fields of a rule, shared by the rules and the pending entries."""
    return [
        Column("id", Integer, primary_key=True),
        Column("list", String(8), nullable=False),
        Column("pattern", String(512), nullable=False),
        Column("name", Text, nullable=False, default=""),
        Column("category", String(64), nullable=False, default=""),
        Column("scope", String(128), nullable=False, default="national"),
        Column("evidence", Text, nullable=False, default=""),
        Column("basis", Text, nullable=False, default="", server_default=""),
        Column("note", Text, nullable=False, default=""),
        Column("review_by", Date, nullable=True),
    ]


rules = Table(
    "rules",
    metadata,
    *_rule_columns(),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("list IN ('allow', 'deny')", name="ck_rules_list"),
    UniqueConstraint("list", "pattern", name="uq_rules_list_pattern"),
    # Ids are never reused: an integrator's stored id, or an old audit entry, can never
    # point at a different rule (SQLite AUTOINCREMENT; PostgreSQL sequences never go back).
    sqlite_autoincrement=True,
)
Index("ix_rules_pattern", rules.c.pattern)

lists_state = Table(
    "lists_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

pending_entries = Table(
    "pending_entries",
    metadata,
    *_rule_columns(),
    Column("origin", String(64), nullable=False),
    Column("status", String(16), nullable=False, default="pending"),
    Column("decision_reason", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="ck_pending_status"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("host", String(255), nullable=False),
    Column("verdict_seen", String(16), nullable=False, default=""),
    Column("verdict_at_report", String(16), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("client_hash", String(64), nullable=False, default=""),
    Column("status", String(16), nullable=False, default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint(
        "kind IN ('wrongly_listed', 'missing', 'impersonation', 'other')", name="ck_reports_kind"
    ),
    CheckConstraint("status IN ('open', 'resolved', 'rejected')", name="ck_reports_status"),
)
Index("ix_reports_host", reports.c.host)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    # An editor limited to one province's rules ("": every rule).
    Column("scope", String(128), nullable=False, default="", server_default=""),
    CheckConstraint("role IN ('admin', 'editor')", name="ck_users_role"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(128), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scope", String(16), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("scope IN ('check', 'admin')", name="ck_api_keys_scope"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("ip", String(64), nullable=False, default=""),
    Column("action", String(32), nullable=False),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Integer, nullable=True),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("reason", Text, nullable=False, default=""),
    # The entry this one is part of: the per-rule rows of an import, or of the undo of one.
    Column("parent_id", Integer, nullable=True),
)
Index("ix_audit_target", audit_log.c.target_type, audit_log.c.target_id)
Index("ix_audit_parent", audit_log.c.parent_id)

check_stats = Table(
    "check_stats",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("verdict", String(16), primary_key=True),
    Column("domain", String(255), primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# -- curation assistant (issue 16): threat feeds and list health ---------------------------
# Feed entries are kept apart from curated rules; a refresh writes a new generation beside
# the current one and flips ``current_gen`` in one UPDATE (the previous generation stays,
# so a refresh can be undone and a failed one loses nothing).
feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("list", String(8), nullable=False, default="deny"),
    Column("etag", Text, nullable=False, default=""),
    Column("last_modified", Text, nullable=False, default=""),
    Column("digest", String(64), nullable=False, default=""),
    Column("current_gen", Integer, nullable=False, default=0),
    Column("previous_gen", Integer, nullable=False, default=0),
    Column("entry_count", Integer, nullable=False, default=0),
    Column("bad_lines", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("refreshed_at", DateTime(timezone=True), nullable=True),
    Column("changed_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_at", DateTime(timezone=True), nullable=True),
    CheckConstraint("format IN ('hosts', 'domains', 'abp')", name="ck_feeds_format"),
    CheckConstraint("list IN ('deny')", name="ck_feeds_list"),
)

feed_entries = Table(
    "feed_entries",
    metadata,
    Column("feed_id", Integer, primary_key=True),
    Column("generation", Integer, primary_key=True),
    Column("host", String(255), primary_key=True),
)

feeds_state = Table(
    "feeds_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

health_checks = Table(
    "health_checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("rule_id", Integer, nullable=True),
    Column("pattern", String(512), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("flags", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
)
Index("ix_health_run", health_checks.c.run_id)
