"""Admin API for users' reports: list, read, triage one (``POST /api/v1/reports/<id>``)
or many (``POST /api/v1/reports/bulk``). Sending a report is public: :mod:`.reports`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response

from ..auth import actor, require_scope
from ..errors import ApiError
from ..report_patterns import suggested_pattern
from ..services import lists
from ..store import NotFound
from . import bp
from .http import (
    choice_arg,
    json_response,
    read_json,
    require_object,
    utc_time,
)

REPORT_STATUSES = ("open", "resolved", "rejected")
MAX_REASON = 1000


def _report_json(report: Any) -> dict[str, Any]:
    """A report as JSON (``created_at`` in UTC with ``Z``), with ``suggested_pattern``: the
    narrowest rule that would cover it, in the pattern's canonical form (the page on a
    platform, else the registrable domain; see
    :func:`server.report_patterns.suggested_pattern`)."""
    return {
        **asdict(report),
        "created_at": utc_time(report.created_at),
        "suggested_pattern": suggested_pattern(report.canonical_url, report.host),
    }


@bp.route("/reports", methods=["GET"])
@require_scope("admin")
def list_reports() -> Response:
    """Reports from users, oldest first."""
    status = choice_arg("status", REPORT_STATUSES)
    return json_response({"items": [_report_json(r) for r in lists().store.list_reports(status)]})


MAX_BULK = 1000


@bp.route("/reports/bulk", methods=["POST"])
@require_scope("admin")
def triage_reports() -> Response:
    """Close several reports at once: ``{"ids": [..], "status": "resolved"|"rejected",
    "reason": "…"}`` (a reason is required). All or nothing: an unknown id is a 404 and no
    report changes. Reports that have the status already are left alone. Answers
    ``{"changed": [ids], "items": [reports]}``."""
    data = require_object(read_json())
    ids, status, reason = data.get("ids"), data.get("status"), data.get("reason")
    if (
        not isinstance(ids, list)
        or not ids
        or len(ids) > MAX_BULK
        or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids)
    ):
        raise ApiError(
            400,
            "invalid_ids",
            f"“ids” phải là danh sách số báo cáo (1 đến {MAX_BULK} số).",
            f"“ids” must be a list of report ids (1 to {MAX_BULK}).",
        )
    if status not in ("resolved", "rejected"):
        raise ApiError(
            400,
            "invalid_status",
            "“status” phải là resolved hoặc rejected.",
            "“status” must be resolved or rejected.",
        )
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise ApiError(
            400,
            "invalid_reason",
            f"Cần ghi lý do (“reason”, chuỗi ký tự, tối đa {MAX_REASON} ký tự).",
            f"A reason is required (“reason”, text of at most {MAX_REASON} characters).",
        )
    try:
        changed = lists().set_reports_status(ids, status, actor(reason.strip()))
    except NotFound as exc:
        raise ApiError(
            404,
            "not_found",
            f"Không có báo cáo số {exc.args[0]}; chưa đổi gì.",
            f"No report {exc.args[0]}; nothing was changed.",
        ) from None
    wanted = set(ids)
    items = [_report_json(r) for r in lists().store.list_reports() if r.id in wanted]
    return json_response({"changed": changed, "items": items})


def _report(report_id: int) -> Any:
    found = [r for r in lists().store.list_reports() if r.id == report_id]
    if not found:
        raise ApiError(
            404, "not_found", f"Không có báo cáo số {report_id}.", f"No report {report_id}."
        )
    return found[0]


@bp.route("/reports/<int:report_id>", methods=["GET"])
@require_scope("admin")
def get_report(report_id: int) -> Response:
    """One report."""
    return json_response(_report_json(_report(report_id)))


@bp.route("/reports/<int:report_id>", methods=["POST"])
@require_scope("admin")
def triage_report(report_id: int) -> Response:
    """Close a report as ``resolved`` or ``rejected`` (or reopen it: ``open``), with a reason;
    logged. Setting the status it already has changes nothing and logs nothing."""
    data = require_object(read_json())
    status, reason = data.get("status"), data.get("reason", "")
    if status not in REPORT_STATUSES:
        raise ApiError(
            400,
            "invalid_status",
            "“status” phải là: " + ", ".join(REPORT_STATUSES) + ".",
            "“status” must be one of: " + ", ".join(REPORT_STATUSES) + ".",
        )
    if not isinstance(reason, str) or len(reason) > MAX_REASON:
        raise ApiError(
            400,
            "invalid_reason",
            f"“reason” phải là chuỗi ký tự, tối đa {MAX_REASON} ký tự.",
            f"“reason” must be text of at most {MAX_REASON} characters.",
        )
    report = _report(report_id)
    if report.status != status:
        try:
            lists().set_report_status(report_id, status, actor(reason.strip()))
        except NotFound:
            raise ApiError(
                404, "not_found", f"Không có báo cáo số {report_id}.", f"No report {report_id}."
            ) from None
        report = _report(report_id)
    return json_response(_report_json(report))
