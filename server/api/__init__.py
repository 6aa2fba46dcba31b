"""The JSON API under ``/api/v1``: check, batch, lists, reports, OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, request

from ..errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _check_lang() -> None:
    """Refuse an unknown ``lang`` rather than silently answering in another language."""
    value = request.args.get("lang")
    if value is not None and value not in ("vi", "en"):
        raise ApiError(400, "invalid_lang", "Tham số lang chỉ nhận vi hoặc en.",
                       "The lang parameter must be vi or en.")

from . import check, lists, openapi, reports  # noqa: E402,F401  (routes register on import)

__all__ = ["bp"]
