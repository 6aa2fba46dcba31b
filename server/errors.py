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

import orjson
from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from .core.errors import KhongVoiError
from .i18n import N_, english
from .refusals import Refused

__all__ = ["ApiError", "error_response", "register_error_handlers"]

log = logging.getLogger(__name__)

# HTTP status → (code, Vietnamese; English in the catalogue) for errors raised by Flask itself.
_HTTP: dict[int, tuple[str, str]] = {
    400: ("bad_request", N_("Yêu cầu không hợp lệ.")),
    401: ("unauthorized", N_("Cần đăng nhập hoặc khóa API.")),
    403: ("forbidden", N_("Bạn không có quyền làm việc này.")),
    404: ("not_found", N_("Không tìm thấy địa chỉ này.")),
    409: ("conflict", N_("Dữ liệu mâu thuẫn với dữ liệu đã có.")),
    405: ("method_not_allowed", N_("Phương thức HTTP này không được hỗ trợ ở đây.")),
    413: ("payload_too_large", N_("Dữ liệu gửi lên quá lớn.")),
    415: (
        "unsupported_media_type",
        N_("Hãy gửi dữ liệu dạng JSON (Content-Type: application/json)."),
    ),
    429: ("rate_limited", N_("Bạn gửi quá nhiều yêu cầu; hãy thử lại sau ít phút.")),
    500: ("internal_error", N_("Máy chủ gặp lỗi; vui lòng thử lại sau.")),
    503: ("unavailable", N_("Dịch vụ tạm thời chưa sẵn sàng.")),
}


class ApiError(Refused):
    """An error the web layer answers with: HTTP status, stable code, the Vietnamese message
    (English from the catalogue). The same as the service's :class:`~server.refusals.Refused`,
    answered by the same handler; the name says where it is raised."""


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
    code, vi = _HTTP.get(status, (f"http_{status}", exc.name))
    en = english(vi)
    resp = error_response(status, code, vi, en)
    if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
        resp.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    retry = exc.get_headers().__iter__()
    for name, value in retry:
        if name.lower() == "retry-after":
            resp.headers["Retry-After"] = value
    return resp


def _api_error(exc: Refused) -> Response:
    """A refusal (:class:`ApiError` or the lists service's :class:`Refused`)."""
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
    code, vi = _HTTP[500]
    return error_response(500, code, vi, english(vi))


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(Refused, _api_error)  # ApiError too
    app.register_error_handler(KhongVoiError, _refused)
    app.register_error_handler(ValidationError, _invalid_body)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
