"""``GET /api/v1/lists``: the versioned snapshot of every rule, for offline clients."""

from __future__ import annotations

from flask import Response, request

from .blueprint import bp
from .http import service


@bp.route("/lists", methods=["GET"])
def lists() -> Response:
    """All rules with ETag; ``If-None-Match`` gives 304, gzip when accepted."""
    snap = service().snapshot()
    headers = {"ETag": snap.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if request.if_none_match.contains_weak(snap.etag.strip('"')):
        return Response(status=304, headers=headers)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(snap.gzipped, mimetype="application/json", headers=headers)
    return Response(snap.body, mimetype="application/json", headers=headers)
