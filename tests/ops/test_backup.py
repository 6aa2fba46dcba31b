"""``flask db backup`` / ``restore`` round trips on both backends, and ``check-config``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from server.core import make_rule
from server.ops.backup import known_revisions
from server.store.accounts import Actor
from tests.live import make_test_app


def _state(app: Flask) -> dict:  # type: ignore[type-arg]
    store = app.extensions["khongvoi.store"]
    with store.engine.connect() as conn:
        return {
            "rules": sorted(
                tuple(r)
                for r in conn.execute(
                    text("SELECT id, list, pattern, name, category, scope, basis FROM rules")
                )
            ),
            "audit": conn.execute(text("SELECT COUNT(*) FROM audit_log")).scalar(),
            "users": sorted(r[0] for r in conn.execute(text("SELECT username FROM users"))),
            "keys": conn.execute(text("SELECT COUNT(*) FROM api_keys")).scalar(),
            "version": store.lists_version(),
        }


def _fill(app: Flask) -> None:
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", "mat-khau-dai-du", "admin", Actor("cli"))
    store.create_key("CMS tỉnh", "admin", Actor("cli"))
    store.add_rule(
        make_rule(
            "allow", "so-thu-nghiem.gov.vn", name="Sở Thử Nghiệm", category="gov_local", force=True
        ),
        Actor("cli"),
    )


def _spoil(app: Flask) -> None:
    store = app.extensions["khongvoi.store"]
    store.add_rule(
        make_rule(
            "deny", "them-sau-sao-luu.com", name="Thêm sau", category="impersonation", force=True
        ),
        Actor("cli"),
    )
    store.create_user("nguoimoi", "mat-khau-dai-du", "editor", Actor("cli"))


FORMATS = [
    ("sqlite", "auto", "sqlite"),
    ("sqlite", "json", "json"),
    pytest.param("postgresql", "auto", "pg_dump", marks=pytest.mark.postgres),
    pytest.param("postgresql", "json", "json", marks=pytest.mark.postgres),
]


@pytest.mark.parametrize(("backend", "fmt", "expect"), FORMATS)
def test_round_trip(backend: str, fmt: str, expect: str, request, tmp_path: Path) -> None:
    config = {}
    if backend == "postgresql":
        if expect == "pg_dump" and not shutil.which("pg_dump"):
            pytest.skip("pg_dump is not installed")
        from tests.store.conftest import pg_store_url

        config["DATABASE_URL"] = pg_store_url(request.getfixturevalue("pg_schema"))
    app = make_test_app(tmp_path, config=config)
    try:
        _fill(app)
        saved = _state(app)
        runner = app.test_cli_runner()
        file = tmp_path / "backup.bin"
        out = runner.invoke(args=["db", "backup", str(file), "--format", fmt])
        assert out.exit_code == 0, out.output
        assert f"({expect}," in out.output
        svc = app.extensions["khongvoi.checker"]
        assert svc.check("https://them-sau-sao-luu.com/").verdict == "unknown"
        _spoil(app)
        assert _state(app) != saved
        assert svc.check("https://them-sau-sao-luu.com/").verdict == "denied"
        out = runner.invoke(args=["db", "restore", str(file), "--yes"])
        assert out.exit_code == 0, out.output
        assert _state(app) == saved
        assert svc.check("https://them-sau-sao-luu.com/").verdict == "unknown"
        assert svc.check("https://so-thu-nghiem.gov.vn/").verdict == "official"
        store = app.extensions["khongvoi.store"]
        rec = store.add_rule(
            make_rule(
                "deny", "sau-khoi-phuc.com", name="Sau", category="impersonation", force=True
            ),
            Actor("cli"),
        )
        assert rec.id > max(r[0] for r in saved["rules"])  # ids continue after the restore
    finally:
        app.extensions["khongvoi.store"].dispose()


def test_json_backup_moves_sqlite_to_postgresql(pg_schema, tmp_path: Path) -> None:
    from tests.store.conftest import pg_store_url

    src = make_test_app(tmp_path / "a")
    dst = make_test_app(
        tmp_path / "b", config={"DATABASE_URL": pg_store_url(pg_schema)}, defaults=False
    )
    try:
        _fill(src)
        file = tmp_path / "move.json"
        assert (
            src.test_cli_runner()
            .invoke(args=["db", "backup", str(file), "--format", "json"])
            .exit_code
            == 0
        )
        out = dst.test_cli_runner().invoke(args=["db", "restore", str(file), "--yes"])
        assert out.exit_code == 0, out.output
        assert _state(dst) == _state(src)
    finally:
        src.extensions["khongvoi.store"].dispose()
        dst.extensions["khongvoi.store"].dispose()


def test_restore_refuses_a_newer_schema_and_changes_nothing(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    saved = _state(app)
    jfile = tmp_path / "new.json"
    assert runner.invoke(args=["db", "backup", str(jfile), "--format", "json"]).exit_code == 0
    doc = json.loads(jfile.read_text(encoding="utf-8"))
    doc["revision"] = "9999"
    doc["tables"]["rules"]["rows"] = []
    jfile.write_text(json.dumps(doc), encoding="utf-8")
    out = runner.invoke(args=["db", "restore", str(jfile), "--yes"])
    assert out.exit_code == 1 and "mới hơn" in out.output and "newer" in out.output
    assert _state(app) == saved

    sfile = tmp_path / "new.sqlite3"
    assert runner.invoke(args=["db", "backup", str(sfile)]).exit_code == 0
    import sqlite3

    con = sqlite3.connect(sfile)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.execute("DELETE FROM rules")
    con.close()
    out = runner.invoke(args=["db", "restore", str(sfile), "--yes"])
    assert out.exit_code == 1 and "9999" in out.output
    assert _state(app) == saved
    assert known_revisions()[-1] in {"0006", *known_revisions()}


def test_restore_refuses_garbage(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a backup at all")
    saved = _state(app)
    out = app.test_cli_runner().invoke(args=["db", "restore", str(bad), "--yes"])
    assert out.exit_code == 1 and "Traceback" not in out.output
    assert _state(app) == saved


def test_check_config_reports_dangerous_settings(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, config={"SECRET_KEY": "dev", "TESTING": False})
    out = app.test_cli_runner().invoke(args=["check-config"])
    assert out.exit_code == 1
    for code in ("secret_key", "cookie_secure", "ratelimit_off", "sqlite", "proxy_fix"):
        assert f"[{code}]" in out.output
    from server import create_app

    good = create_app(
        {  # settings only: check-config never touches the database
            "SECRET_KEY": "x" * 64,
            "SESSION_COOKIE_SECURE": True,
            "RATELIMIT_ENABLED": True,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "DATABASE_URL": "postgresql+psycopg://root@127.0.0.1:1/none",
            "PROXY_FIX_X_FOR": 1,
        }
    )
    out = good.test_cli_runner().invoke(args=["check-config"])
    assert out.exit_code == 0, out.output
    assert "No dangerous setting" in out.output
