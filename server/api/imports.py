"""Admin API: ``POST /api/v1/sources/import`` (with dry run) and ``GET /api/v1/sources/export``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, request

from ..auth import actor, require_scope
from ..import_preparation import import_changes, prepare_import
from ..rule_files import write_csv, write_json
from ..services import lists
from .blueprint import bp
from .http import (
    LIST_CHOICES,
    bool_arg,
    choice_arg,
    json_response,
    lang,
    read_json,
)

#: Media types read as CSV (spreadsheets and tools send all of these).
CSV_TYPES = ("text/csv", "text/plain", "text/comma-separated-values", "application/csv")


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
    ``dd/mm/yyyy`` dates (:func:`server.import_preparation.prepare_csv`); a scope outside
    ``sources/scopes.csv`` makes its row invalid."""
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
    if not dry:
        res = lists().import_rules(parsed.rules, actor("API import"))
        return json_response({**asdict(res), "dry_run": dry, "invalid": errors})
    changes = import_changes(lists().store, parsed.rules)
    res = lists().preview_import(parsed.rules)
    return json_response({**asdict(res), "dry_run": dry, "invalid": errors, "changes": changes})


@bp.route("/sources/export", methods=["GET"])
@require_scope("admin")
def export_sources() -> Response:
    """All rules as canonical CSV (``?format=csv``; ``?bom=1`` starts it with a UTF-8 byte
    order mark, which Excel needs to read Vietnamese correctly) or JSON."""
    fmt = choice_arg("format", ("csv", "json"))
    bom = bool_arg("bom")
    rules = list(lists().store.export_rules(choice_arg("list", LIST_CHOICES)))
    if fmt == "csv":
        body = write_csv(rules, with_list=True)
        return Response(b"\xef\xbb\xbf" + body if bom else body, mimetype="text/csv")
    return Response(write_json(rules), mimetype="application/json")
