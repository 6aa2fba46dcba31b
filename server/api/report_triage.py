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
from .blueprint import bp
from .http import choice_arg, json_response, parse_body, utc_time
from .schemas import ReportBulk, ReportTriage

REPORT_STATUSES = ("open", "resolved", "rejected")


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


@bp.route("/reports/bulk", methods=["POST"])
@require_scope("admin")
def triage_reports() -> Response:
    """Close several reports at once: ``{"ids": [..], "status": "resolved"|"rejected",
    "reason": "…"}`` (a reason is required). All or nothing: an unknown id is a 404 and no
    report changes. Reports that have the status already are left alone. Answers
    ``{"changed": [ids], "items": [reports]}``."""
    body = parse_body(ReportBulk)
    ids, status, reason = body.ids, body.status, body.reason
    try:
        changed = lists().set_reports_status(ids, status, actor(reason.strip()))
    except NotFound as exc:
        raise ApiError(
            404, "not_found", "Không có báo cáo số {x}; chưa đổi gì.", x=exc.args[0]
        ) from None
    wanted = set(ids)
    items = [_report_json(r) for r in lists().store.list_reports() if r.id in wanted]
    return json_response({"changed": changed, "items": items})


def _report(report_id: int) -> Any:
    found = [r for r in lists().store.list_reports() if r.id == report_id]
    if not found:
        raise ApiError(404, "not_found", "Không có báo cáo số {report_id}.", report_id=report_id)
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
    body = parse_body(ReportTriage)
    status, reason = body.status, body.reason
    report = _report(report_id)
    if report.status != status:
        try:
            lists().set_report_status(report_id, status, actor(reason.strip()))
        except NotFound:
            raise ApiError(
                404, "not_found", "Không có báo cáo số {report_id}.", report_id=report_id
            ) from None
        report = _report(report_id)
    return json_response(_report_json(report))
