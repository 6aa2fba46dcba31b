"""Command line: ``flask --app server init-db | sources import/export | check URL``.

Messages are Vietnamese first, English second; exit codes are stable (see each command).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .core import InvalidURL
from .core.tables import SOURCES_DIR
from .sources import load_default_sources, read_rules, write_csv, write_json

__all__ = ["register_cli"]

#: ``check`` exit codes by verdict (2 is click's usage error; 3 an invalid URL).
EXIT_BY_VERDICT = {"official": 0, "unknown": 10, "suspicious": 11, "denied": 12}


def _store():  # type: ignore[no-untyped-def]
    return current_app.extensions["khongvoi.store"]


@click.command("init-db")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              default=SOURCES_DIR, show_default=True, help="Folder with allow/deny/pending.csv")
@with_appcontext
def init_db(sources_dir: Path) -> None:
    """Create or upgrade the schema; load the default lists into an empty database."""
    store = _store()
    store.create_schema()
    loaded = load_default_sources(store, sources_dir)
    if loaded:
        click.echo(f"Đã tạo cơ sở dữ liệu và nạp danh sách mặc định: {loaded.get('allow', 0)} "
                   f"cho phép, {loaded.get('deny', 0)} chặn, {loaded.get('pending', 0)} chờ duyệt.")
        click.echo(f"Database created; default lists loaded: {loaded}.")
    else:
        click.echo("Cơ sở dữ liệu đã có danh sách; chỉ cập nhật cấu trúc (nếu cần).")
        click.echo("The database already holds lists; schema upgraded if needed.")
    click.echo(f"Phiên bản danh sách / lists version: {store.lists_version()}")


sources = click.Group("sources", help="Import and export rules (CSV or JSON).")


@sources.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--list", "list_", type=click.Choice(["allow", "deny"]), default=None,
              help="Target list (else the file's 'list' column).")
@click.option("--replace", is_flag=True, help="Remove rules of that list missing from the file.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--force", is_flag=True, help="Accept host-only rules on shared platforms.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even if some are not.")
@with_appcontext
def import_cmd(file: Path, list_: str | None, replace: bool, dry_run: bool, force: bool,
               skip_invalid: bool) -> None:
    """Import FILE (.csv or .json). Exit 1 when rows are invalid (nothing applied)."""
    fmt = "json" if file.suffix.lower() == ".json" else "csv"
    parsed = read_rules(file.read_bytes(), list_=list_, fmt=fmt, force=force, max_bytes=None)
    for err in parsed.errors:
        click.echo(f"dòng/line {err.line}: {err.code}: {err.message} / {err.message_en}", err=True)
    if parsed.errors and not skip_invalid:
        click.echo("Không nhập gì vì có dòng không hợp lệ. Nothing imported.", err=True)
        sys.exit(1)
    replace_lists = [list_] if replace and list_ else (["allow", "deny"] if replace else [])
    res = _store().import_rules(parsed.rules, replace_lists=replace_lists, dry_run=dry_run)
    prefix = "(thử / dry run) " if dry_run else ""
    click.echo(f"{prefix}thêm/added {res.added}, sửa/changed {res.changed}, "
               f"giữ nguyên/unchanged {res.unchanged}, xóa/removed {res.removed}; "
               f"phiên bản/version {res.version}")


@sources.command("export")
@click.option("--list", "list_", type=click.Choice(["allow", "deny"]), default=None)
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def export_cmd(list_: str | None, fmt: str, output: Path | None) -> None:
    """Export rules in canonical form (re-imports to the identical state)."""
    rules = list(_store().export_rules(list_))
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
    service = current_app.extensions["khongvoi.checker"]
    try:
        result = service.check(url)
    except InvalidURL as exc:
        click.echo(f"{exc.code}: {exc.message_for(lang)}", err=True)
        sys.exit(3)
    from .core.messages import VERDICT_LABELS

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


def register_cli(app: Flask) -> None:
    """Add the commands to ``flask --app server``."""
    app.cli.add_command(init_db)
    app.cli.add_command(sources)
    app.cli.add_command(check_cmd)
