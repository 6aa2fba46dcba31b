"""Kept only for :mod:`server.check_service`, which imports :func:`suggested_pattern` from
here (that file belongs to the checker pipeline's work; import from
:mod:`server.report_patterns` instead). What this module used to hold now lives in modules
named by what they own: :mod:`server.lists_service` (every write: rules, imports, undo,
review decisions, report triage), :mod:`server.undo_plan`, :mod:`server.report_patterns`,
:mod:`server.scopes`, :mod:`server.import_preparation` and :mod:`server.check_stats`."""

from __future__ import annotations

from .report_patterns import suggested_pattern

__all__ = ["suggested_pattern"]
