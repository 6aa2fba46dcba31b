"""The JSON API under ``/api/v1``: check, batch, lists, reports, OpenAPI document."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


from . import (  # noqa: E402,F401  (routes register on import)
    admin_extra,
    check,
    lists,
    openapi,
    reports,
    sources,
)

__all__ = ["bp"]
