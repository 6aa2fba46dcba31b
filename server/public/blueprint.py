"""The ``public`` blueprint object, apart from the package so that the view modules can
import it without importing the package that imports them (no import cycle)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "public",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/public/static",
)
