"""Commands of the assistant: ``flask feeds add|list|refresh|remove|undo`` and
``flask sources health``.

Exit codes: 0 done; 1 refused (bad argument, unknown feed, cannot undo); 4 a refresh failed
(previous entries kept) or a health run flagged rules for review.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from ..store import Conflict, NotFound
from ..store.accounts import Actor
from .feeds import FeedError, RefreshResult
from .formats import FORMATS

__all__ = ["register_assistant_cli"]

feeds_group = click.Group("feeds", help="Threat feeds (external deny lists).")


def _service() -> Any:
    return current_app.extensions["khongvoi.feeds"]


def _fail(vi: str, en: str) -> None:
    click.echo(f"{vi} / {en}", err=True)
    sys.exit(1)


@feeds_group.command("add")
@click.argument("name")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--list", "list_", type=click.Choice(["deny"]), default="deny", show_default=True)
@click.option("--no-refresh", is_flag=True, help="Subscribe only; fetch later.")
@with_appcontext
def add_cmd(name: str, source: str, fmt: str, list_: str, no_refresh: bool) -> None:
    """Subscribe to feed NAME from SOURCE (an http(s) URL or a file), then refresh it."""
    try:
        feed = _service().add(name, source, fmt, list_, Actor("cli"), any_file=True)
    except FeedError as exc:
        _fail(exc.message, exc.message_en)
    except Conflict:
        _fail(f"Đã có nguồn “{name}”.", f"A feed “{name}” exists already.")
    click.echo(f"Đã thêm nguồn cảnh báo “{feed.name}” ({feed.format}, {feed.source}).")
    click.echo(f"Feed “{feed.name}” added ({feed.format}, {feed.source}).")
    if not no_refresh:
        _report(_service().refresh(feed.name))


@feeds_group.command("list")
@with_appcontext
def list_cmd() -> None:
    """Every feed with its entries, last refresh and last error."""
    items = _service().feeds.list_feeds()
    if not items:
        click.echo("Chưa có nguồn cảnh báo nào. No feeds yet.")
    for f in items:
        state = f"lỗi/error: {f.last_error}" if f.last_error else "ok"
        click.echo(
            f"{f.name}\t{f.format}\t{f.entry_count} mục/entries\t"
            f"{f.bad_lines} dòng lỗi/bad lines\t{f.refreshed_at or '-'}\t{state}\t"
            f"{f.source}"
        )


@feeds_group.command("refresh")
@click.argument("name", required=False)
@with_appcontext
def refresh_cmd(name: str | None) -> None:
    """Refresh NAME (or every feed). Exit 4 if one failed (its old entries are kept)."""
    try:
        results = _service().refresh(name)
    except NotFound:
        _fail(f"Không có nguồn “{name}”.", f"No feed “{name}”.")
    _report(results)


def _report(results: list[RefreshResult]) -> None:
    failed = False
    for r in results:
        if r.status == "failed":
            failed = True
            click.echo(f"{r.name}: {r.message} / {r.message_en}", err=True)
            continue
        click.echo(
            f"{r.name}: {r.message} / {r.message_en}: {r.entries} mục/entries "
            f"(+{r.added} −{r.removed}), {r.bad_count} dòng lỗi/bad lines, "
            f"{r.unsupported} dòng không hỗ trợ/unsupported; nhật ký/audit #{r.audit_id}"
        )
        for b in r.bad[:5]:
            click.echo(f"  dòng/line {b.line}: {b.text} — {b.message} / {b.message_en}")
    checker = _rebuild()
    conflicts = _service().conflicts(checker)
    for c in conflicts:
        click.echo(f"  xung đột/conflict: {c['message']} / {c['message_en']}")
    if failed:
        sys.exit(4)


@feeds_group.command("remove")
@click.argument("name")
@with_appcontext
def remove_cmd(name: str) -> None:
    """Unsubscribe NAME: its entries stop counting at once (undo brings them back)."""
    try:
        feed = _service().remove(name, Actor("cli"))
    except NotFound:
        _fail(f"Không có nguồn “{name}”.", f"No feed “{name}”.")
    _rebuild()
    click.echo(f"Đã gỡ nguồn “{feed.name}” ({feed.entry_count} mục). Feed removed.")


@feeds_group.command("undo")
@click.argument("entry", type=int)
@with_appcontext
def undo_cmd(entry: int) -> None:
    """Undo audit ENTRY of a feed change or an assistant proposal."""
    from .undo import UndoRefused, undo

    try:
        done = undo(current_app.extensions["khongvoi.store"], _service().feeds, entry, Actor("cli"))
    except NotFound:
        _fail(f"Không có mục nhật ký #{entry}.", f"No audit entry #{entry}.")
    except UndoRefused as exc:
        _fail(exc.message, exc.message_en)
    _rebuild()
    click.echo(
        f"Đã hoàn tác mục #{done['entry']} ({done['undone']} {done['target_type']}). Undone."
    )


def _rebuild() -> Any:
    """This process's checker sees the change now (other workers at their next poll)."""
    checker = current_app.extensions["khongvoi.checker"]
    checker.refresh_feeds(wait=True)
    return checker


def register_assistant_cli(app: Any, sources: click.Group) -> None:
    """Add ``flask feeds …`` and ``flask sources health``."""
    from .health_cli import health_cmd

    app.cli.add_command(feeds_group)
    sources.add_command(health_cmd)
