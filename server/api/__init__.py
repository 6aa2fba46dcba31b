"""The JSON API under ``/api/v1``: check, batch, lists, reports, OpenAPI document."""

from __future__ import annotations

from . import (  # noqa: F401  (routes register on import)
    check,
    feeds,
    imports,
    keys,
    lists,
    openapi,
    queues,
    report_triage,
    reports,
    rules,
    stats,
)
from .blueprint import bp

__all__ = ["bp"]
