"""Admin pages: sign-in, rules (search, add with preview, edit, delete), audit log with undo."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from ..core import Checker, InvalidRule, InvalidURL
from ..core.messages import VERDICT_LABELS
from ..errors import ApiError
from ..limits import limit
from ..refusals import Refused
from ..rule_files import build_rule, check_text
from ..scopes import check_scope, scope_unit, scopes
from ..services import lists
from ..store import Conflict, NotFound
from ..store.fields import RULE_COLUMNS
from ..undo_plan import CONFIRM_ABOVE, revert_plan, revert_size
from .auth import (
    admin_actor,
    current_user,
    login_required,
    require_unit,
    sign_in,
    sign_out,
    user_unit,
)
from .blueprint import bp

PAGE = 50
FIELDS = RULE_COLUMNS


VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


@bp.app_template_filter("vntime")
def vietnam_time(value: str) -> str:
    """A stored time (ISO, UTC) in Vietnam time with its zone: ``02/12/2026 21:05:09
    (UTC+7)``; "" stays "" (Vietnam has kept UTC+7 all year since 1975)."""
    if not value:
        return ""
    try:
        stamp = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S (UTC+7)")


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    return {
        "admin_user": current_user(),
        "verdict_labels": VERDICT_LABELS,
        "categories": lists().tables.categories,
        "scopes": scopes(),
        "user_unit": user_unit(),
    }


@bp.route("/login", methods=["GET", "POST"])
@limit("RATELIMIT_LOGIN")
def login() -> Any:
    """Sign in; wrong passwords are counted by the rate limit (lock-out after a few)."""
    error = None
    if request.method == "POST":
        user = lists().store.authenticate(
            request.form.get("username", "").strip(), request.form.get("password", "")
        )
        if user is not None:
            sign_in(user)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/admin") else url_for("admin.rules"))
        error = (
            "Sai tên đăng nhập hoặc mật khẩu. Sau nhiều lần sai, bạn phải đợi vài phút "
            "mới thử lại được."
        )
    return render_template("admin/login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out."""
    sign_out()
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change one's own password; all other sessions end, this one continues."""
    error = None
    if request.method == "POST":
        user = current_user()
        new = request.form.get("new", "")
        if lists().store.authenticate(user.username, request.form.get("current", "")) is None:
            error = "Mật khẩu hiện tại không đúng."
        elif len(new) < 10 or new != request.form.get("again", ""):
            error = "Mật khẩu mới cần ít nhất 10 ký tự và hai lần nhập phải giống nhau."
        else:
            sign_in(lists().store.set_password(user.username, new, admin_actor("đổi mật khẩu")))
            flash("Đã đổi mật khẩu. Mọi phiên đăng nhập khác đã kết thúc.")
            return redirect(url_for("admin.rules"))
    return render_template("admin/password.html", error=error)


@bp.route("/")
@login_required
def rules() -> str:
    """Search, filter (by list, category, province) and page through the rules; overdue
    reviews are marked. An editor limited to a province sees that province's rules."""
    args = request.args
    raw_page = args.get("page", "1")
    page = max(1, int(raw_page) if raw_page.isdigit() and len(raw_page) < 10 else 1)
    unit = user_unit() or args.get("scope") or None
    total, items = lists().store.find_rules_by_unit(
        unit=unit,
        list=args.get("list") or None,
        category=args.get("category") or None,
        q=args.get("q") or None,
        overdue=args.get("overdue") == "1",
        offset=(page - 1) * PAGE,
        limit=PAGE,
    )
    overdue, _ = lists().store.find_rules_by_unit(unit=user_unit() or None, overdue=True, limit=1)
    return render_template(
        "admin/rules.html",
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        args=args,
        overdue=overdue,
        today=date.today().isoformat(),
    )


