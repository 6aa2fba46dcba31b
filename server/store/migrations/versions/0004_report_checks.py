"""Reports: only the known kinds and statuses.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:  # SQLite rebuilds the table
        batch.create_check_constraint(
            "ck_reports_kind", "kind IN ('wrongly_listed', 'missing', 'impersonation', 'other')"
        )
        batch.create_check_constraint(
            "ck_reports_status", "status IN ('open', 'resolved', 'rejected')"
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint("ck_reports_status", type_="check")
        batch.drop_constraint("ck_reports_kind", type_="check")
