"""Admin API for API keys: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response

from ..auth import actor, require_scope
from ..errors import ApiError
from ..services import lists
from ..store import NotFound
from .blueprint import bp
from .http import json_response, parse_body, utc_time
from .schemas import KeyInput


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
    body = parse_body(KeyInput)  # the name comes trimmed
    key, secret = lists().store.create_key(body.name, body.scope, actor())
    return json_response({**_key_json(key), "secret": secret}, status=201)


@bp.route("/keys/<int:key_id>", methods=["DELETE"])
@require_scope("admin")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key; revoking it again changes nothing (same time, no second log entry)."""
    try:
        return json_response(_key_json(lists().store.revoke_key(key_id, actor())))
    except NotFound:
        raise ApiError(404, "not_found", "Không có khóa số {key_id}.", key_id=key_id) from None
