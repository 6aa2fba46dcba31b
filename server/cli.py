"""Command line: ``flask --app server init-db | sources import/export | check URL``.

Messages are Vietnamese first, English second; exit codes are stable (see each command).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from .assistant.cli import register_assistant_cli
from .cli_accounts import add_account_commands
from .core import InvalidURL
from .core.messages import VERDICT_LABELS
from .core.tables import SOURCES_DIR
from .ops.cli import register_ops_cli
from .rule_files import load_default_sources, read_rules, write_csv, write_json
from .services import lists
from .store import Conflict, NotFound
from .store.accounts import Actor

__all__ = ["register_cli"]

#: ``check`` exit codes by verdict (2 is click's usage error; 3 an invalid URL).
EXIT_BY_VERDICT = {"official": 0, "unknown": 10, "suspicious": 11, "denied": 12}


@click.command("init-db")
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=SOURCES_DIR,
    show_default=True,
    help="Folder with allow/deny/pending.csv",
)
@with_appcontext
def init_db(sources_dir: Path) -> None:
    """Create or upgrade the schema; load the default lists into an empty database."""
    store = lists().store
    store.create_schema()
    loaded = load_default_sources(store, sources_dir)
    if "allow" in loaded:
        click.echo(
            f"Đã tạo cơ sở dữ liệu và nạp danh sách mặc định: {loaded['allow']} "
            f"cho phép, {loaded['deny']} chặn, {loaded.get('pending', 0)} chờ duyệt."
        )
        click.echo(
            f"Database ready; default lists loaded: {loaded['allow']} allow, "
            f"{loaded['deny']} deny, {loaded.get('pending', 0)} pending review."
        )
    else:
        click.echo("Cơ sở dữ liệu đã có danh sách: giữ nguyên, chỉ cập nhật cấu trúc (nếu cần).")
        click.echo("The database already holds lists: kept as they are; schema upgraded if needed.")
        if "pending" in loaded:
            click.echo(
                f"Đã đưa {loaded['pending']} mục vào hàng chờ duyệt. "
                f"Queued {loaded['pending']} entries for review."
            )
    click.echo(f"Phiên bản danh sách / lists version: {store.lists_version()}")


sources = click.Group("sources", help="Import and export rules (CSV or JSON).")


@sources.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--list",
    "list_",
    type=click.Choice(["allow", "deny"]),
    default=None,
    help="Target list (else the file's 'list' column).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Remove the rules the file lacks (of --list, or of both lists without it).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--force", is_flag=True, help="Accept host-only rules on shared platforms.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even if some are not.")
@with_appcontext
def import_cmd(
    file: Path, list_: str | None, replace: bool, dry_run: bool, force: bool, skip_invalid: bool
) -> None:
    """Import FILE (.csv or .json). Exit 1 when rows are invalid (nothing applied)."""
    fmt = "json" if file.suffix.lower() == ".json" else "csv"
    with file.open("rb") as fh:
        parsed = read_rules(fh, list_=list_, fmt=fmt, force=force, max_bytes=None)
    for err in parsed.errors:
        click.echo(f"dòng/line {err.line}: {err.code}: {err.message} / {err.message_en}", err=True)
    if parsed.errors and not skip_invalid:
        click.echo("Không nhập gì vì có dòng không hợp lệ. Nothing imported.", err=True)
        sys.exit(1)
    replace_lists = [list_] if replace and list_ else (["allow", "deny"] if replace else [])
    if dry_run:
        res = lists().preview_import(parsed.rules, replace_lists=replace_lists)
    else:
        res = lists().import_rules(parsed.rules, Actor("cli"), replace_lists=replace_lists)
    prefix = "(thử / dry run) " if dry_run else ""
    click.echo(
        f"{prefix}thêm/added {res.added}, sửa/changed {res.changed}, "
        f"giữ nguyên/unchanged {res.unchanged}, xóa/removed {res.removed}; "
        f"phiên bản/version {res.version}"
    )


def refuse_unwritable(path: Path) -> None:
    """Exit with a plain message (not a traceback) when ``path`` cannot be written."""
    parent = path.resolve().parent
    if not parent.is_dir():
        click.echo(f"Thư mục “{parent}” không tồn tại. The folder does not exist.", err=True)
        sys.exit(1)
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        click.echo(f"Không ghi được vào “{path}”. Cannot write there.", err=True)
        sys.exit(1)


@sources.command("export")
@click.option("--list", "list_", type=click.Choice(["allow", "deny"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export_cmd(list_: str | None, fmt: str, output: Path | None) -> None:
    """Export rules in canonical form (re-imports to the identical state)."""
    if output is not None:
        refuse_unwritable(output)
    rules = list(lists().store.export_rules(list_))
    data = write_json(rules) if fmt == "json" else write_csv(rules, with_list=list_ is None)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Đã ghi {len(rules)} quy tắc vào {output}. Wrote {len(rules)} rules.")


@click.command("check")
@click.argument("url")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@with_appcontext
def check_cmd(url: str, lang: str) -> None:
    """Print the verdict and reasons for URL; exit 0 official, 10 unknown, 11 suspicious,
    12 denied, 3 not a web address."""
    try:
        result = lists().checker.check(url)
    except InvalidURL as exc:
        click.echo(f"{exc.code}: {exc.message_for(lang)}", err=True)
        sys.exit(3)
    label = VERDICT_LABELS[result.verdict][lang == "en"]
    click.echo(f"{result.verdict}: {label}")
    click.echo(f"  {result.canonical_url}")
    for r in result.reasons:
        click.echo(f"  - {r.code}: {r.text(lang)}")
    if result.rule is not None:
        click.echo(f"  rule: {result.rule.list} {result.rule.pattern} ({result.rule.name})")
    if len(result.chain) > 1:
        click.echo("  chain: " + " -> ".join(result.chain))
    sys.exit(EXIT_BY_VERDICT[result.verdict])


users = click.Group("users", help="Admin and editor accounts.")


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "editor"]), required=True)
@click.option("--password", help="Asked for (twice) when not given; or piped on standard input.")
@with_appcontext
def create_user(username: str, role: str, password: str | None) -> None:
    """Create an account (there is no default password)."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        click.echo(
            "Tên đăng nhập cần 1–64 ký tự, không có khoảng trắng. "
            "The username needs 1–64 characters without spaces.",
            err=True,
        )
        sys.exit(1)
    try:
        lists().store.get_user_by_name(username)
    except NotFound:
        pass
    else:  # taken: say so before asking for a password
        click.echo(f"Tên đăng nhập “{username}” đã có. That username exists.", err=True)
        sys.exit(1)
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        click.echo("Mật khẩu cần ít nhất 10 ký tự. The password needs 10+ characters.", err=True)
        sys.exit(1)
    try:
        user = lists().store.create_user(username, password, role, Actor("cli"))
    except Conflict:
        click.echo(f"Tên đăng nhập “{username}” đã có. That username exists.", err=True)
        sys.exit(1)
    click.echo(f"Đã tạo tài khoản {user.username} ({user.role}). Account created.")


