"""``flask users disable|enable|delete|role|list``: account changes from the command line.

Registered on the ``users`` group of :mod:`server.cli`. Every change is audited with the
actor ``cli`` and the optional ``--reason``. Exit codes: 0 done (or nothing to change),
1 no such account, 4 refused because no active administrator would be left.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext

from .core import InvalidRule
from .scopes import check_scope
from .services import lists
from .store import NotFound
from .store.accounts import AccountRefused, Actor

__all__ = ["add_account_commands"]


def _change(
    username: str, reason: str, done_vi: str, done_en: str, change: Callable[[Any, Any], Any]
) -> None:
    try:
        change(lists().store, Actor("cli", reason=reason))
    except NotFound:
        click.echo(f"Không có tài khoản “{username}”. No such account.", err=True)
        sys.exit(1)
    except AccountRefused:
        click.echo(
            "Không thể: sẽ không còn quản trị viên nào đang hoạt động. Refused: no "
            "active administrator would be left.",
            err=True,
        )
        sys.exit(4)
    click.echo(f"{done_vi} {done_en}")


_reason = click.option("--reason", default="", help="Why (written to the audit log).")


@click.command("disable")
@click.argument("username")
@_reason
@with_appcontext
def disable(username: str, reason: str) -> None:
    """Disable an account: it cannot sign in and its sessions end."""
    _change(
        username,
        reason,
        f"Đã khóa tài khoản {username}; mọi phiên đã kết thúc.",
        "Account disabled.",
        lambda s, a: s.update_user(username, active=False, actor=a),
    )


@click.command("enable")
@click.argument("username")
@_reason
@with_appcontext
def enable(username: str, reason: str) -> None:
    """Enable a disabled account again."""
    _change(
        username,
        reason,
        f"Đã mở lại tài khoản {username}.",
        "Account enabled.",
        lambda s, a: s.update_user(username, active=True, actor=a),
    )


@click.command("delete")
@click.argument("username")
@_reason
@click.confirmation_option(prompt="Xóa hẳn tài khoản này? Delete this account for good?")
@with_appcontext
def delete(username: str, reason: str) -> None:
    """Delete an account for good (``--yes`` to skip the question)."""
    _change(
        username,
        reason,
        f"Đã xóa tài khoản {username}.",
        "Account deleted.",
        lambda s, a: s.delete_user(username, actor=a),
    )


@click.command("role")
@click.argument("username")
@click.argument("role", type=click.Choice(["admin", "editor"]))
@click.option(
    "--scope",
    default=None,
    help='An editor\'s one province (as in sources/scopes.csv); "" for all rules.',
)
@_reason
@with_appcontext
def role(username: str, role: str, scope: str | None, reason: str) -> None:
    """Change an account's role (and an editor's province)."""
    if scope:
        try:
            scope = check_scope(scope)
        except InvalidRule as exc:
            click.echo(f"{exc.message} {exc.message_en}", err=True)
            sys.exit(2)
    _change(
        username,
        reason,
        f"Tài khoản {username} giờ là {role}.",
        f"Role is now {role}.",
        lambda s, a: s.update_user(username, role=role, scope=scope, actor=a),
    )


@click.command("list")
@with_appcontext
def list_users() -> None:
    """Every account: name, role, state, province."""
    for u in lists().store.list_users():
        state = "active" if u.active else "disabled"
        click.echo(f"{u.username}\t{u.role}\t{state}\t{u.scope or '*'}")


def add_account_commands(group: click.Group) -> None:
    """Add the account commands to the ``users`` group."""
    for command in (disable, enable, delete, role, list_users):
        group.add_command(command)
