"""Rule ids are never reused (SQLite AUTOINCREMENT); audit entries can belong to a parent.

On SQLite the ``rules`` table is rebuilt with ``AUTOINCREMENT`` and its counter starts above
every id ever used: the highest id stored *and* the highest rule id named in the audit log,
so that the id of a rule deleted before this migration is not handed out again either.
PostgreSQL's ``SERIAL`` sequence never goes back, so only the audit column is added there.

``audit_log.parent_id`` links the per-rule entries of an import (or of the undo of one) to
that import's entry.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _rules(autoincrement: bool) -> sa.Table:
    """The ``rules`` table as of revision 0004 (copied as it is, not reflected)."""
    return sa.Table(
        "rules",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("list", sa.String(8), nullable=False),
        sa.Column("pattern", sa.String(512), nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("category", sa.String(64), nullable=False, server_default=""),
        sa.Column("scope", sa.String(128), nullable=False, server_default="national"),
        sa.Column("evidence", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("review_by", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("list IN ('allow', 'deny')", name="ck_rules_list"),
        sa.UniqueConstraint("list", "pattern", name="uq_rules_list_pattern"),
        sa.Index("ix_rules_pattern", "pattern"),
        sqlite_autoincrement=autoincrement,
    )


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer, nullable=True))
        batch.create_index("ix_audit_parent", ["parent_id"])
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "rules",
        recreate="always",
        copy_from=_rules(False),
        table_kwargs={"sqlite_autoincrement": True},
    ):
        pass
    highest = bind.execute(
        sa.text(
            "SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM rules UNION ALL "
            "SELECT MAX(target_id) FROM audit_log WHERE target_type = 'rule')"
        )
    ).scalar()
    if highest:
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'rules'"))
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('rules', :n)"),
            {"n": int(highest)},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "rules",
            recreate="always",
            copy_from=_rules(True),
            table_kwargs={"sqlite_autoincrement": False},
        ):
            pass
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_parent")
        batch.drop_column("parent_id")