@users.command("password")
@click.argument("username")
@click.password_option(help="Asked for (twice) when not given; or piped on standard input.")
@with_appcontext
def set_password(username: str, password: str) -> None:
    """Change a password: every session of that user is signed out."""
    if len(password) < 10:
        click.echo("Mật khẩu cần ít nhất 10 ký tự. The password needs 10+ characters.", err=True)
        sys.exit(1)
    try:
        lists().store.set_password(username, password, Actor("cli"))
    except NotFound:
        click.echo(f"Không có tài khoản “{username}”. No such account.", err=True)
        sys.exit(1)
    click.echo("Đã đổi mật khẩu; mọi phiên đăng nhập cũ đã kết thúc. Password changed.")


keys = click.Group("keys", help="API keys for other tools.")


@keys.command("create")
@click.argument("name")
@click.option("--scope", type=click.Choice(["check", "admin"]), required=True)
@with_appcontext
def create_key(name: str, scope: str) -> None:
    """Create a key; its secret is printed once and stored only hashed."""
    key, secret = lists().store.create_key(name, scope, Actor("cli"))
    click.echo(f"Khóa #{key.id} ({scope}) — lưu lại ngay, sẽ không hiện lại / shown once:")
    click.echo(secret)


@keys.command("list")
@with_appcontext
def list_keys() -> None:
    """Every key (never the secrets)."""
    found = lists().store.list_keys()
    if not found:
        click.echo("Chưa có khóa API nào (tạo bằng: keys create TÊN --scope check). No keys yet.")
    for k in found:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        click.echo(
            f"#{k.id} {k.prefix}… {k.scope:5} {k.name} — {state}; "
            f"last used {k.last_used_at or 'never'}"
        )


@keys.command("revoke")
@click.argument("key_id", type=int)
@with_appcontext
def revoke_key(key_id: int) -> None:
    """Revoke a key at once."""
    try:
        lists().store.revoke_key(key_id, Actor("cli"))
    except NotFound:
        click.echo(f"Không có khóa #{key_id}. No such key.", err=True)
        sys.exit(1)
    click.echo(f"Đã thu hồi khóa #{key_id}. Key revoked.")


def register_cli(app: Flask) -> None:
    """Add the commands to ``flask --app server``."""
    app.cli.add_command(init_db)
    app.cli.add_command(sources)
    app.cli.add_command(check_cmd)
    add_account_commands(users)
    app.cli.add_command(users)
    app.cli.add_command(keys)
    register_assistant_cli(app, sources)  # feeds, sources health (issue 16)
    register_ops_cli(app)  # db backup|restore, check-config
