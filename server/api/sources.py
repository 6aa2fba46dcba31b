"""Admin API for the lists: ``/api/v1/sources`` (rules CRUD) and ``/api/v1/audit`` (+ revert).

Every change needs an ``admin``-scoped key, is validated by the core (canonical pattern,
shared-platform host rules refused unless ``force``), needs evidence, is written to the audit
log in the same transaction, and makes the checker rebuild at once.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..core import InvalidRule, make_rule
from ..errors import ApiError
from ..store import Conflict, NotFound
from . import bp
from .http import json_response, read_json, require_object, service

_FIELDS = ("name", "category", "scope", "evidence", "note", "review_by")


def _store() -> Any:
    return service().store


def _int_arg(name: str, default: int, most: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise ApiError(400, f"invalid_{name}", f"“{name}” phải là số.",
                       f"“{name}” must be a number.") from None
    return max(0, min(value, most))


def _rule_from_body(data: dict[str, Any]) -> Any:
    if not str(data.get("evidence") or "").strip():
        raise ApiError(400, "missing_evidence",
                       "Cần ghi bằng chứng (đường dẫn hoặc văn bản) cho quy tắc.",
                       "Evidence (a URL or a document reference) is required.")
    try:
        return make_rule(str(data.get("list", "")), str(data.get("pattern", "")),
                         force=data.get("force") is True,
                         **{k: data.get(k) for k in _FIELDS if data.get(k) is not None})
    except InvalidRule as exc:
        raise ApiError(400, exc.code, exc.message, exc.message_en) from None


def _not_found(rule_id: int) -> ApiError:
    return ApiError(404, "not_found", f"Không có quy tắc số {rule_id}.", f"No rule {rule_id}.")


def _conflict() -> ApiError:
    return ApiError(409, "conflict", "Mẫu này đã có trong danh sách đó.",
                    "This pattern is already on that list.")


def _changed(record: Any, status: int = 200) -> Response:
    service().refresh(force=True)
    return json_response(asdict(record), status=status)


@bp.route("/sources", methods=["GET"])
@require_scope("admin")
def list_sources() -> Response:
    """Search and page through the rules."""
    total, items = _store().find_rules(
        list=request.args.get("list"), category=request.args.get("category"),
        scope=request.args.get("scope"), q=request.args.get("q"),
        offset=_int_arg("offset", 0, 10**9), limit=_int_arg("limit", 50, 500))
    return json_response({"total": total, "items": [asdict(r) for r in items]})


@bp.route("/sources", methods=["POST"])
@require_scope("admin")
def create_source() -> Response:
    """Add a rule."""
    data = require_object(read_json())
    try:
        record = _store().add_rule(_rule_from_body(data), actor(str(data.get("reason") or "")))
    except Conflict:
        raise _conflict() from None
    return _changed(record, 201)


@bp.route("/sources/<int:rule_id>", methods=["GET"])
@require_scope("admin")
def get_source(rule_id: int) -> Response:
    """One rule."""
    try:
        return json_response(asdict(_store().get_rule(rule_id)))
    except NotFound:
        raise _not_found(rule_id) from None


@bp.route("/sources/<int:rule_id>", methods=["PUT"])
@require_scope("admin")
def update_source(rule_id: int) -> Response:
    """Replace a rule's fields."""
    data = require_object(read_json())
    try:
        record = _store().update_rule(rule_id, _rule_from_body(data),
                                      actor(str(data.get("reason") or "")))
    except NotFound:
        raise _not_found(rule_id) from None
    except Conflict:
        raise _conflict() from None
    return _changed(record)


@bp.route("/sources/<int:rule_id>", methods=["DELETE"])
@require_scope("admin")
def delete_source(rule_id: int) -> Response:
    """Delete a rule (it can be restored from the audit log)."""
    try:
        record = _store().delete_rule(rule_id, actor(request.args.get("reason", "")))
    except NotFound:
        raise _not_found(rule_id) from None
    return _changed(record)


@bp.route("/audit", methods=["GET"])
@require_scope("admin")
def list_audit() -> Response:
    """The audit log, newest first, filterable by target type and actor."""
    total, items = _store().list_audit(
        target_type=request.args.get("target_type"), actor=request.args.get("actor"),
        offset=_int_arg("offset", 0, 10**9), limit=_int_arg("limit", 50, 500))
    return json_response({"total": total, "items": [asdict(e) for e in items]})


@bp.route("/audit/<int:entry_id>/revert", methods=["POST"])
@require_scope("admin")
def revert_audit(entry_id: int) -> Response:
    """Undo one rule change; the undo is itself logged."""
    from ..curation import revert

    store = _store()
    try:
        entry = store.get_audit(entry_id)
    except NotFound:
        raise ApiError(404, "not_found", f"Không có mục nhật ký số {entry_id}.",
                       f"No audit entry {entry_id}.") from None
    record = revert(store, entry, actor(f"hoàn tác mục nhật ký #{entry_id}"))
    return _changed(record)
