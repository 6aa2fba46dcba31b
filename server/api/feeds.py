"""Admin API of the curation assistant: threat feeds, list health, undo (admin key).

``GET/POST /api/v1/feeds``, ``GET/DELETE /api/v1/feeds/<name>``,
``POST /api/v1/feeds/<name>/refresh``, ``GET /api/v1/health`` (the latest run) and
``POST /api/v1/assistant/undo/<entry_id>``. A feed file given here must lie inside
``FEEDS_DIR`` (see :mod:`server.assistant.feeds`).
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from ..assistant.feeds import FeedError
from ..assistant.undo import UndoRefused, undo
from ..auth import actor, require_scope
from ..errors import ApiError
from ..store import Conflict, NotFound
from .blueprint import bp
from .http import json_response, parse_body, service
from .schemas import JsonObject


def _feeds() -> Any:
    return current_app.extensions["khongvoi.feeds"]


def _no_feed(name: str) -> ApiError:
    return ApiError(404, "not_found", "Không có nguồn cảnh báo “{name}”.", name=name)


@bp.route("/feeds", methods=["GET"])
@require_scope("admin")
def list_feeds() -> Response:
    """Every feed with its state, and the conflicts with allow rules."""
    service().refresh_feeds(wait=True)
    return json_response(
        {
            "items": [f.public() for f in _feeds().feeds.list_feeds()],
            "conflicts": _feeds().conflicts(service()),
        }
    )


@bp.route("/feeds", methods=["POST"])
@require_scope("admin")
def add_feed() -> Response:
    """Subscribe to a feed (not fetched yet: refresh it next)."""
    data = parse_body(JsonObject).root  # its fields: checked by the feed registry
    try:
        feed = _feeds().add(
            data.get("name"),
            data.get("source"),
            data.get("format"),
            data.get("list", "deny"),
            actor(),
        )
    except FeedError as exc:
        raise ApiError(400, exc.code, exc.message, exc.message_en) from None
    except Conflict:
        raise ApiError(409, "conflict", "Đã có nguồn cùng tên.") from None
    return json_response(feed.public(), status=201)


@bp.route("/feeds/<name>", methods=["GET"])
@require_scope("admin")
def get_feed(name: str) -> Response:
    """One feed."""
    try:
        return json_response(_feeds().get(name).public())
    except NotFound:
        raise _no_feed(name) from None


@bp.route("/feeds/<name>", methods=["DELETE"])
@require_scope("admin")
def remove_feed(name: str) -> Response:
    """Unsubscribe (undo with the audit entry)."""
    try:
        feed = _feeds().remove(name, actor())
    except NotFound:
        raise _no_feed(name) from None
    service().refresh_feeds(wait=True)
    return json_response(feed.public())


@bp.route("/feeds/<name>/refresh", methods=["POST"])
@require_scope("admin")
def refresh_feed(name: str) -> Response:
    """Fetch the feed now; a failure keeps the previous entries (200, status ``failed``)."""
    try:
        [result] = _feeds().refresh(name)
    except NotFound:
        raise _no_feed(name) from None
    service().refresh_feeds(wait=True)
    return json_response(result.to_dict())


@bp.route("/health", methods=["GET"])
@require_scope("admin")
def health() -> Response:
    """The latest list-health run (``flask sources health``)."""
    run, results = _feeds().feeds.latest_health()
    return json_response(
        {"run": run, "items": results, "flagged": sum(1 for r in results if r["flags"])}
    )


@bp.route("/assistant/undo/<int:entry_id>", methods=["POST"])
@require_scope("admin")
def undo_entry(entry_id: int) -> Response:
    """Undo a feed change or an assistant proposal by its audit entry."""
    try:
        done = undo(service().store, _feeds().feeds, entry_id, actor())
    except NotFound:
        raise ApiError(
            404, "not_found", "Không có mục nhật ký #{entry_id}.", entry_id=entry_id
        ) from None
    except UndoRefused as exc:
        raise ApiError(409, exc.reason, exc.message, exc.message_en) from None
    service().refresh_feeds(wait=True)
    return json_response(done)
