"""Alembic environment: run programmatically by ``SQLStore.create_schema()``.

The connection is passed in ``config.attributes["connection"]``; batch mode is on so that
later migrations can alter SQLite tables.
"""

from __future__ import annotations

from alembic import context

from server.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only programmatic use is supported
    raise RuntimeError("run migrations through SQLStore.create_schema()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
