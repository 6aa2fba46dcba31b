"""``flask db backup FILE``, ``flask db restore FILE`` and ``flask check-config``.

Exit codes: 0 done / no dangerous setting, 1 refused or failed (nothing changed), 2 usage;
``check-config`` exits 1 when it finds a dangerous setting (so a deploy script can stop).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

__all__ = ["register_ops_cli"]

db = click.Group("db", help="Backup and restore of the database.")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "sqlite", "pg_dump", "json"]),
    default="auto",
    show_default=True,
    help="auto: SQLite backup API, pg_dump on PostgreSQL (JSON without it).",
)
@with_appcontext
def backup_cmd(file: Path, fmt: str) -> None:
    """Write a consistent backup of the whole store to FILE (the service may keep running)."""
    from ..cli import refuse_unwritable
    from .backup import BackupError, backup

    refuse_unwritable(file)
    try:
        used = backup(current_app.extensions["khongvoi.store"].engine, file, fmt)
    except BackupError as exc:
        click.echo(f"{exc.message} / {exc.message_en}", err=True)
        sys.exit(1)
    click.echo(f"Đã sao lưu vào {file} ({used}, {file.stat().st_size} byte). Backup written.")


@db.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_cmd(file: Path, yes: bool) -> None:
    """Replace everything in the store by the backup in FILE (refuses a newer schema)."""
    from .backup import BackupError, restore

    if not yes:
        click.confirm(
            "Mọi dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Tiếp tục? "
            "Everything will be replaced by the backup. Continue?",
            abort=True,
        )
    store = current_app.extensions["khongvoi.store"]
    try:
        fmt = restore(store.engine, file)
    except BackupError as exc:
        click.echo(f"{exc.message} / {exc.message_en}", err=True)
        sys.exit(1)
    click.echo(
        f"Đã khôi phục từ {file} ({fmt}); phiên bản danh sách {store.lists_version()}. "
        "Restored; every worker reloads the lists within the poll interval."
    )


#: (test, Vietnamese, English) — each a dangerous setting.
def _findings(app: Flask) -> list[tuple[str, str, str]]:
    cfg = app.config
    found: list[tuple[str, str, str]] = []
    secret = str(cfg.get("SECRET_KEY") or "")
    if secret in ("", "dev", "change-me", "changeme", "secret", "test-secret") or len(secret) < 32:
        found.append(
            (
                "secret_key",
                "SECRET_KEY yếu hoặc mặc định (cần ≥ 32 ký tự ngẫu nhiên).",
                "SECRET_KEY is weak or a default (needs 32+ random characters).",
            )
        )
    if not cfg.get("SESSION_COOKIE_SECURE"):
        found.append(
            (
                "cookie_secure",
                "Cookie phiên không có cờ Secure: đặt KHONGVOI_SESSION_COOKIE_SECURE=true "
                "khi chạy sau HTTPS.",
                "Session cookies are not Secure: set KHONGVOI_SESSION_COOKIE_SECURE=true "
                "behind HTTPS.",
            )
        )
    if not cfg.get("RATELIMIT_ENABLED"):
        found.append(
            (
                "ratelimit_off",
                "Giới hạn truy cập đang tắt (RATELIMIT_ENABLED).",
                "Rate limits are off (RATELIMIT_ENABLED).",
            )
        )
    if cfg.get("DEBUG") or cfg.get("TESTING"):
        found.append(("debug", "Đang bật chế độ DEBUG/TESTING.", "DEBUG or TESTING is on."))
    url = str(cfg.get("DATABASE_URL") or "")
    if url.startswith("sqlite"):
        found.append(
            (
                "sqlite",
                "Đang dùng SQLite: chỉ hợp với một máy chủ; nhiều máy chủ cần PostgreSQL.",
                "SQLite serves one host only; several instances need PostgreSQL.",
            )
        )
    if not cfg.get("REDIS_URL") and cfg.get("RATELIMIT_ENABLED"):
        found.append(
            (
                "redis",
                "Không có REDIS_URL: mỗi tiến trình đếm giới hạn riêng.",
                "No REDIS_URL: every worker counts rate limits on its own.",
            )
        )
    if not any(cfg.get(f"PROXY_FIX_X_{h}") for h in ("FOR",)):
        found.append(
            (
                "proxy_fix",
                "PROXY_FIX_X_FOR=0: sau nginx mọi yêu cầu có cùng địa chỉ "
                "127.0.0.1 (giới hạn truy cập dùng chung một ngân sách).",
                "PROXY_FIX_X_FOR=0: behind nginx every request comes from 127.0.0.1 "
                "(all clients share one rate-limit budget).",
            )
        )
    if cfg.get("METRICS_ENABLED", True) and not cfg.get("METRICS_TOKEN"):
        allow = [str(a) for a in cfg.get("METRICS_ALLOW", ())]
        if any(a.startswith(("0.0.0.0", "::/0")) for a in allow):
            found.append(
                (
                    "metrics_open",
                    "/metrics mở cho mọi địa chỉ mà không cần mã.",
                    "/metrics is open to every address without a token.",
                )
            )
    if cfg.get("RATELIMIT_REDIS_DOWN") == "open":
        found.append(
            (
                "redis_down_open",
                "Khi Redis ngừng, giới hạn truy cập bị bỏ (open).",
                "When Redis is down rate limits are dropped (open).",
            )
        )
    return found


@click.command("check-config")
@with_appcontext
def check_config() -> None:
    """Report dangerous settings; exit 1 when there is any."""
    found = _findings(current_app)  # type: ignore[arg-type]
    for code, vi, en in found:
        click.echo(f"CẢNH BÁO/WARNING [{code}] {vi} / {en}")
    if found:
        sys.exit(1)
    click.echo("Cấu hình không có điểm nguy hiểm đã biết. No dangerous setting found.")


def register_ops_cli(app: Flask) -> None:
    app.cli.add_command(db)
    app.cli.add_command(check_config)
