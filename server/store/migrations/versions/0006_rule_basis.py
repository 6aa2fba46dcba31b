"""Rules and pending entries carry ``basis``: the legal basis of a source's status (a press
licence number, the decision establishing an agency portal, the statute for ``gov.vn``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("rules", "pending_entries"):
        op.add_column(table, sa.Column("basis", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    for table in ("rules", "pending_entries"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("basis")
