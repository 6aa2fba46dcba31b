"""Admin pages for the review queue, CSV/JSON import with a dry run, and statistics."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from ..check_service import CheckerService
from ..check_stats import top_checked
from ..errors import ApiError
from ..import_preparation import import_changes, prepare_import
from ..refusals import Refused
from ..report_patterns import suggested_pattern
from ..rule_files import ParseResult, RowError, write_csv
from ..scopes import scope_unit
from ..services import lists
from ..store import NotFound, Store
from .auth import admin_actor, login_required, user_unit
from .blueprint import bp

MAX_UPLOAD = 5 * 1024 * 1024
COLOURS = {
    "official": "#1b7f3b",
    "denied": "#b3261e",
    "suspicious": "#c25e00",
    "unknown": "#5f6b76",
}


@bp.route("/pending")
@login_required
def pending() -> str:
    """Entries waiting for review (pending.csv, reports turned into proposals), without
    those an import has put on a list since."""
    unit = user_unit()
    items = [e for e in lists().store.review_queue() if not unit or scope_unit(e.scope) == unit]
    return render_template("admin/pending.html", items=items)


@bp.route("/pending/<int:entry_id>", methods=["POST"])
@login_required
def pending_decide(entry_id: int) -> Response:
    """Approve into allow/deny with one's own evidence (and basis), or reject; a reason is
    required; nothing is chosen in advance."""
    form = request.form
    try:
        record = lists().decide_pending(
            entry_id,
            form.to_dict(),
            admin_actor(form.get("reason", "").strip()),
            unit=user_unit(),
        )
    except Refused as exc:
        flash(exc.message)
        return redirect(url_for("admin.pending"))
    if record is not None:
        flash(
            f"Đã duyệt {record.pattern} vào danh sách "
            f"{'cho phép' if record.list == 'allow' else 'chặn'}."
        )
    else:
        flash("Đã từ chối.")
    return redirect(url_for("admin.pending"))


def report_groups(store: Store, checker: CheckerService) -> list[dict[str, Any]]:
    """Open reports grouped by the narrowest rule that would cover them (the page on a
    platform, else the registrable domain), biggest group first, each with its distinct
    URLs, kinds, the verdict its first URL gets now, and a pre-filled rule built from the
    group's own reports only."""
    groups: dict[str, dict[str, Any]] = {}
    for r in store.list_reports("open"):
        pattern = suggested_pattern(r.canonical_url, r.host)
        g = groups.setdefault(
            pattern, {"pattern": pattern, "items": [], "kinds": set(), "urls": []}
        )
        g["items"].append(r)
        g["kinds"].add(r.kind)
        if r.canonical_url not in g["urls"]:
            g["urls"].append(r.canonical_url)
    for g in groups.values():
        try:
            g["verdict"] = checker.check(g["urls"][0]).verdict
        except Exception:  # an old report may not parse under newer rules
            g["verdict"] = "unknown"
        g["ids"] = ",".join(str(r.id) for r in g["items"])
        g["prefill"] = _prefill(g)
    return sorted(groups.values(), key=lambda g: (-len(g["items"]), g["pattern"]))


def _prefill(group: dict[str, Any]) -> dict[str, str]:
    """The rule form's fields for a group: its pattern; deny (category impersonation) when
    someone reported an impersonation, else allow with no category chosen; as evidence the
    group's own report numbers, dates and comments; its URLs to preview."""
    deny = "impersonation" in group["kinds"]
    items = group["items"]
    comments = "; ".join(f"#{r.id}: {r.comment}" for r in items if r.comment)
    evidence = (
        f"{len(items)} báo cáo của người dùng (#"
        + ", #".join(str(r.id) for r in items)
        + f", {items[0].created_at[:10]}–{items[-1].created_at[:10]})"
        + (f". {comments}" if comments else "")
    )
    return {
        "pattern": group["pattern"],
        "list": "deny" if deny else "allow",
        "category": "impersonation" if deny else "",
        "evidence": evidence[:2000],
        "reason": f"theo báo cáo #{items[0].id}" + (f"–#{items[-1].id}" if len(items) > 1 else ""),
        "preview_urls": "\n".join(group["urls"][:20]),
    }


@bp.route("/reports")
@login_required
def reports() -> str:
    """Open reports grouped by the rule that would cover them, counted, with the verdict now;
    groups can be closed in bulk with a reason."""
    groups = report_groups(lists().store, lists().checker)
    return render_template("admin/reports.html", groups=groups)


@bp.route("/reports/close", methods=["POST"])
@login_required
def reports_close() -> Response:
    """Close the reports of the ticked groups as resolved or rejected, with a reason."""
    status = request.form.get("status", "")
    reason = request.form.get("reason", "").strip()
    ids = [
        int(i)
        for v in request.form.getlist("ids")
        for i in v.split(",")
        if i.isdigit() and len(i) < 10
    ]
    if status not in ("resolved", "rejected") or not reason or not ids or len(reason) > 1000:
        flash("Hãy chọn ít nhất một nhóm báo cáo và ghi lý do.")
        return redirect(url_for("admin.reports"))
    try:
        changed = lists().set_reports_status(ids, status, admin_actor(reason))
    except NotFound:
        flash("Có báo cáo không còn tồn tại; chưa đổi gì.")
        return redirect(url_for("admin.reports"))
    word = "đã xử lý" if status == "resolved" else "bác bỏ"
    flash(f"Đã đóng {len(changed)} báo cáo ({word}).")
    return redirect(url_for("admin.reports"))


