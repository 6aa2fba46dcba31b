"""The JSON API under ``/api/v1``: check, batch, lists, reports, OpenAPI document."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


from . import check, lists, openapi, reports, sources  # noqa: E402,F401  (routes register)

__all__ = ["bp"]
