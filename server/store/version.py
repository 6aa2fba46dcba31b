"""The lists version: one number, bumped in the same transaction as every change to the rules.

The bump is an ``UPDATE … RETURNING`` of the single ``lists_state`` row, so it also takes the
row's write lock: on PostgreSQL concurrent writers queue behind it, and the version is strictly
increasing. A reader that sees version *n* sees exactly the rules of version *n*.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from .records import now
from .schema import lists_state

__all__ = ["bump_version", "read_version"]


def bump_version(conn: Connection) -> int:
    """Add one to the lists version inside the caller's transaction; returns the new one."""
    stmt = (
        update(lists_state)
        .where(lists_state.c.id == 1)
        .values(version=lists_state.c.version + 1, updated_at=now())
        .returning(lists_state.c.version)
    )
    return int(conn.execute(stmt).scalar_one())


def read_version(conn: Connection) -> int:
    """The current lists version."""
    return int(conn.execute(select(lists_state.c.version)).scalar_one())