@bp.route("/reports/<int:report_id>/close", methods=["POST"])
@login_required
def report_close(report_id: int) -> Response:
    """Close one report as handled or rejected."""
    status = "resolved" if request.form.get("status") == "resolved" else "rejected"
    try:
        lists().set_report_status(report_id, status, admin_actor())
    except NotFound:
        flash("Không còn báo cáo này.")
    return redirect(url_for("admin.reports"))


def _diff(parsed: ParseResult) -> dict[str, Any]:
    res = lists().preview_import(parsed.rules)
    return {
        "added": res.added,
        "changed": res.changed,
        "unchanged": res.unchanged,
        "errors": parsed.errors,
        "changes": import_changes(lists().store, parsed.rules, 500),
    }


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_rules() -> Any:
    """Upload CSV/JSON → dry-run diff (each added or changed rule before and after, invalid
    rows with their lines) → apply at once. CSV as spreadsheets write it (``;``, Vietnamese
    headers, dd/mm/yyyy); "force" accepts host-only rules on shared platforms."""
    if request.method == "GET":
        return render_template("admin/import.html", result=None)
    data, fmt = _upload()
    force = request.form.get("force") == "on"
    parsed = _only_unit(prepare_import(data, fmt, request.form.get("list") or None, force))
    if request.form.get("action") == "apply" and not parsed.errors:
        res = lists().import_rules(parsed.rules, admin_actor("nhập tệp"))
        undo = (
            f" Có thể hoàn tác cả lần nhập trong nhật ký (mục #{res.entry})." if res.entry else ""
        )
        flash(f"Đã nhập: thêm {res.added}, sửa {res.changed}, giữ nguyên {res.unchanged}." + undo)
        return redirect(url_for("admin.rules"))
    return render_template(
        "admin/import.html",
        result=_diff(parsed),
        fmt=fmt,
        payload=base64.b64encode(data).decode(),
        list=request.form.get("list", ""),
        force=force,
    )


def _only_unit(parsed: ParseResult) -> ParseResult:
    """For an editor limited to a province: rules of other scopes become invalid rows
    (named by pattern, line 0), so that nothing outside the province is imported."""
    unit = user_unit()
    if not unit:
        return parsed
    kept, errors = [], list(parsed.errors)
    for rule in parsed.rules:
        if scope_unit(rule.scope) == unit:
            kept.append(rule)
        else:
            errors.append(
                RowError(
                    0,
                    "forbidden_scope",
                    f"{rule.pattern}: tài khoản của bạn chỉ được nhập quy tắc "
                    f"có phạm vi {unit} (dòng này: {rule.scope}).",
                    f"{rule.pattern}: your account may only import rules of "
                    f"{unit} (this one: {rule.scope}).",
                )
            )
    return ParseResult(kept, errors)


def _upload() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read(MAX_UPLOAD + 1)
        fmt = "json" if upload.filename.lower().endswith(".json") else "csv"
    else:
        data = base64.b64decode(request.form.get("payload", "") or b"")
        fmt = request.form.get("fmt", "csv")
    if not data:
        raise ApiError(400, "missing_file", "Chưa chọn tệp để nhập.")
    if len(data) > MAX_UPLOAD:
        raise ApiError(413, "file_too_large", "Tệp quá lớn (tối đa 5 MB).")
    return data, "json" if fmt == "json" else "csv"


@bp.route("/export.csv")
@login_required
def export_csv() -> Response:
    """Every rule as canonical CSV (re-imports to the identical state); ``?bom=1`` starts it
    with a UTF-8 byte order mark so that Excel shows Vietnamese correctly."""
    body = write_csv(lists().store.export_rules(), with_list=True)
    if request.args.get("bom") == "1":
        body = b"\xef\xbb\xbf" + body
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=khongvoi-rules.csv"},
    )


def _chart(rows: list[tuple[str, str, int]], days: list[str]) -> dict[str, Any]:
    """Bars per day stacked by verdict, as numbers the template draws in SVG."""
    per_day = {d: {v: 0 for v in COLOURS} for d in days}
    for day, verdict, n in rows:
        if day in per_day and verdict in COLOURS:
            per_day[day][verdict] += n
    top = max([sum(v.values()) for v in per_day.values()] + [1])
    bars = []
    for i, day in enumerate(days):
        y = 180.0
        for verdict, n in per_day[day].items():
            h = 160.0 * n / top
            y -= h
            bars.append(
                {
                    "x": 40 + i * 24,
                    "y": y,
                    "h": h,
                    "colour": COLOURS[verdict],
                    "title": f"{day} {verdict}: {n}",
                }
            )
    return {"bars": bars, "top": top, "days": days}


@bp.route("/stats")
@login_required
def stats() -> str:
    """Checks per day by verdict; what to curate next: the most-checked pages on platforms
    and hosts elsewhere, with today's verdict, the Unicode name of IDNs and a link to a
    pre-filled rule."""
    service = lists().checker
    service.flush_stats()
    today = dt.datetime.now(dt.UTC).date()
    days = [(today - dt.timedelta(days=i)).isoformat() for i in range(13, -1, -1)]
    store = lists().store
    return render_template(
        "admin/stats.html",
        chart=_chart(store.stats_by_day(days[0]), days),
        colours=COLOURS,
        top={
            v: top_checked(store, service, v, days[0]) for v in ("unknown", "denied", "suspicious")
        },
    )
