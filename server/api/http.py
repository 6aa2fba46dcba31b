"""Request parsing and JSON responses shared by the API views."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import orjson
from flask import Response, current_app, request
from pydantic import BaseModel

from ..check_service import CheckerService
from ..errors import ApiError, wants_english

__all__ = [
    "bool_arg",
    "choice_arg",
    "json_response",
    "lang",
    "parse_body",
    "read_json",
    "service",
    "utc_time",
    "validate_admin_args",
]


_UNSET: Any = object()


def service() -> CheckerService:
    """The app's checker service."""
    return current_app.extensions["khongvoi.checker"]  # type: ignore[no-any-return]


def lang(value: str | None = _UNSET) -> str:  # type: ignore[assignment]
    """``"en"`` or ``"vi"`` for this request; an unknown ``?lang=`` is refused (400).
    ``value``: the ``lang`` parameter when the caller has read the query already."""
    if value is _UNSET:
        value = request.args.get("lang")
    if value is not None and value not in ("vi", "en"):
        raise ApiError(400, "invalid_lang", "Tham số lang chỉ nhận vi hoặc en.")
    return "en" if wants_english(value, read_args=False) else "vi"


def json_response(data: Any, status: int = 200, raw: bytes | None = None) -> Response:
    """A JSON response (``raw`` when the body is already serialised)."""
    body = raw if raw is not None else orjson.dumps(data)
    return Response(body, status=status, mimetype="application/json")


def read_json(csv_too: bool = False) -> Any:
    """The request's JSON body, or an :class:`ApiError` (415 or 400) explaining why not.

    ``csv_too``: the route also takes CSV, so the 415 message says so."""
    if not request.is_json:
        if csv_too:
            raise ApiError(
                415,
                "unsupported_media_type",
                "Hãy gửi tệp CSV (Content-Type: text/csv) hoặc JSON (application/json).",
            )
        raise ApiError(
            415,
            "unsupported_media_type",
            "Hãy gửi dữ liệu dạng JSON (Content-Type: application/json).",
        )
    try:
        return orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError:
        raise ApiError(400, "invalid_json", "Dữ liệu JSON không đọc được.") from None


Model = TypeVar("Model", bound=BaseModel)


def parse_body(model: type[Model]) -> Model:
    """The JSON body validated by ``model`` (a model of :mod:`server.api.schemas`): 415 or
    400 ``invalid_json`` from :func:`read_json`, else a ``ValidationError`` that the one
    handler in :mod:`server.errors` answers with the code the model gives the bad field."""
    return model.model_validate(read_json())


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def bool_arg(name: str, default: bool = False) -> bool:
    """A yes/no query parameter, read strictly: ``1/0``, ``true/false``, ``yes/no``,
    ``on/off`` in any case; anything else is a 400 ``invalid_<name>`` (so that a typo in
    ``dry_run`` never applies an import for real)."""
    value = request.args.get(name)
    if value is None:
        return default
    folded = value.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ApiError(
        400,
        f"invalid_{name}",
        "Tham số “{name}” chỉ nhận 1/0, true/false, yes/no hoặc on/off.",
        name=name,
    )


def choice_arg(name: str, choices: tuple[str, ...]) -> str | None:
    """A query parameter that must be one of ``choices`` when given (400 otherwise)."""
    value = request.args.get(name)
    if value is None or value in choices:
        return value
    allowed = ", ".join(choices)
    raise ApiError(
        400,
        f"invalid_{name}",
        "Tham số “{name}” chỉ nhận: {allowed} (hoặc bỏ trống để lấy tất cả).",
        name=name,
        allowed=allowed,
    )


def _count_arg(name: str) -> None:
    value = request.args.get(name)
    if value is not None and not (value.isascii() and value.isdigit()):
        raise ApiError(
            400, f"invalid_{name}", "Tham số “{name}” phải là số nguyên không âm.", name=name
        )


#: Query parameters shared by admin routes, checked once for all of them.
LIST_CHOICES = ("allow", "deny")


def validate_admin_args() -> None:
    """Refuse, with a 400, the shared admin query parameters that would otherwise be ignored
    or clamped silently: ``list`` other than allow/deny, ``offset``/``limit`` that are not
    whole numbers ≥ 0."""
    choice_arg("list", LIST_CHOICES)
    _count_arg("offset")
    _count_arg("limit")


def utc_time(value: str | None) -> str | None:
    """A stored time as ISO 8601 UTC ending in ``Z`` (as ``generated_at``); ``None`` for
    no time. SQLite gives naive times, which are UTC here (the store writes UTC)."""
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
