"""The ``api`` blueprint object (``/api/v1``) and its shared before-request check, apart
from the package so that the route modules can import it without importing the package that
imports them (no import cycle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _admin_args() -> None:
    """On admin routes: the key first (401/403 before anything else), then the shared query
    parameters (``list``, ``offset``, ``limit``), so that none is ignored silently."""
    from flask import current_app, request

    view = current_app.view_functions.get(request.endpoint or "")
    scope = getattr(view, "required_scope", None)
    if scope is not None and request.method != "OPTIONS":
        from ..auth import check_scope
        from .http import validate_admin_args

        check_scope(scope)
        validate_admin_args()
