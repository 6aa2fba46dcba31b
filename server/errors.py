"""Errors: one JSON shape under ``/api/`` (and ``/healthz``), a plain Vietnamese page elsewhere.

Every error is ``{"error": {"code": …, "message": …}}`` with a stable string code separate
from the HTTP status. Besides :class:`ApiError`, two kinds of refusal are answered here once
for every route: a request body a model of :mod:`server.api.schemas` refuses (a pydantic
``ValidationError``: the code the model declares for the field) and a refusal of the core
(``InvalidRule``, ``InvalidURL``: 400 with their own code). Unexpected exceptions are logged
and answered with a generic 500: never a stack trace.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import orjson
from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from .core.errors import KhongVoiError
from .i18n import render

__all__ = ["ApiError", "error_response", "register_error_handlers"]

log = logging.getLogger(__name__)

# HTTP status → (code, Vietnamese, English) for errors raised by Flask/Werkzeug itself.
_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "The request is not valid."),
    401: ("unauthorized", "Cần đăng nhập hoặc khóa API.", "Authentication is required."),
    403: ("forbidden", "Bạn không có quyền làm việc này.", "You may not do this."),
    404: ("not_found", "Không tìm thấy địa chỉ này.", "Nothing is here."),
    409: ("conflict", "Dữ liệu mâu thuẫn với dữ liệu đã có.", "This clashes with existing data."),
    405: (
        "method_not_allowed",
        "Phương thức HTTP này không được hỗ trợ ở đây.",
        "This HTTP method is not allowed here.",
    ),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn.", "The request body is too large."),
    415: (
        "unsupported_media_type",
        "Hãy gửi dữ liệu dạng JSON (Content-Type: application/json).",
        "Send JSON (Content-Type: application/json).",
    ),
    429: (
        "rate_limited",
        "Bạn gửi quá nhiều yêu cầu; hãy thử lại sau ít phút.",
        "Too many requests; try again in a few minutes.",
    ),
    500: (
        "internal_error",
        "Máy chủ gặp lỗi; vui lòng thử lại sau.",
        "The server had a problem; please try again later.",
    ),
    503: ("unavailable", "Dịch vụ tạm thời chưa sẵn sàng.", "The service is not ready yet."),
}


class ApiError(Exception):
    """An error to answer with: HTTP status, stable code and messages in both languages."""

    def __init__(
        self, status: int, code: str, message: str, message_en: str | None = None, **params: Any
    ) -> None:
        """``message`` is Vietnamese with ``{name}`` placeholders filled from ``params``; its
        English comes from the catalogue (:mod:`server.i18n`) unless ``message_en`` is given
        (a message passed through from the core, which has its own pair)."""
        self.status = status
        self.code = code
        self.message = render(message, False, params)
        if message_en is None:
            self.message_en = render(message, True, params)
        else:
            self.message_en = message_en.format(**params) if params else message_en
        super().__init__(f"{status} {code}: {self.message_en}")


def wants_english(lang: str | None = None, *, read_args: bool = True) -> bool:
    """``?lang=en`` or an ``Accept-Language`` preferring English over Vietnamese. ``lang``
    with ``read_args=False``: the parameter as the caller already read it from the query."""
    if read_args:
        lang = request.args.get("lang")
    if lang in ("en", "vi"):
        return lang == "en"
    header = request.headers.get("Accept-Language")
    if not header or header.startswith("vi"):
        return False
    return request.accept_languages.best_match(("vi", "en"), default="vi") == "en"


def _is_api() -> bool:
    path = request.path
    return path in ("/api", "/healthz", "/readyz", "/metrics") or path.startswith("/api/")


def error_response(status: int, code: str, message: str, message_en: str) -> Response:
    """The one error shape, as JSON under /api/ and as a small page elsewhere."""
    text = message_en if wants_english() else message
    if _is_api():
        body = orjson.dumps({"error": {"code": code, "message": text}})
        return Response(body, status=status, mimetype="application/json")
    page = (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Không Vội</title>'
        f"<main><h1>{html.escape(text)}</h1><p><a href='/'>Về trang chủ</a></p></main></html>"
    )
    return Response(page, status=status, mimetype="text/html")


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, vi, en = _HTTP.get(status, (f"http_{status}", exc.name, exc.name))
    resp = error_response(status, code, vi, en)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    retry = exc.get_headers().__iter__()
    for name, value in retry:
        if name.lower() == "retry-after":
            resp.headers["Retry-After"] = value
    return resp


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.message_en)


def _refused(exc: KhongVoiError) -> Response:
    """A rule or URL the core refuses (``InvalidRule``, ``InvalidURL``): 400 with its code."""
    return error_response(400, exc.code, exc.message, exc.message_en)


def _invalid_body(exc: ValidationError) -> Response:
    """A request body its model refuses: 400 with the code the model gives the first bad
    field (``invalid_body`` when it is not a JSON object)."""
    from .api.schemas import refusal

    found = refusal(exc)
    return error_response(400, found.code, found.vi, found.en)


def _unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, *_HTTP[500])


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(KhongVoiError, _refused)
    app.register_error_handler(ValidationError, _invalid_body)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
