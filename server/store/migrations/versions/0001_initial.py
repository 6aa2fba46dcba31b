"""Rules, lists version, pending entries, reports.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _rule_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list", sa.String(8), nullable=False),
        sa.Column("pattern", sa.String(512), nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("category", sa.String(64), nullable=False, server_default=""),
        sa.Column("scope", sa.String(128), nullable=False, server_default="national"),
        sa.Column("evidence", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("review_by", sa.Date, nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "rules",
        *_rule_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("list IN ('allow', 'deny')", name="ck_rules_list"),
        sa.UniqueConstraint("list", "pattern", name="uq_rules_list_pattern"),
    )
    op.create_index("ix_rules_pattern", "rules", ["pattern"])
    op.create_table(
        "lists_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("INSERT INTO lists_state (id, version, updated_at) VALUES (1, 1, CURRENT_TIMESTAMP)")
    op.create_table(
        "pending_entries",
        *_rule_columns(),
        sa.Column("origin", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("decision_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name="ck_pending_status"
        ),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text, nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("verdict_seen", sa.String(16), nullable=False, server_default=""),
        sa.Column("verdict_at_report", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("client_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="open"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reports_host", "reports", ["host"])


def downgrade() -> None:
    op.drop_index("ix_reports_host", "reports")
    op.drop_table("reports")
    op.drop_table("pending_entries")
    op.drop_table("lists_state")
    op.drop_index("ix_rules_pattern", "rules")
    op.drop_table("rules")
