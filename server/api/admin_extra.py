"""More of the admin API: import (with dry run), export, reports, statistics, API keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..errors import ApiError
from ..rule_files import write_csv, write_json
from ..store import NotFound
from . import bp
from .http import (
    LIST_CHOICES,
    bool_arg,
    choice_arg,
    json_response,
    lang,
    read_json,
    require_object,
    service,
    utc_time,
)


def _store() -> Any:
    return service().store


#: Media types read as CSV (spreadsheets and tools send all of these).
CSV_TYPES = ("text/csv", "text/plain", "text/comma-separated-values", "application/csv")
REPORT_STATUSES = ("open", "resolved", "rejected")
MAX_KEY_NAME = 100
MAX_REASON = 1000


def _key_json(key: Any) -> dict[str, Any]:
    """An API key as JSON: times in UTC with ``Z``, ``null`` for never used / not revoked."""
    data = asdict(key)
    for name in ("created_at", "last_used_at", "revoked_at"):
        data[name] = utc_time(data[name])
    return data


def _report_json(report: Any) -> dict[str, Any]:
    """A report as JSON (``created_at`` in UTC with ``Z``), with ``suggested_pattern``: the
    narrowest rule that would cover it, in the pattern's canonical form (the page on a
    platform, else the registrable domain; see :func:`server.curation.suggested_pattern`)."""
    from ..curation import suggested_pattern

    return {
        **asdict(report),
        "created_at": utc_time(report.created_at),
        "suggested_pattern": suggested_pattern(report.canonical_url, report.host),
    }


def _row_error(error: Any, language: str) -> dict[str, Any]:
    """An invalid row as the API shows it: line, code and one message in ``language``."""
    return {
        "line": error.line,
        "code": error.code,
        "message": error.message_en if language == "en" else error.message,
    }


@bp.route("/sources/import", methods=["POST"])
@require_scope("admin")
def import_sources() -> Response:
    """Import rules: CSV (text/csv) or JSON; ``?dry_run=1`` shows the diff (counts, and in
    ``changes`` each added or changed rule with its fields before and after, at most 1000),
    changes nothing; ``?force=1`` accepts host-only rules on shared platforms. CSV is read
    as spreadsheets write it: ``;`` or tab separators, Vietnamese header names,
    ``dd/mm/yyyy`` dates (:func:`server.curation.prepare_csv`); a scope outside
    ``sources/scopes.csv`` makes its row invalid."""
    from ..curation import import_changes, prepare_import

    dry, force, language = bool_arg("dry_run"), bool_arg("force"), lang()
    list_ = choice_arg("list", LIST_CHOICES)
    fmt = "csv" if request.mimetype in CSV_TYPES else "json"
    if fmt == "json":
        read_json(csv_too=True)  # 415 / 400 with the one error shape
    parsed = prepare_import(request.get_data(), fmt, list_, force)
    errors = [_row_error(e, language) for e in parsed.errors]
    if errors and not dry:
        message = (
            "Some rows are invalid; nothing was imported."
            if language == "en"
            else "Có dòng không hợp lệ; không nhập gì."
        )
        return json_response(
            {"error": {"code": "invalid_rows", "message": message}, "invalid": errors}, status=400
        )
    changes = import_changes(_store(), parsed.rules) if dry else None
    res = _store().import_rules(parsed.rules, dry_run=dry, actor=actor("API import"))
    if not dry:
        service().refresh(force=True)
        return json_response({**asdict(res), "dry_run": dry, "invalid": errors})
    return json_response({**asdict(res), "dry_run": dry, "invalid": errors, "changes": changes})


@bp.route("/sources/export", methods=["GET"])
@require_scope("admin")
def export_sources() -> Response:
    """All rules as canonical CSV (``?format=csv``; ``?bom=1`` starts it with a UTF-8 byte
    order mark, which Excel needs to read Vietnamese correctly) or JSON."""
    fmt = choice_arg("format", ("csv", "json"))
    bom = bool_arg("bom")
    rules = list(_store().export_rules(choice_arg("list", LIST_CHOICES)))
    if fmt == "csv":
        body = write_csv(rules, with_list=True)
        return Response(b"\xef\xbb\xbf" + body if bom else body, mimetype="text/csv")
    return Response(write_json(rules), mimetype="application/json")


@bp.route("/reports", methods=["GET"])
@require_scope("admin")
def list_reports() -> Response:
    """Reports from users, oldest first."""
    status = choice_arg("status", REPORT_STATUSES)
    return json_response({"items": [_report_json(r) for r in _store().list_reports(status)]})


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
        changed = _store().set_reports_status(ids, status, actor(reason.strip()))
    except NotFound as exc:
        raise ApiError(
            404,
            "not_found",
            f"Không có báo cáo số {exc.args[0]}; chưa đổi gì.",
            f"No report {exc.args[0]}; nothing was changed.",
        ) from None
    wanted = set(ids)
    items = [_report_json(r) for r in _store().list_reports() if r.id in wanted]
    return json_response({"changed": changed, "items": items})


def _report(report_id: int) -> Any:
    found = [r for r in _store().list_reports() if r.id == report_id]
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
            _store().set_report_status(report_id, status, actor(reason.strip()))
        except NotFound:
            raise ApiError(
                404, "not_found", f"Không có báo cáo số {report_id}.", f"No report {report_id}."
            ) from None
        report = _report(report_id)
    return json_response(_report_json(report))


@bp.route("/stats", methods=["GET"])
@require_scope("admin")
def get_stats() -> Response:
    """Checks per day by verdict (14 days) and what was checked most per verdict: pages on
    shared platforms (``facebook.com/tentrang``) and domains elsewhere, with the Unicode
    name of IDNs, the verdict they get today and the id of the stored rule that gives it
    (``rule_id``, null when none)."""
    from ..curation import top_checked

    service().flush_stats()
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=13)).isoformat()
    store = _store()
    return json_response(
        {
            "by_day": [
                {"day": d, "verdict": v, "checks": n} for d, v, n in store.stats_by_day(since)
            ],
            "top": {
                v: [
                    {
                        "domain": r["key"],
                        "checks": r["checks"],
                        "name_unicode": r["name_unicode"],
                        "verdict_now": r["verdict_now"],
                        "rule_id": r["rule_id"],
                    }
                    for r in top_checked(store, service(), v, since)
                ]
                for v in ("unknown", "denied", "suspicious")
            },
        }
    )


@bp.route("/keys", methods=["GET"])
@require_scope("admin")
def list_api_keys() -> Response:
    """Every key (never the secrets)."""
    return json_response({"items": [_key_json(k) for k in _store().list_keys()]})


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
    key, secret = _store().create_key(name.strip(), scope, actor())
    return json_response({**_key_json(key), "secret": secret}, status=201)


@bp.route("/keys/<int:key_id>", methods=["DELETE"])
@require_scope("admin")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key; revoking it again changes nothing (same time, no second log entry)."""
    try:
        return json_response(_key_json(_store().revoke_key(key_id, actor())))
    except NotFound:
        raise ApiError(
            404, "not_found", f"Không có khóa số {key_id}.", f"No key {key_id}."
        ) from None


from . import queues  # noqa: E402,F401  (its routes register with this module)
