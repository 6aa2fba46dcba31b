"""Admin-only pages: accounts (create, disable) and API keys (create shown once, revoke)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from ..store import Conflict, NotFound
from . import bp
from .auth import admin_actor, admin_only


def _store() -> Any:
    return current_app.extensions["khongvoi.store"]


@bp.route("/people", methods=["GET"])
@admin_only
def people() -> str:
    """Accounts and API keys."""
    return render_template("admin/people.html", users=_store().list_users(),
                           keys=_store().list_keys(), secret=None)


@bp.route("/people/users", methods=["POST"])
@admin_only
def user_create() -> Any:
    """Create an account with a first password the person changes after signing in."""
    form = request.form
    name, password, role = form.get("username", "").strip(), form.get("password", ""), \
        form.get("role", "editor")
    if not name or len(password) < 10 or role not in ("admin", "editor"):
        flash("Cần tên đăng nhập, vai trò và mật khẩu ít nhất 10 ký tự.")
    else:
        try:
            _store().create_user(name, password, role, admin_actor())
            flash(f"Đã tạo tài khoản {name}.")
        except Conflict:
            flash(f"Tên đăng nhập “{name}” đã có.")
    return redirect(url_for("admin.people"))


@bp.route("/people/keys", methods=["POST"])
@admin_only
def key_create() -> Any:
    """Create a key; its secret is shown on this page once."""
    name, scope = request.form.get("name", "").strip(), request.form.get("scope", "")
    if not name or scope not in ("check", "admin"):
        flash("Cần tên và phạm vi của khóa.")
        return redirect(url_for("admin.people"))
    _, secret = _store().create_key(name, scope, admin_actor())
    return render_template("admin/people.html", users=_store().list_users(),
                           keys=_store().list_keys(), secret=secret)


@bp.route("/people/keys/<int:key_id>/revoke", methods=["POST"])
@admin_only
def key_revoke(key_id: int) -> Any:
    """Revoke a key at once."""
    try:
        _store().revoke_key(key_id, admin_actor())
        flash(f"Đã thu hồi khóa #{key_id}.")
    except NotFound:
        flash("Không có khóa này.")
    return redirect(url_for("admin.people"))
