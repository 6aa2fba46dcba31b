"""Admin API for the lists: ``/api/v1/sources`` (rules CRUD) and ``/api/v1/audit`` (+ revert).

Every change needs an ``admin``-scoped key and is validated like an imported row
(:func:`~server.rule_files.build_rule`: text fields are JSON strings without control characters
and within their length, a name and evidence are required, the category is a known one or
empty, then the core's canonical pattern with shared-platform host rules refused unless
``force``); it is written to the audit log in the same transaction and makes the checker
rebuild at once. Reverting an import's entry undoes the whole import.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..errors import ApiError
from ..lists_service import SavedRule
from ..rule_files import build_rule, check_text
from ..scopes import check_scope, scope_unit
from ..services import lists
from ..store import Conflict, NotFound
from .blueprint import bp
from .http import bool_arg, json_response, parse_body, service
from .schemas import RuleInput


def _int_arg(name: str, default: int, most: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        raise ApiError(400, f"invalid_{name}", "“{name}” phải là số.", name=name) from None
    return max(0, min(value, most))


def _rule_from_body(body: RuleInput) -> Any:
    """The rule ``body`` describes (its fields checked by the model already); the core's and
    the scope's refusals (``InvalidRule``) are answered by the one handler."""
    rule = build_rule(body.rule_values(), force=body.force, categories=service().tables.categories)
    check_scope(rule.scope)
    return rule


def _not_found(rule_id: int) -> ApiError:
    return ApiError(404, "not_found", "Không có quy tắc số {rule_id}.", rule_id=rule_id)


def _conflict() -> ApiError:
    return ApiError(409, "conflict", "Mẫu này đã có trong danh sách đó.")


def _saved(saved: SavedRule, status: int = 200) -> Response:
    """A created or replaced rule, with the ids of the open reports it covered and closed
    (audited) in ``resolved_reports``."""
    return json_response(
        {**asdict(saved.record), "resolved_reports": saved.resolved_reports}, status=status
    )


@bp.route("/sources", methods=["GET"])
@require_scope("admin")
def list_sources() -> Response:
    """Search and page through the rules; ``scope`` is a province (or ``national``) and
    also finds that province's rules noted with a former province (``Thái Nguyên (cũ: Bắc
    Kạn)``); 400 ``invalid_scope`` for anything else."""
    unit = request.args.get("scope") or None
    if unit is not None:
        unit = scope_unit(check_scope(unit))  # InvalidRule: 400 invalid_scope
    total, items = lists().store.find_rules_by_unit(
        unit=unit,
        list=request.args.get("list"),
        category=request.args.get("category"),
        q=request.args.get("q"),
        offset=_int_arg("offset", 0, 10**9),
        limit=_int_arg("limit", 50, 500),
    )
    return json_response({"total": total, "items": [asdict(r) for r in items]})


@bp.route("/sources", methods=["POST"])
@require_scope("admin")
def create_source() -> Response:
    """Add a rule."""
    body = parse_body(RuleInput)
    rule, reason = _rule_from_body(body), body.reason or ""
    try:
        saved = lists().add_rule(rule, actor(reason))
    except Conflict:
        raise _conflict() from None
    return _saved(saved, 201)


@bp.route("/sources/<int:rule_id>", methods=["GET"])
@require_scope("admin")
def get_source(rule_id: int) -> Response:
    """One rule."""
    try:
        return json_response(asdict(lists().store.get_rule(rule_id)))
    except NotFound:
        raise _not_found(rule_id) from None


@bp.route("/sources/<int:rule_id>", methods=["PUT"])
@require_scope("admin")
def update_source(rule_id: int) -> Response:
    """Replace a rule's fields."""
    body = parse_body(RuleInput)
    rule, reason = _rule_from_body(body), body.reason or ""
    try:
        saved = lists().update_rule(rule_id, rule, actor(reason))
    except NotFound:
        raise _not_found(rule_id) from None
    except Conflict:
        raise _conflict() from None
    return _saved(saved)


@bp.route("/sources/<int:rule_id>", methods=["DELETE"])
@require_scope("admin")
def delete_source(rule_id: int) -> Response:
    """Delete a rule (it can be restored from the audit log). ``?reason=`` is required:
    without one (or blank) 400 ``missing_reason`` and nothing changes."""
    reason = check_text("reason", request.args.get("reason"))  # InvalidRule: 400
    if not reason:
        raise ApiError(400, "missing_reason", "Cần ghi lý do xoá quy tắc (tham số “reason”).")
    try:
        record = lists().delete_rule(rule_id, actor(reason))
    except NotFound:
        raise _not_found(rule_id) from None
    return json_response(asdict(record))


def _id_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise ApiError(400, f"invalid_{name}", "“{name}” phải là số nguyên dương.", name=name)
    return int(value)


@bp.route("/audit", methods=["GET"])
@require_scope("admin")
def list_audit() -> Response:
    """The audit log, newest first, filterable by target type and id, actor, and parent
    (``parent_id``: the per-rule entries of one import or undo)."""
    total, items = lists().store.list_audit(
        target_type=request.args.get("target_type"),
        actor=request.args.get("actor"),
        target_id=_id_arg("target_id"),
        parent_id=_id_arg("parent_id"),
        offset=_int_arg("offset", 0, 10**9),
        limit=_int_arg("limit", 50, 500),
    )
    return json_response({"total": total, "items": [asdict(e) for e in items]})


@bp.route("/audit/<int:entry_id>/revert", methods=["POST"])
@require_scope("admin")
def revert_audit(entry_id: int) -> Response:
    """Undo one rule change, or a whole import (or the undo of one); itself logged.

    A rule change answers with the rule as restored (or as deleted); an import with
    ``{"entry", "reverted", "added", "changed", "removed", "version"}``. 409
    ``cannot_revert`` when a rule changed since or the entry was undone already, 409
    ``confirm_required`` when it touches more than 20 rules without ``?confirm=1`` (then
    nothing is undone)."""
    record = lists().revert(
        entry_id, actor(f"hoàn tác mục nhật ký #{entry_id}"), confirm=bool_arg("confirm")
    )
    return json_response(asdict(record))
