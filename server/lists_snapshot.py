"""The lists snapshot for offline clients (``GET /api/v1/lists``): every rule, the wrapper,
shortener and tracking tables and the lookalike detector's data, as JSON and gzipped JSON
with an ETag, built once per lists version by :class:`~server.check_service.CheckerService`.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from .core import Checker, LookalikeFinder
from .core.rules import PLATFORM_SUBDOMAINS
from .core.tables import Tables
from .core.urls import TRACKING_PARAMS

__all__ = ["ListsSnapshot", "build_snapshot", "snapshot_doc"]


@dataclass(frozen=True)
class ListsSnapshot:
    """``GET /api/v1/lists`` for one version: JSON bytes, gzipped bytes and the ETag."""

    version: int
    body: bytes
    gzipped: bytes
    etag: str


def build_snapshot(checker: Checker, tables: Tables) -> ListsSnapshot:
    """The snapshot of ``checker``'s lists version."""
    body = orjson.dumps(snapshot_doc(checker, tables))
    digest = hashlib.sha256(body).hexdigest()[:16]
    return ListsSnapshot(
        checker.version, body, gzip.compress(body, 9, mtime=0), f'"{checker.version}-{digest}"'
    )


def snapshot_doc(checker: Checker, t: Tables) -> dict[str, Any]:
    """The snapshot document (before serialisation)."""
    rules = [
        {
            "pattern": r.pattern,
            "list": r.list,
            "name": r.name,
            "category": r.category,
            "scope": r.scope,
            **({"basis": r.basis} if r.basis else {}),
        }
        for r in sorted(checker.rules(), key=lambda r: (r.pattern, r.list))
        if r.id is not None or not r.note.startswith("feed:")  # feeds: too many
    ]
    detector = checker.lookalike
    return {
        "version": checker.version,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rules": rules,
        "categories": {k: {"vi": v[0], "en": v[1]} for k, v in sorted(t.categories.items())},
        "platform_subdomains": list(PLATFORM_SUBDOMAINS),
        "wrappers": [
            {"host": w.host, "path": w.path, "kind": w.kind, "param": w.param} for w in t.wrappers
        ],
        "shorteners": sorted(t.shorteners),
        "tracking_params": list(TRACKING_PARAMS),
        # the lookalike detector's data, for the extension's offline detector
        **({"lookalike": _offline_data(detector, rules)} if detector is not None else {}),
    }


def _offline_data(detector: LookalikeFinder, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The detector's data for the extension's offline detector (``lib/lookalike.js``)."""
    from .core.lookalike_offline import offline_data

    return offline_data(detector, {r["pattern"]: r["name"] for r in rules if r["list"] == "allow"})
