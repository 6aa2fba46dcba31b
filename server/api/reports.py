"""``POST /api/v1/reports``: a user reports a URL (wrongly listed, missing, impersonation)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request

from ..core import VERDICTS, InvalidURL
from ..core.urls import MAX_URL_LENGTH
from ..errors import ApiError
from ..limits import limit
from ..services import lists
from . import bp
from .http import json_response, read_json, require_object, service

REPORT_KINDS = ("wrongly_listed", "missing", "impersonation", "other")
MAX_COMMENT = 1000


def _invalid(field: str, vi: str, en: str) -> ApiError:
    return ApiError(400, f"invalid_{field}", vi, en)


def _validate(data: dict[str, Any]) -> tuple[str, str, str, str]:
    url, seen = data.get("url"), data.get("verdict_seen", "")
    kind, comment = data.get("kind", "other"), data.get("comment", "")
    if url is None or (isinstance(url, str) and not url.strip()):
        raise _invalid("url", "Thiếu liên kết cần báo cáo.", "The URL to report is missing.")
    if not isinstance(url, str):
        raise _invalid("url", "“url” phải là chuỗi ký tự.", "“url” must be a string.")
    if len(url) > MAX_URL_LENGTH:
        raise ApiError(
            400,
            "url_too_long",
            f"Liên kết dài quá {MAX_URL_LENGTH} ký tự, không phải địa chỉ web thông thường.",
            f"The link is longer than {MAX_URL_LENGTH} characters, which no web address is.",
        )
    if seen is None:
        seen = ""
    if seen not in ("", *VERDICTS):
        raise _invalid(
            "verdict_seen",
            "“verdict_seen” phải là: " + ", ".join(VERDICTS) + " (hoặc để trống).",
            "verdict_seen must be one of: " + ", ".join(VERDICTS) + " (or empty).",
        )
    if kind not in REPORT_KINDS:
        raise _invalid(
            "kind",
            "Loại báo cáo phải là: " + ", ".join(REPORT_KINDS) + ".",
            "kind must be one of: " + ", ".join(REPORT_KINDS) + ".",
        )
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise _invalid("comment", "Ghi chú phải là chuỗi ký tự.", "The comment must be text.")
    if any(not c.isprintable() and c not in "\n\t" for c in comment + url):
        raise _invalid(
            "comment" if any(not c.isprintable() and c not in "\n\t" for c in comment) else "url",
            "Liên kết hoặc ghi chú có ký tự điều khiển không hiển thị được.",
            "The link or comment contains invisible control characters.",
        )
    if len(comment) > MAX_COMMENT:
        raise _invalid(
            "comment",
            f"Ghi chú tối đa {MAX_COMMENT} ký tự.",
            f"The comment may have at most {MAX_COMMENT} characters.",
        )
    return url.strip(), seen, kind, comment.strip()


def _client_hash() -> str:
    secret = str(current_app.config.get("SECRET_KEY", ""))
    addr = request.remote_addr or ""
    return hashlib.sha256(f"{secret}|{addr}".encode()).hexdigest()[:32]


@bp.route("/reports", methods=["POST"])
@limit("RATELIMIT_REPORTS", deduct_when=lambda response: response.status_code < 400)
def create_report() -> Response:
    """Store a report with the verdict the URL has now (only stored reports use up the
    caller's quota: a refused one does not)."""
    url, seen, kind, comment = _validate(require_object(read_json()))
    try:
        result = service().check(url)
    except InvalidURL as exc:
        raise ApiError(400, exc.code, exc.message, exc.message_en) from None
    report_id = lists().add_report(
        url=url,
        canonical_url=result.canonical_url,
        host=result.host,
        verdict_seen=seen,
        verdict_at_report=result.verdict,
        kind=kind,
        comment=comment,
        client_hash=_client_hash(),
    )
    return json_response({"id": report_id, "status": "received"}, status=201)
