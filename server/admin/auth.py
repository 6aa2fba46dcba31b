"""Sign-in for the web admin: session checks, roles, login rate limit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, session, url_for

from ..errors import ApiError
from ..scopes import scope_unit
from ..services import lists
from ..store import NotFound
from ..store.accounts import Actor, User

__all__ = ["admin_actor", "login_required", "require_unit", "sign_in", "sign_out", "user_unit"]


def sign_in(user: User) -> None:
    """Start a session for ``user`` (a new session id against fixation)."""
    session.clear()
    session["uid"] = user.id
    session["pwd"] = user.password_changed_at
    session.permanent = True


def sign_out() -> None:
    """End the session."""
    session.clear()


def current_user() -> User | None:
    """The signed-in, active user whose password has not changed since sign-in."""
    if "admin_user" not in g:
        user = None
        uid = session.get("uid")
        if uid is not None:
            try:
                user = lists().store.get_user(int(uid))
            except NotFound:
                user = None
            if user is not None and (
                not user.active or user.password_changed_at != session.get("pwd")
            ):
                user = None
        g.admin_user = user
    return g.admin_user  # type: ignore[no-any-return]


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors to the sign-in page; refuse their changes with 401."""

    @functools.wraps(view)
    def inner(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            if request.method != "GET":
                raise ApiError(401, "unauthorized", "Bạn cần đăng nhập lại.")
            return redirect(url_for("admin.login", next=request.full_path))
        return view(*args, **kwargs)

    return inner


def admin_actor(reason: str = "") -> Actor:
    """The signed-in user as an audit actor."""
    user = current_user()
    return Actor(
        f"user:{user.username}" if user else "anonymous", request.remote_addr or "", reason
    )


def user_unit() -> str:
    """The one province the signed-in editor may curate, or "" (admins, unlimited
    editors)."""
    user = current_user()
    if user is None or user.role == "admin":
        return ""
    return user.scope


def require_unit(scope: str) -> None:
    """403 unless the signed-in user may curate rules of ``scope``."""
    unit = user_unit()
    if unit and scope_unit(scope) != unit:
        raise ApiError(
            403, "forbidden", "Tài khoản của bạn chỉ được sửa các quy tắc của {unit}.", unit=unit
        )


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Pages for the ``admin`` role only (accounts and keys); editors get 403."""

    @functools.wraps(view)
    @login_required
    def inner(*args: Any, **kwargs: Any) -> Any:
        if current_user().role != "admin":  # type: ignore[union-attr]
            raise ApiError(403, "forbidden", "Chỉ quản trị viên mới làm được việc này.")
        return view(*args, **kwargs)

    return inner
