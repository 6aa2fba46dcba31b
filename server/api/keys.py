"""Admin API for API keys: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response

from ..auth import actor, require_scope
from ..errors import ApiError
from ..services import lists
from ..store import NotFound
from . import bp
from .http import (
    json_response,
    read_json,
    require_object,
    utc_time,
)

MAX_KEY_NAME = 100


def _key_json(key: Any) -> dict[str, Any]:
    """An API key as JSON: times in UTC with ``Z``, ``null`` for never used / not revoked."""
    data = asdict(key)
    for name in ("created_at", "last_used_at", "revoked_at"):
        data[name] = utc_time(data[name])
    return data


@bp.route("/keys", methods=["GET"])
@require_scope("admin")
def list_api_keys() -> Response:
    """Every key (never the secrets)."""
    return json_response({"items": [_key_json(k) for k in lists().store.list_keys()]})


@bp.route("/keys", methods=["POST"])
@require_scope("admin")
def create_api_key() -> Response:
    """Create a key; the secret is in this answer only."""
    data = require_object(read_json())
    name, scope = data.get("name"), data.get("scope")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_KEY_NAME:
        raise ApiError(
            400,
            "invalid_key",
            f"Cần tên khóa (chuỗi ký tự, tối đa {MAX_KEY_NAME} ký tự) và phạm vi "
            "(check hoặc admin).",
            f"A name (text, at most {MAX_KEY_NAME} characters) and a scope "
            "(check or admin) are required.",
        )
    if scope not in ("check", "admin"):
        raise ApiError(
            400,
            "invalid_key",
            "Phạm vi của khóa phải là check hoặc admin.",
            "The key's scope must be check or admin.",
        )
    key, secret = lists().store.create_key(name.strip(), scope, actor())
    return json_response({**_key_json(key), "secret": secret}, status=201)


@bp.route("/keys/<int:key_id>", methods=["DELETE"])
@require_scope("admin")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key; revoking it again changes nothing (same time, no second log entry)."""
    try:
        return json_response(_key_json(lists().store.revoke_key(key_id, actor())))
    except NotFound:
        raise ApiError(
            404, "not_found", f"Không có khóa số {key_id}.", f"No key {key_id}."
        ) from None
