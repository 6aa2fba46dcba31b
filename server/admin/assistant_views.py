"""Admin pages of the curation assistant: threat feeds (``/admin/feeds``) and list health
(``/admin/health``). Subscribing, removing and undoing are for the ``admin`` role; editors may
look and refresh. A feed file given here must lie inside ``FEEDS_DIR``."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from ..assistant.feeds import FeedError
from ..assistant.undo import UndoRefused, undo
from ..store import Conflict, NotFound
from .auth import admin_actor, admin_only, login_required
from .blueprint import bp

_UNDOABLE = {("feed", "create"), ("feed", "delete"), ("feed", "refresh"), ("pending", "propose")}


def _feeds() -> Any:
    return current_app.extensions["khongvoi.feeds"]


def _checker() -> Any:
    return current_app.extensions["khongvoi.checker"]


@bp.route("/feeds")
@login_required
def feeds() -> str:
    """Feeds, their conflicts with allow rules, and what was done to them lately."""
    _checker().refresh_feeds(wait=True)
    store = current_app.extensions["khongvoi.store"]
    _, log = store.list_audit(target_type="feed", limit=20)
    _, proposals = store.list_audit(actor="assistant", target_type="pending", limit=20)
    recent = sorted([*log, *proposals], key=lambda e: -e.id)[:30]
    return render_template(
        "admin/feeds.html",
        feeds=_feeds().feeds.list_feeds(),
        conflicts=_feeds().conflicts(_checker()),
        recent=recent,
        undoable=_UNDOABLE,
    )


@bp.route("/feeds", methods=["POST"])
@admin_only
def feed_add() -> Response:
    """Subscribe to a feed, then refresh it once."""
    form = request.form
    try:
        feed = _feeds().add(
            form.get("name", "").strip(),
            form.get("source", ""),
            form.get("format", ""),
            "deny",
            admin_actor(),
        )
    except FeedError as exc:
        flash(exc.message)
        return redirect(url_for("admin.feeds"))
    except Conflict:
        flash("Đã có nguồn cùng tên.")
        return redirect(url_for("admin.feeds"))
    return _refreshed(feed.name)


@bp.route("/feeds/<name>/refresh", methods=["POST"])
@login_required
def feed_refresh(name: str) -> Response:
    """Fetch a feed now."""
    return _refreshed(name)


def _refreshed(name: str) -> Response:
    try:
        [result] = _feeds().refresh(name)
    except NotFound:
        flash("Không có nguồn này.")
        return redirect(url_for("admin.feeds"))
    _checker().refresh_feeds(wait=True)
    if result.status == "failed":
        flash(f"{name}: {result.message}")
    else:
        flash(
            f"{name}: {result.message}, {result.entries} mục (+{result.added} "
            f"−{result.removed}), {result.bad_count} dòng lỗi."
        )
    return redirect(url_for("admin.feeds"))


@bp.route("/feeds/<name>/remove", methods=["POST"])
@admin_only
def feed_remove(name: str) -> Response:
    """Unsubscribe (undoable below)."""
    try:
        _feeds().remove(name, admin_actor())
    except NotFound:
        flash("Không có nguồn này.")
    else:
        _checker().refresh_feeds(wait=True)
        flash(f"Đã gỡ nguồn “{name}”. Có thể hoàn tác trong bảng bên dưới.")
    return redirect(url_for("admin.feeds"))


@bp.route("/assistant/undo/<int:entry_id>", methods=["POST"])
@admin_only
def assistant_undo(entry_id: int) -> Response:
    """Undo a feed change or a proposal of the assistant."""
    try:
        undo(current_app.extensions["khongvoi.store"], _feeds().feeds, entry_id, admin_actor())
    except NotFound:
        flash("Không có mục nhật ký này.")
    except UndoRefused as exc:
        flash(exc.message)
    else:
        _checker().refresh_feeds(wait=True)
        flash(f"Đã hoàn tác mục #{entry_id}.")
    back = "admin.health" if request.form.get("back") == "health" else "admin.feeds"
    return redirect(url_for(back))


@bp.route("/health")
@login_required
def health() -> str:
    """The latest list-health run: flagged rules first, then proposals."""
    run, results = _feeds().feeds.latest_health()
    results.sort(key=lambda r: (not r["flags"], r["pattern"]))
    return render_template(
        "admin/health.html", run=run, results=results, flagged=sum(1 for r in results if r["flags"])
    )