def _draft(form: Any) -> Any:
    """The rule the form describes, or an error message in Vietnamese (validated like the
    API and imports; the form always offers a category, so one is required here)."""
    try:
        check_text("reason", form.get("reason"))
        rule = build_rule(
            {k: form.get(k, "") for k in FIELDS},
            force=form.get("force") == "on",
            categories=lists().tables.categories,
            category_required=True,
        )
        check_scope(rule.scope)
    except InvalidRule as exc:
        return exc.message
    unit = user_unit()
    if unit and scope_unit(rule.scope) != unit:
        return f"Tài khoản của bạn chỉ được lưu quy tắc có phạm vi {unit}."
    return rule


def _preview(draft: Any, urls: str, replacing: int | None) -> list[dict[str, Any]]:
    """How each URL's verdict changes once the draft is saved."""
    current = lists().checker.checker()
    others = [r for r in current.rules() if r.id != replacing]
    after = Checker(rules=[*others, draft], tables=lists().tables)
    rows = []
    for url in [u.strip() for u in urls.splitlines() if u.strip()][:20]:
        try:
            rows.append(
                {
                    "url": url,
                    "before": current.check(url).verdict,
                    "after": after.check(url).verdict,
                }
            )
        except InvalidURL as exc:
            rows.append({"url": url, "error": exc.message})
    return rows


def _save_rule(rule_id: int | None) -> Any:
    form = request.form
    draft = _draft(form)
    if isinstance(draft, str):
        return draft, None
    if form.get("action") == "preview":
        return None, _preview(draft, form.get("preview_urls", ""), rule_id)
    actor = admin_actor(form.get("reason", ""))
    try:
        if rule_id is None:
            saved = lists().add_rule(draft, actor)
        else:
            saved = lists().update_rule(rule_id, draft, actor)
    except Conflict:
        return f"Mẫu “{draft.pattern}” đã có trong danh sách {draft.list}.", None
    closed = saved.resolved_reports
    flash(
        f"Đã lưu quy tắc {saved.record.pattern}."
        + (f" Đã đóng {len(closed)} báo cáo quy tắc này phủ." if closed else "")
    )
    return "", None


@bp.route("/rules/new", methods=["GET", "POST"])
@login_required
def rule_new() -> Any:
    """Add a rule, with a preview of how verdicts change."""
    error = preview = None
    if request.method == "POST":
        error, preview = _save_rule(None)
        if error == "":
            return redirect(url_for("admin.rules"))
    prefill = request.form if request.method == "POST" else request.args  # from a report
    return render_template(
        "admin/rule_form.html", rule=prefill, error=error, preview=preview, rule_id=None
    )


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def rule_edit(rule_id: int) -> Any:
    """Edit a rule (same preview)."""
    try:
        record = lists().store.get_rule(rule_id)
    except NotFound:
        raise ApiError(404, "not_found", "Không có quy tắc này.") from None
    require_unit(record.scope)
    error = preview = None
    if request.method == "POST":
        error, preview = _save_rule(rule_id)
        if error == "":
            return redirect(url_for("admin.rules"))
    return render_template(
        "admin/rule_form.html",
        rule=request.form or asdict(record),
        error=error,
        preview=preview,
        rule_id=rule_id,
    )


@bp.route("/rules/<int:rule_id>/delete", methods=["GET", "POST"])
@login_required
def rule_delete(rule_id: int) -> Any:
    """Delete a rule after a confirmation page that asks for a reason and a tick in "I
    confirm" (undo from the audit log). Without both nothing is deleted."""
    try:
        record = lists().store.get_rule(rule_id)
    except NotFound:
        flash("Quy tắc không còn tồn tại.")
        return redirect(url_for("admin.rules"))
    require_unit(record.scope)
    error = None
    if request.method == "POST":
        try:
            reason = check_text("reason", request.form.get("reason"))
        except InvalidRule as exc:
            reason, error = "", exc.message
        if not error and not reason:
            error = "Hãy ghi lý do xóa (ghi vào nhật ký)."
        elif not error and request.form.get("confirm") != "on":
            error = "Hãy đánh dấu ô xác nhận để xóa."
        if not error:
            try:
                record = lists().delete_rule(rule_id, admin_actor(reason))
            except NotFound:
                flash("Quy tắc không còn tồn tại.")
                return redirect(url_for("admin.rules"))
            flash(f"Đã xóa quy tắc {record.pattern}. Có thể hoàn tác trong nhật ký.")
            return redirect(url_for("admin.rules"))
    return render_template(
        "admin/rule_delete.html", rule=record, error=error, reason=request.form.get("reason", "")
    ), 400 if error else 200


