"""What is checked most, with the verdict it gets today (the statistics page and
``GET /api/v1/stats``)."""

from __future__ import annotations

from typing import Any

import idna

from .check_service import CheckerService
from .core import InvalidURL
from .store import Store

__all__ = ["top_checked", "unicode_name"]


def unicode_name(pattern: str) -> str:
    """``bộ-y-tế.vn`` for ``xn--b-y-t-s61b7g.vn``: the host part of a pattern in Unicode."""
    host, slash, path = pattern.partition("/")
    if "xn--" not in host:
        return pattern
    try:
        return idna.decode(host) + slash + path
    except (idna.IDNAError, UnicodeError):
        return pattern


def top_checked(
    store: Store, service: CheckerService, verdict: str, since: str, most: int = 20
) -> list[dict[str, Any]]:
    """The most-checked keys (pages on platforms, domains elsewhere) with ``verdict`` since a
    day: ``{"key", "name_unicode", "checks", "verdict_now", "rule_id", "rule_pattern",
    "prefill"}``; ``verdict_now`` is what the checker answers today (``unknown`` if the key
    no longer parses), ``rule_id`` the stored rule that answers it today (None when none:
    then the page offers ``prefill``, the rule form's fields, deny for what was denied or
    suspicious, allow otherwise; with one, it links to that rule instead)."""
    rows = []
    checker = service.checker()
    for key, checks in store.top_domains(verdict, since, most):
        rule = None
        try:
            result = checker.check("https://" + key)
            now_, rule = result.verdict, result.rule
        except InvalidURL:
            now_ = "unknown"
        deny = verdict in ("denied", "suspicious")
        rows.append(
            {
                "key": key,
                "name_unicode": unicode_name(key),
                "checks": checks,
                "verdict_now": now_,
                "rule_id": getattr(rule, "id", None),
                "rule_pattern": getattr(rule, "pattern", ""),
                "prefill": {
                    "pattern": key,
                    "list": "deny" if deny else "allow",
                    "category": "impersonation" if deny else "",
                    "preview_urls": "https://" + key,
                    "reason": f"thống kê: {checks} lượt kiểm tra từ {since}",
                },
            }
        )
    return rows
