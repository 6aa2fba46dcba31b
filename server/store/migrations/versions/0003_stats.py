"""Check counters per day, verdict and domain (flushed from memory by the service).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_stats",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("domain", sa.String(255), nullable=False),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("day", "verdict", "domain", name="pk_check_stats"),
    )


def downgrade() -> None:
    op.drop_table("check_stats")
