"""The migrations build exactly the tables ``schema.py`` describes, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.store.schema import metadata


def test_migrations_match_the_table_definitions(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, metadata)
    assert [d for d in diff if not _is_alembic_version(d)] == []


def test_upgrade_is_idempotent(store):
    version = store.lists_version()
    store.create_schema()
    assert store.lists_version() == version


def _is_alembic_version(change: object) -> bool:
    return isinstance(change, tuple) and getattr(change[1], "name", "") == "alembic_version"


def test_upgrade_keeps_existing_data(tmp_path):
    from server.store import SQLStore
    from server.store.engine import upgrade

    store = SQLStore(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(store.engine, "0003")
    report = store.add_report(
        url="x.vn",
        canonical_url="http://x.vn/",
        host="x.vn",
        verdict_seen="unknown",
        verdict_at_report="unknown",
        kind="missing",
        comment="thiếu",
        client_hash="h",
    )
    store.create_schema()
    assert [(r.id, r.comment) for r in store.list_reports()] == [(report, "thiếu")]
    store.dispose()
