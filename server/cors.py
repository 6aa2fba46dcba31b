"""CORS for the API: only browser extensions and configured origins may call it from a page.

Extension pages with host permissions do not need CORS in Chrome, but content contexts and
Firefox do; any other web page gets no CORS headers, so browsers keep it from reading
answers (and from spending a user's rate limit through them).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

__all__ = ["init_cors"]

EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://")


def _allowed(origin: str) -> bool:
    return origin.startswith(EXTENSION_SCHEMES) or origin in current_app.config["CORS_ORIGINS"]


def _preflight() -> Response | None:
    origin = request.headers.get("Origin", "")
    if request.method == "OPTIONS" and request.path.startswith("/api/") and origin:
        resp = Response(status=204 if _allowed(origin) else 403)
        return _headers(resp)
    return None


def _headers(resp: Response) -> Response:
    origin = request.headers.get("Origin", "")
    if origin and request.path.startswith("/api/") and _allowed(origin):
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE"
        resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization, If-None-Match"
        resp.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        resp.headers["Access-Control-Max-Age"] = "600"
        resp.vary.add("Origin")
    return resp


def init_cors(app: Flask) -> None:
    """Install the preflight handler and the response hook."""
    app.before_request(_preflight)
    app.after_request(_headers)
