"""The admin API for curation queues and accounts: ``/api/v1/pending`` (the review queue:
list, approve, reject), ``/api/v1/users`` (disable, enable, delete, role, province, password)
and ``/api/v1/review`` (rules whose review date has passed).

Every route needs an ``admin``-scoped key; every change is audited with the key as actor.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..errors import ApiError
from ..services import lists
from ..store import NotFound
from ..store.accounts import AccountRefused
from .blueprint import bp
from .http import json_response, parse_body, utc_time
from .schemas import JsonObject, PasswordReset, UserUpdate


def _pending_json(entry: Any) -> dict[str, Any]:
    data = asdict(entry)
    for name in ("created_at", "decided_at"):
        data[name] = utc_time(data[name])
    return data


@bp.route("/pending", methods=["GET"])
@require_scope("admin")
def list_pending() -> Response:
    """The review queue, oldest first: entries still waiting whose pattern is on no list
    yet (an import that added it since takes it out of the queue)."""
    return json_response({"items": [_pending_json(e) for e in lists().store.review_queue()]})


@bp.route("/pending/<int:entry_id>", methods=["POST"])
@require_scope("admin")
def decide_pending(entry_id: int) -> Response:
    """Decide an entry: ``{"decision": "allow"|"deny"|"reject", "reason": "…",
    "evidence": "…" (approval: the reviewer's own, required), "basis": "…", "note": "…"}``.
    Approval answers 201 with the new rule; rejection 200 with the entry."""
    data = parse_body(JsonObject).root  # its fields: checked by decide_pending
    reason = data.get("reason")
    record = lists().decide_pending(
        entry_id, data, actor(reason.strip() if isinstance(reason, str) else "")
    )
    if record is None:
        return json_response(_pending_json(lists().store.get_pending(entry_id)))
    return json_response(asdict(record), status=201)


# -- accounts ---------------------------------------------------------------------------------


def _user_json(user: Any) -> dict[str, Any]:
    return {**asdict(user), "password_changed_at": utc_time(user.password_changed_at)}


def _user(user_id: int) -> Any:
    try:
        return lists().store.get_user(user_id)
    except NotFound:
        raise ApiError(
            404, "not_found", "Không có tài khoản số {user_id}.", user_id=user_id
        ) from None


def _refused() -> ApiError:
    return ApiError(409, "last_admin", "Không thể: sẽ không còn quản trị viên nào đang hoạt động.")


@bp.route("/users", methods=["GET"])
@require_scope("admin")
def list_users() -> Response:
    """Every account (never a password)."""
    return json_response({"items": [_user_json(u) for u in lists().store.list_users()]})


@bp.route("/users/<int:user_id>", methods=["POST"])
@require_scope("admin")
def update_user(user_id: int) -> Response:
    """Change an account: ``{"active": bool, "role": "admin"|"editor", "scope": province
    or "" (every rule), "reason": "…"}`` (any of them). A disabled account cannot sign in
    and its sessions end. 409 ``last_admin`` when no active administrator would be left."""
    body = parse_body(UserUpdate)
    active, role, scope, reason = body.active, body.role, body.scope, body.reason
    user = _user(user_id)
    try:
        user = lists().store.update_user(
            user.username, active=active, role=role, scope=scope, actor=actor(reason.strip())
        )
    except AccountRefused:
        raise _refused() from None
    return json_response(_user_json(user))


@bp.route("/users/<int:user_id>", methods=["DELETE"])
@require_scope("admin")
def delete_user(user_id: int) -> Response:
    """Delete an account (audited; its sessions end)."""
    user = _user(user_id)
    try:
        return json_response(_user_json(lists().store.delete_user(user.username, actor())))
    except AccountRefused:
        raise _refused() from None


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@require_scope("admin")
def reset_password(user_id: int) -> Response:
    """Set a new password (``{"password": "…"}``, at least 10 characters); every session of
    that account ends."""
    password = parse_body(PasswordReset).password
    user = _user(user_id)
    return json_response(
        _user_json(lists().store.set_password(user.username, password, actor("đặt lại mật khẩu")))
    )


# -- review dates -----------------------------------------------------------------------------


@bp.route("/review", methods=["GET"])
@require_scope("admin")
def review_queue() -> Response:
    """Rules whose review date has passed (oldest date first is not promised: by pattern),
    for the admins to check again; ``offset``/``limit`` page through them."""

    def number(name: str, default: int, most: int) -> int:
        value = request.args.get(name, str(default))
        if not value.isdigit():
            raise ApiError(400, f"invalid_{name}", "“{name}” phải là số.", name=name)
        return min(int(value), most)

    total, items = lists().store.find_rules(
        overdue=True, offset=number("offset", 0, 10**9), limit=number("limit", 50, 500)
    )
    return json_response({"total": total, "items": [asdict(r) for r in items]})
