"""Backup and restore: ``flask db backup FILE`` / ``flask db restore FILE``.

Formats, chosen by the backend (``--format json`` forces the portable one):

* **SQLite** — a copy made with SQLite's online backup API (consistent while the service
  runs; readers and writers are not stopped). Restore copies it back the same way.
* **PostgreSQL** — ``pg_dump --format=custom`` of the service's schema when ``pg_dump`` is
  on the PATH; restore with ``pg_restore --clean --if-exists --single-transaction`` (all or
  nothing). Without the tools: the JSON dump.
* **JSON** — every table of the store (rules, pending entries, audit log, accounts, API keys
  (hashed), reports, statistics, lists version) with the schema revision; restored in one
  transaction, so it also moves data between SQLite and PostgreSQL.

Every restore first reads the backup's schema revision (Alembic) and refuses one this code
does not know (a newer schema); an older one is restored and then upgraded. After a
restore the lists version is whatever the backup held; every worker polls for a version
*different* from its own, so all of them rebuild within the poll interval.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, Engine, LargeBinary, insert, select, text
from sqlalchemy.engine import make_url

from ..i18n import render

__all__ = ["BackupError", "backup", "known_revisions", "restore"]

FORMAT_VERSION = 1
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done: ``message`` in Vietnamese (its ``{name}``
    placeholders filled from ``params``), ``message_en`` from the catalogue (server/i18n.py)."""

    def __init__(self, message: str, message_en: str | None = None, **params: Any) -> None:
        self.message = render(message, False, params)
        self.message_en = render(message, True, params) if message_en is None else message_en
        super().__init__(self.message_en)


