"""More of the admin API: import (with dry run), export, reports, statistics, API keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..errors import ApiError
from ..sources import read_rules, write_csv, write_json
from ..store import NotFound
from . import bp
from .http import json_response, read_json, require_object, service


def _store() -> Any:
    return service().store


@bp.route("/sources/import", methods=["POST"])
@require_scope("admin")
def import_sources() -> Response:
    """Import rules: CSV (text/csv) or JSON; ``?dry_run=1`` shows the diff, changes nothing."""
    fmt = "csv" if request.mimetype in ("text/csv", "text/plain") else "json"
    if fmt == "json":
        read_json()  # 415 / 400 with the one error shape
    parsed = read_rules(request.get_data(), list_=request.args.get("list") or None, fmt=fmt)
    errors = [asdict(e) for e in parsed.errors]
    dry = request.args.get("dry_run") in ("1", "true")
    if errors and not dry:
        return json_response({"error": {"code": "invalid_rows",
                                        "message": "Có dòng không hợp lệ; không nhập gì."},
                              "invalid": errors}, status=400)
    res = _store().import_rules(parsed.rules, dry_run=dry, actor=actor("API import"))
    if not dry:
        service().refresh(force=True)
    return json_response({**asdict(res), "dry_run": dry, "invalid": errors})


@bp.route("/sources/export", methods=["GET"])
@require_scope("admin")
def export_sources() -> Response:
    """All rules as canonical CSV (``?format=csv``) or JSON."""
    rules = list(_store().export_rules(request.args.get("list") or None))
    if request.args.get("format") == "csv":
        return Response(write_csv(rules, with_list=True), mimetype="text/csv")
    return Response(write_json(rules), mimetype="application/json")


@bp.route("/reports", methods=["GET"])
@require_scope("admin")
def list_reports() -> Response:
    """Reports from users, oldest first."""
    return json_response({"items": [asdict(r) for r in _store().list_reports(
        request.args.get("status") or None)]})


@bp.route("/stats", methods=["GET"])
@require_scope("admin")
def get_stats() -> Response:
    """Checks per day by verdict (14 days) and the most-checked unknown/denied domains."""
    service().flush_stats()
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=13)).isoformat()
    store = _store()
    return json_response({
        "by_day": [{"day": d, "verdict": v, "checks": n} for d, v, n in store.stats_by_day(since)],
        "top": {v: [{"domain": d, "checks": n} for d, n in store.top_domains(v, since)]
                for v in ("unknown", "denied", "suspicious")},
    })


@bp.route("/keys", methods=["GET"])
@require_scope("admin")
def list_api_keys() -> Response:
    """Every key (never the secrets)."""
    return json_response({"items": [asdict(k) for k in _store().list_keys()]})


@bp.route("/keys", methods=["POST"])
@require_scope("admin")
def create_api_key() -> Response:
    """Create a key; the secret is in this answer only."""
    data = require_object(read_json())
    name, scope = str(data.get("name", "")).strip(), data.get("scope")
    if not name or scope not in ("check", "admin"):
        raise ApiError(400, "invalid_key", "Cần tên và phạm vi (check hoặc admin).",
                       "A name and a scope (check or admin) are required.")
    key, secret = _store().create_key(name, scope, actor())
    return json_response({**asdict(key), "secret": secret}, status=201)


@bp.route("/keys/<int:key_id>", methods=["DELETE"])
@require_scope("admin")
def revoke_api_key(key_id: int) -> Response:
    """Revoke a key."""
    try:
        return json_response(asdict(_store().revoke_key(key_id, actor())))
    except NotFound:
        raise ApiError(404, "not_found", f"Không có khóa số {key_id}.",
                       f"No key {key_id}.") from None
