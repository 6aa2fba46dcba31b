"""The ``admin`` blueprint object, apart from the package so that the view modules can
import it without importing the package that imports them (no import cycle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
