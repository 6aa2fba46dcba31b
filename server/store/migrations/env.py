"""Alembic environment.

The application runs it programmatically (``SQLStore.create_schema()``), passing its own
connection in ``config.attributes["connection"]``. For writing the next migration, the
``alembic`` command works too, on the database of ``DATABASE_URL`` (default: the instance
SQLite file)::

    export DATABASE_URL=sqlite:////tmp/scratch.sqlite3
    alembic -c server/store/migrations/alembic.ini upgrade head
    alembic -c server/store/migrations/alembic.ini check   # schema.py == migrations?
    alembic -c server/store/migrations/alembic.ini revision --autogenerate --rev-id 0005 -m "…"

Batch mode is on so that migrations can alter SQLite tables (SQLite rebuilds them).
"""

from __future__ import annotations

import os
from pathlib import Path

from alembic import context
from sqlalchemy import Connection

from server.store.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        transaction_per_migration=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _command_line() -> None:
    """Run from the ``alembic`` command: connect to ``DATABASE_URL`` ourselves."""
    from server.store.engine import make_engine

    instance = Path(__file__).resolve().parents[3] / "instance" / "khongvoi.sqlite3"
    engine = make_engine(os.environ.get("DATABASE_URL") or f"sqlite:///{instance}")
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _command_line()
