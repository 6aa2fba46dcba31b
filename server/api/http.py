"""Request parsing and JSON responses shared by the API views."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app, request

from ..checker import CheckerService
from ..errors import ApiError, wants_english

__all__ = ["json_response", "lang", "read_json", "service"]


def service() -> CheckerService:
    """The app's checker service."""
    return current_app.extensions["khongvoi.checker"]  # type: ignore[no-any-return]


def lang() -> str:
    """``"en"`` or ``"vi"`` for this request; an unknown ``?lang=`` is refused (400)."""
    value = request.args.get("lang")
    if value is not None and value not in ("vi", "en"):
        raise ApiError(400, "invalid_lang", "Tham số lang chỉ nhận vi hoặc en.",
                       "The lang parameter must be vi or en.")
    return "en" if wants_english() else "vi"


def json_response(data: Any, status: int = 200, raw: bytes | None = None) -> Response:
    """A JSON response (``raw`` when the body is already serialised)."""
    body = raw if raw is not None else orjson.dumps(data)
    return Response(body, status=status, mimetype="application/json")


def read_json() -> Any:
    """The request's JSON body, or an :class:`ApiError` (415 or 400) explaining why not."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "Hãy gửi dữ liệu dạng JSON (Content-Type: application/json).",
            "Send JSON (Content-Type: application/json).",
        )
    try:
        return orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        raise ApiError(
            400, "invalid_json", "Dữ liệu JSON không đọc được.", "The JSON body is malformed."
        ) from None


def require_object(data: Any) -> dict[str, Any]:
    """``data`` if it is a JSON object, else a 400."""
    if not isinstance(data, dict):
        raise ApiError(
            400,
            "invalid_body",
            "Nội dung gửi lên phải là một đối tượng JSON.",
            "The body must be a JSON object.",
        )
    return data
