"""Database engines: SQLite tuned for a web app (WAL, immediate write locks), or any URL.

SQLite writers take the write lock when their transaction begins (``BEGIN IMMEDIATE``), so
concurrent writers queue on ``busy_timeout`` instead of failing half-way with "database is
locked"; read-only work (``readonly=True`` execution option) begins a plain deferred
transaction and never blocks writers (WAL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

__all__ = ["FOLD_FROM", "FOLD_TO", "fold", "make_engine", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


#: Vietnamese letters with their marks → the bare letter, for searches typed without
#: diacritics ("chinh phu" finds "Chính phủ"). PostgreSQL applies it with translate().
_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
FOLD_FROM = _MARKED + _MARKED.upper()
FOLD_TO = ("a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d") * 2
_FOLD = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(value: Any) -> Any:
    """Lower case without Vietnamese diacritics (``Điện`` → ``dien``)."""
    return value.translate(_FOLD).lower() if isinstance(value, str) else value


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
    # SQLite's own lower() folds ASCII only; Vietnamese names need Unicode case folding
    # (as PostgreSQL does), e.g. for searching "điện" in "Báo Điện tử".
    dbapi_conn.create_function("lower", 1, _lower, deterministic=True)
    dbapi_conn.create_function("kv_fold", 1, fold, deterministic=True)
    cur = dbapi_conn.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        cur.execute(pragma)
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    readonly = conn.get_execution_options().get("readonly", False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=10
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, by default the newest migration (idempotent)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
