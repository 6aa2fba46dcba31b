"""``POST /api/v1/reports``: a user reports a URL (wrongly listed, missing, impersonation)."""

from __future__ import annotations

import hashlib

from flask import Response, current_app, request

from ..limits import limit
from .blueprint import bp
from .http import json_response, parse_body, service
from .schemas import ReportRequest


def _client_hash() -> str:
    secret = str(current_app.config.get("SECRET_KEY", ""))
    addr = request.remote_addr or ""
    return hashlib.sha256(f"{secret}|{addr}".encode()).hexdigest()[:32]


@bp.route("/reports", methods=["POST"])
@limit("RATELIMIT_REPORTS", deduct_when=lambda response: response.status_code < 400)
def create_report() -> Response:
    """Store a report with the verdict the URL has now (only stored reports use up the
    caller's quota: a refused one does not)."""
    body = parse_body(ReportRequest)
    url, seen, kind = body.url.strip(), body.verdict_seen or "", body.kind
    comment = (body.comment or "").strip()
    result = service().check(url)  # InvalidURL: 400 with its code
    report_id = service().store.add_report(
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
