"""Fixtures for the operations tests: the app on each backend, PostgreSQL roles, Redis.

PostgreSQL: each test gets its own schema (and, for degraded modes, its own login role
whose rights the test revokes). Redis: a private ``redis-server`` on a free loopback port,
killed by the tests that need it down.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from tests.conftest import TEST_RULES
from tests.live import make_test_app
from tests.store.conftest import PG_BASE, _pg_available, pg_store_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_ok() -> bool:
    return _pg_available()


def _need_pg(ok: bool) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL on 127.0.0.1:5432 is required under CI")
        pytest.skip("PostgreSQL not reachable")


@pytest.fixture
def pg_schema(pg_ok: bool) -> Iterator[str]:
    _need_pg(pg_ok)
    name = f"kops_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    yield name
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_app(request, tmp_path: Path) -> Iterator[Flask]:
    """The app with the default lists and TEST_RULES on SQLite, then on PostgreSQL."""
    config = {}
    if request.param == "postgresql":
        config["DATABASE_URL"] = pg_store_url(request.getfixturevalue("pg_schema"))
    app = make_test_app(tmp_path, TEST_RULES, config)
    yield app
    app.extensions["khongvoi.checker"].wait_background()  # no reads while the schema goes
    app.extensions["khongvoi.store"].dispose()


class PgRole:
    """A login role owning nothing, granted what the app needs on one schema."""

    def __init__(self, schema: str) -> None:
        self.schema = schema
        self.name = f"kops_role_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        base = PG_BASE.rsplit("@", 1)[1]
        self.url = f"postgresql+psycopg://{self.name}@{base}?options=-csearch_path%3D{schema}"

    def sql(self, statement: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(statement))

    def create(self) -> None:
        s, r = self.schema, self.name
        self.sql(f"CREATE ROLE {r} LOGIN")
        self.sql(f"GRANT USAGE ON SCHEMA {s} TO {r}")
        self.sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}")
        self.sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}")

    def cut(self) -> None:
        """The database refuses this role: no new logins, open connections terminated."""
        self.sql(f"ALTER ROLE {self.name} NOLOGIN")
        self.sql(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.name}'"
        )

    def restore(self) -> None:
        self.sql(f"ALTER ROLE {self.name} LOGIN")

    def drop(self) -> None:
        self.cut()
        self.sql(f"DROP OWNED BY {self.name}")
        self.sql(f"DROP ROLE {self.name}")
        self.admin.dispose()


@pytest.fixture
def pg_role(pg_schema: str, tmp_path: Path) -> Iterator[PgRole]:
    """Schema migrated and loaded by the superuser; the role may only use it."""
    seed = make_test_app(tmp_path / "seed", TEST_RULES, {"DATABASE_URL": pg_store_url(pg_schema)})
    seed.extensions["khongvoi.store"].dispose()
    role = PgRole(pg_schema)
    role.create()
    yield role
    role.drop()


class RedisServer:
    """A private redis-server on a free loopback port (no persistence)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="kops-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.stop()


class AppProcess:
    """The app served by ``tests.ops.serve`` in a child process, its log in a file."""

    def __init__(self, directory: Path, config: dict) -> None:  # type: ignore[type-arg]
        import json
        import sys

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        directory.mkdir(parents=True, exist_ok=True)
        self.log_path = directory / "server.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ops.serve",
                str(self.port),
                str(directory),
                json.dumps(config),
            ],
            stdout=subprocess.PIPE,
            stderr=self._log,
            cwd=Path(__file__).parents[2],
        )
        line = self.proc.stdout.readline() if self.proc.stdout else b""
        if line.strip() != b"ready":
            self.stop()
            raise RuntimeError("server did not start: " + self.log_path.read_text())

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


@pytest.fixture
def app_process(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    started: list[AppProcess] = []

    def start(config: dict, name: str = "srv") -> AppProcess:  # type: ignore[type-arg]
        proc = AppProcess(tmp_path / name, config)
        started.append(proc)
        return proc

    yield start
    for p in started:
        p.stop()