def known_revisions() -> list[str]:
    """The migrations this code knows, oldest first."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ..store.engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return [s.revision for s in reversed(list(ScriptDirectory.from_config(cfg).walk_revisions()))]


def _check_revision(revision: str | None) -> None:
    if revision is None:
        raise BackupError("Tệp sao lưu không có phiên bản cấu trúc dữ liệu; không khôi phục.")
    if revision not in known_revisions():
        raise BackupError(
            "Tệp sao lưu có cấu trúc dữ liệu mới hơn phiên bản phần mềm này "
            "({revision}); hãy cập nhật phần mềm trước. Không thay đổi gì.",
            revision=revision,
        )


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


# -- SQLite ---------------------------------------------------------------------------------
def _sqlite_path(engine: Engine) -> str:
    return str(make_url(str(engine.url)).database)


def _sqlite_backup(engine: Engine, file: Path) -> None:
    src = sqlite3.connect(_sqlite_path(engine))
    dst = sqlite3.connect(file)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_restore(engine: Engine, file: Path) -> None:
    src = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    try:
        try:
            revision = src.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError("Tệp sao lưu SQLite hỏng hoặc không đúng: {exc}", exc=exc) from exc
        _check_revision(revision[0] if revision else None)
        engine.dispose()
        dst = sqlite3.connect(_sqlite_path(engine), timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# -- PostgreSQL -----------------------------------------------------------------------------
def _libpq(engine: Engine) -> str:
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_schema(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(args, capture_output=True, timeout=3600, check=False)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip()[-500:]
        raise BackupError("{x} báo lỗi; không thay đổi gì. {detail}", x=args[0], detail=detail)
    return proc


def _pg_backup(engine: Engine, file: Path) -> None:
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={_pg_schema(engine)}",
            f"--file={file}",
            f"--dbname={_libpq(engine)}",
        ]
    )


def _pg_dump_revision(file: Path) -> str | None:
    out = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(file)])
    lines = out.stdout.decode("utf-8", "replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            value = lines[i + 1] if i + 1 < len(lines) else "\\."
            return None if value == "\\." else value.strip()
    return None


def _pg_restore(engine: Engine, file: Path) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("Cần pg_restore để khôi phục bản sao lưu pg_dump.")
    _check_revision(_pg_dump_revision(file))
    engine.dispose()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={_libpq(engine)}",
            str(file),
        ]
    )


# -- JSON -----------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        parsed = dt.datetime.fromisoformat(value)
        return parsed
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def _json_backup(engine: Engine, file: Path) -> None:
    from ..store.schema import metadata

    doc: dict[str, Any] = {
        "format": "khongvoi-backup",
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tables": {},
    }
    # One repeatable-read snapshot on PostgreSQL; SQLite's BEGIN is already a snapshot.
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            doc["revision"] = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            for table in metadata.sorted_tables:
                cols = [c.name for c in table.columns]
                rows = conn.execute(select(table).order_by(*table.primary_key.columns))
                doc["tables"][table.name] = {
                    "columns": cols,
                    "rows": [[_encode(v) for v in r] for r in rows],
                }
    tmp = file.with_name(file.name + ".part")
    tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    tmp.replace(file)


def _json_restore(engine: Engine, file: Path) -> None:
    from ..store.engine import upgrade
    from ..store.schema import metadata

    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        ok = doc.get("format") == "khongvoi-backup" and isinstance(doc.get("tables"), dict)
    except (ValueError, UnicodeDecodeError, AttributeError):
        ok = False
    if not ok:
        raise BackupError("Tệp không phải bản sao lưu JSON của Không Vội; không khôi phục.")
    _check_revision(doc.get("revision"))
    upgrade(engine)  # the target schema is this code's (an older backup fits into it)
    tables = {t.name: t for t in metadata.sorted_tables}
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for name, data in doc["tables"].items():
            table = tables.get(name)
            if table is None or not data["rows"]:
                continue
            cols = [c for c in data["columns"] if c in table.c]
            idx = [data["columns"].index(c) for c in cols]
            rows = [
                {c: _decode(table.c[c], r[i]) for c, i in zip(cols, idx, strict=True)}
                for r in data["rows"]
            ]
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
        if engine.dialect.name == "postgresql":  # sequences continue after the restored ids
            for table in metadata.sorted_tables:
                for col in table.primary_key.columns:
                    seq = conn.execute(
                        text("SELECT pg_get_serial_sequence(:t, :c)"),
                        {"t": table.name, "c": col.name},
                    ).scalar()
                    if seq:
                        conn.execute(
                            text(
                                f"SELECT setval(:s, COALESCE((SELECT MAX({col.name}) FROM "
                                f"{table.name}), 0) + 1, false)"
                            ),
                            {"s": seq},
                        )
        # SQLite: sqlite_sequence keeps the highest id ever used, so ids are never reused.


# -- entry points ---------------------------------------------------------------------------
def backup(engine: Engine, file: Path, fmt: str = "auto") -> str:
    """Write a backup of the store to ``file``; returns the format used."""
    file = Path(file)
    if fmt == "auto":
        if engine.dialect.name == "sqlite":
            fmt = "sqlite"
        elif engine.dialect.name == "postgresql" and shutil.which("pg_dump"):
            fmt = "pg_dump"
        else:
            fmt = "json"
    if fmt == "sqlite" and engine.dialect.name != "sqlite":
        raise BackupError("Định dạng sqlite chỉ dùng cho cơ sở dữ liệu SQLite.")
    if fmt == "pg_dump" and engine.dialect.name != "postgresql":
        raise BackupError("Định dạng pg_dump chỉ dùng cho PostgreSQL.")
    {"sqlite": _sqlite_backup, "pg_dump": _pg_backup, "json": _json_backup}[fmt](engine, file)
    return fmt


def restore(engine: Engine, file: Path) -> str:
    """Replace the store's content by the backup in ``file``; returns the format found."""
    from ..store.engine import upgrade

    file = Path(file)
    with file.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(_SQLITE_MAGIC):
        if engine.dialect.name != "sqlite":
            raise BackupError(
                "Bản sao lưu SQLite chỉ khôi phục vào SQLite; hãy dùng --format json để "
                "chuyển giữa hai loại."
            )
        _sqlite_restore(engine, file)
        upgrade(engine)
        return "sqlite"
    if head.startswith(_PG_MAGIC):
        if engine.dialect.name != "postgresql":
            raise BackupError("Bản sao lưu pg_dump chỉ khôi phục vào PostgreSQL.")
        _pg_restore(engine, file)
        upgrade(engine)
        return "pg_dump"
    _json_restore(engine, file)
    return "json"
