"""Admin-only pages: accounts (create, disable, enable, delete, role and province, reset
password) and API keys (create shown once, revoke). Every change is audited."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from ..core import InvalidRule
from ..scopes import check_scope, scopes
from ..services import lists
from ..store import Conflict, NotFound
from ..store.accounts import AccountRefused
from .auth import admin_actor, admin_only
from .blueprint import bp


@bp.route("/people", methods=["GET"])
@admin_only
def people() -> str:
    """Accounts and API keys."""
    return render_template(
        "admin/people.html",
        users=lists().store.list_users(),
        keys=lists().store.list_keys(),
        secret=None,
    )


@bp.route("/people/users", methods=["POST"])
@admin_only
def user_create() -> Any:
    """Create an account with a first password the person changes after signing in."""
    form = request.form
    name, password, role = (
        form.get("username", "").strip(),
        form.get("password", ""),
        form.get("role", "editor"),
    )
    scope = form.get("scope", "") if role == "editor" else ""
    if (
        not name
        or len(password) < 10
        or role not in ("admin", "editor")
        or (scope and scope not in scopes())
        or len(name) > 64
    ):
        flash("Cần tên đăng nhập, vai trò và mật khẩu ít nhất 10 ký tự.")
    else:
        try:
            lists().store.create_user(name, password, role, admin_actor(), scope=scope)
            flash(f"Đã tạo tài khoản {name}.")
        except Conflict:
            flash(f"Tên đăng nhập “{name}” đã có.")
    return redirect(url_for("admin.people"))


def _account_change(username: str, done: str, change: Any) -> Any:
    try:
        change()
    except NotFound:
        flash(f"Không có tài khoản “{username}”.")
    except AccountRefused:
        flash("Không thể: sẽ không còn quản trị viên nào đang hoạt động.")
    else:
        flash(done)
    return redirect(url_for("admin.people"))


@bp.route("/people/users/<int:user_id>", methods=["POST"])
@admin_only
def user_update(user_id: int) -> Any:
    """One account change: ``action`` = disable, enable, delete (with the box ticked),
    role (``role`` and an editor's province ``scope``) or password (a new one, 10+
    characters). A disabled or deleted account's sessions end at once."""
    try:
        user = lists().store.get_user(user_id)
    except NotFound:
        flash("Không có tài khoản này.")
        return redirect(url_for("admin.people"))
    form, store, name = request.form, lists().store, user.username
    action = form.get("action", "")
    actor = admin_actor(form.get("reason", "").strip()[:1000])
    if action == "disable":
        return _account_change(
            name,
            f"Đã khóa tài khoản {name}; mọi phiên đã kết thúc.",
            lambda: store.update_user(name, active=False, actor=actor),
        )
    if action == "enable":
        return _account_change(
            name,
            f"Đã mở lại tài khoản {name}.",
            lambda: store.update_user(name, active=True, actor=actor),
        )
    if action == "delete":
        if form.get("confirm") != "on":
            flash(f"Hãy đánh dấu ô xác nhận để xóa tài khoản {name}.")
            return redirect(url_for("admin.people"))
        return _account_change(
            name, f"Đã xóa tài khoản {name}.", lambda: store.delete_user(name, actor=actor)
        )
    if action == "role":
        role, scope = form.get("role", ""), form.get("scope", "")
        if role not in ("admin", "editor"):
            flash("Hãy chọn vai trò.")
            return redirect(url_for("admin.people"))
        try:
            scope = check_scope(scope) if scope else ""
        except InvalidRule as exc:
            flash(exc.message)
            return redirect(url_for("admin.people"))
        scope = "" if role == "admin" or scope == "" else scope
        label = "quản trị viên" if role == "admin" else "biên tập viên"
        return _account_change(
            name,
            f"Tài khoản {name} giờ là {label}" + (f" ({scope})." if scope else "."),
            lambda: store.update_user(name, role=role, scope=scope, actor=actor),
        )
    if action == "password":
        new = form.get("password", "")
        if not 10 <= len(new) <= 200:
            flash("Mật khẩu mới cần ít nhất 10 ký tự.")
            return redirect(url_for("admin.people"))
        return _account_change(
            name,
            f"Đã đặt lại mật khẩu của {name}; mọi phiên của tài khoản đó đã kết thúc.",
            lambda: store.set_password(name, new, admin_actor("đặt lại mật khẩu")),
        )
    flash("Không rõ thao tác.")
    return redirect(url_for("admin.people"))


@bp.route("/people/keys", methods=["POST"])
@admin_only
def key_create() -> Any:
    """Create a key; its secret is shown on this page once."""
    name, scope = request.form.get("name", "").strip(), request.form.get("scope", "")
    if not name or scope not in ("check", "admin"):
        flash("Cần tên và phạm vi của khóa.")
        return redirect(url_for("admin.people"))
    _, secret = lists().store.create_key(name, scope, admin_actor())
    return render_template(
        "admin/people.html",
        users=lists().store.list_users(),
        keys=lists().store.list_keys(),
        secret=secret,
    )


@bp.route("/people/keys/<int:key_id>/revoke", methods=["POST"])
@admin_only
def key_revoke(key_id: int) -> Any:
    """Revoke a key at once."""
    try:
        lists().store.revoke_key(key_id, admin_actor())
        flash(f"Đã thu hồi khóa #{key_id}.")
    except NotFound:
        flash("Không có khóa này.")
    return redirect(url_for("admin.people"))
