"""Backends for the store contract tests: SQLite (temp file) and PostgreSQL (real server).

Each PostgreSQL test gets its own schema, dropped afterwards. When the server cannot be
reached the PostgreSQL cases fail under CI (``CI`` set) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from server.store import SQLStore

PG_BASE = os.environ.get("KHONGVOI_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_BASE, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    return _pg_available()


def pg_store_url(schema: str) -> str:
    """A URL whose connections use ``schema`` as search path."""
    sep = "&" if "?" in PG_BASE else "?"
    return f"{PG_BASE}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema(pg_ok) -> Iterator[str]:
    if not pg_ok:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required under CI")
        pytest.skip("PostgreSQL not reachable")
    name = f"ks_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    yield name
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path) -> Iterator[SQLStore]:
    """An empty, migrated store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        url = pg_store_url(request.getfixturevalue("pg_schema"))
    s = SQLStore(url)
    s.create_schema()
    yield s
    s.dispose()