@bp.route("/audit")
@login_required
def audit() -> str:
    """The audit log, newest first; an import's per-rule entries are listed under it
    (``?parent=<id>``), not among the others."""
    raw_page = request.args.get("page", "1")
    page = max(1, int(raw_page) if raw_page.isdigit() and len(raw_page) < 10 else 1)
    parent = request.args.get("parent", "")
    parent_id = int(parent) if parent.isdigit() and len(parent) < 19 else None
    total, items = lists().store.list_audit(
        target_type=request.args.get("target_type") or None,
        parent_id=parent_id,
        top_level=parent_id is None,
        offset=(max(page, 1) - 1) * PAGE,
        limit=PAGE,
    )
    parts = lists().store.count_children([e.id for e in items if e.target_type == "rules"])
    return render_template(
        "admin/audit.html",
        items=items,
        total=total,
        page=max(page, 1),
        pages=max(1, -(-total // PAGE)),
        parent_id=parent_id,
        parts=parts,
        undone=lists().store.undone_entries(),
        confirm_above=CONFIRM_ABOVE,
    )


@bp.route("/audit/<int:entry_id>/revert", methods=["GET", "POST"])
@login_required
def audit_revert(entry_id: int) -> Any:
    """Undo one rule change or a whole import; the undo is logged too. A change of more than
    20 rules first shows what will change and asks the admin to type how many rules."""
    try:
        size = revert_size(lists().store, entry_id)
    except Refused as exc:
        flash(exc.message)
        return redirect(url_for("admin.audit"))
    unit = user_unit()
    if unit:  # an editor limited to a province undoes only single changes of its rules
        entry = lists().store.get_audit(entry_id)
        data = {**(entry.before or {}), **(entry.after or {})}
        if size > 1 or entry.target_type != "rule":
            raise ApiError(
                403,
                "forbidden",
                "Chỉ quản trị viên mới hoàn tác được một lần nhập hay thay đổi nhiều quy tắc.",
            )
        require_unit(str(data.get("scope") or "national"))
    undone = lists().store.undone_entries().get(entry_id)
    typed = request.form.get("confirm", "").strip()
    if request.method == "GET" or (size > CONFIRM_ABOVE and typed != str(size)):
        error = (
            f"Hãy gõ đúng số quy tắc sẽ thay đổi ({size}) để xác nhận."
            if request.method == "POST"
            else None
        )
        return render_template(
            "admin/revert_confirm.html",
            entry=lists().store.get_audit(entry_id),
            size=size,
            plan=revert_plan(lists().store, entry_id),
            error=error,
            undone=undone,
            needs_typing=size > CONFIRM_ABOVE,
        ), 400 if error else 200
    try:
        result = lists().revert(entry_id, admin_actor(f"hoàn tác mục nhật ký #{entry_id}"))
    except Refused as exc:
        flash(exc.message)
        return redirect(url_for("admin.audit"))
    if hasattr(result, "reverted"):
        flash(
            f"Đã hoàn tác mục nhật ký #{entry_id} (mục #{result.entry}): xóa "
            f"{result.removed}, khôi phục {result.added}, đưa {result.changed} quy tắc về "
            "như trước."
        )
    else:
        flash(f"Đã hoàn tác mục nhật ký #{entry_id}.")
    return redirect(url_for("admin.audit"))
