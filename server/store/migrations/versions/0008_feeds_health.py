"""Curation assistant: threat feeds (``feeds``, ``feed_entries``, ``feeds_state``) and list
health results (``health_checks``).

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("list", sa.String(8), nullable=False),
        sa.Column("etag", sa.Text, nullable=False),
        sa.Column("last_modified", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("current_gen", sa.Integer, nullable=False),
        sa.Column("previous_gen", sa.Integer, nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
        sa.Column("bad_lines", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("format IN ('hosts', 'domains', 'abp')", name="ck_feeds_format"),
        sa.CheckConstraint("list IN ('deny')", name="ck_feeds_list"),
    )
    op.create_table(
        "feed_entries",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.Integer, primary_key=True),
        sa.Column("host", sa.String(255), primary_key=True),
    )
    state = op.create_table(
        "feeds_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "version": 1, "updated_at": dt.datetime.now(dt.UTC)}])
    op.create_table(
        "health_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.Integer, nullable=True),
        sa.Column("pattern", sa.String(512), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_health_run", "health_checks", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_health_run", "health_checks")
    for table in ("health_checks", "feeds_state", "feed_entries", "feeds"):
        op.drop_table(table)
