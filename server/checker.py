"""The checker service: the pure core fed from the store, cached, rebuilt when lists change.

Request handling never queries the rules table: the compiled :class:`~server.core.Checker`
lives in memory and is rebuilt only when the lists version changes. A worker learns of a
change at once when it made it (``refresh(force=True)``), and otherwise by reading the
version number (one tiny query) at most every ``LISTS_POLL_SECONDS``. Serialised responses
are cached per (URL, language) in a thread-safe cachetools LRU cache, cleared on rebuild.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import cachetools
import idna
import orjson

from .core import Checker, CheckResult, InvalidURL
from .core.matching import FIELD_SEP
from .core.messages import VERDICT_LABELS
from .core.tables import Tables, default_tables
from .core.urls import TRACKING_PARAMS

__all__ = ["CheckerService", "ListsSnapshot", "result_to_dict"]


@dataclass(frozen=True)
class ListsSnapshot:
    """``GET /api/v1/lists`` for one version: JSON bytes, gzipped bytes and the ETag."""

    version: int
    body: bytes
    gzipped: bytes
    etag: str


class CheckerService:
    """Holds the compiled checker for the current lists version."""

    def __init__(
        self,
        store: Any,
        *,
        tables: Tables | None = None,
        poll_seconds: float = 1.0,
        cache_size: int = 50_000,
        lookalike: bool = True,
        resolver: Any = None,
    ) -> None:
        self.store = store
        self.tables = tables or default_tables()
        self.poll_seconds = poll_seconds
        self.lookalike = lookalike
        self.resolver = resolver
        self._lock = threading.Lock()
        self._checker: Checker | None = None
        self._rows: list[tuple] = []  # type: ignore[type-arg]
        self._next_poll = 0.0
        self._cache: cachetools.LRUCache[tuple[str, str], bytes] = cachetools.LRUCache(
            cache_size
        )
        self._cache_lock = threading.Lock()
        self._snapshot: ListsSnapshot | None = None

    # -- lists -----------------------------------------------------------------------
    def checker(self) -> Checker:
        """The checker for the current lists version (rebuilt if the version moved)."""
        now = time.monotonic()
        if self._checker is None or now >= self._next_poll:
            self._next_poll = now + self.poll_seconds
            self.refresh()
        return self._checker  # type: ignore[return-value]

    def refresh(self, force: bool = False) -> None:
        """Rebuild from the store when its version differs from ours (or when forced)."""
        current = self._checker
        if not force and current is not None and self.store.lists_version() == current.version:
            return
        with self._lock:
            if not force and self._checker is not current:
                return  # another thread rebuilt meanwhile
            version, rows = self.store.load_rules()
            if not force and self._checker is not None and self._checker.version == version:
                return
            rows = list(rows)
            self._checker = self._build(version, rows)
            self._rows = rows
            self._snapshot = None
            with self._cache_lock:
                self._cache.clear()

    def _build(self, version: int, rows: list[tuple]) -> Checker:  # type: ignore[type-arg]
        metas = (_row_meta(r) for r in rows)
        detector = None
        if self.lookalike:
            detector = _detector([(r[2], r[3]) for r in rows if r[1] == "allow"])
        return Checker(rules=metas, tables=self.tables, lookalike=detector, version=version)

    # -- checking --------------------------------------------------------------------
    def check(self, url: str) -> CheckResult:
        """Check one URL (raises :class:`InvalidURL`)."""
        result = self.checker().check(url)
        if self.resolver is not None and _is_shortened(result):
            result = self._resolve(result)
        return result

    def check_json(self, url: str, lang: str, dumps: Callable[[Any], bytes]) -> bytes:
        """The serialised response for one URL, from the cache when possible."""
        checker = self.checker()
        key = (url, lang)
        with self._cache_lock:
            body = self._cache.get(key)
        if body is not None and checker is self._checker:
            return body
        body = dumps(result_to_dict(self.check(url), lang, self.tables))
        with self._cache_lock:
            self._cache[key] = body
        return body

    def _resolve(self, result: CheckResult) -> CheckResult:
        """Follow a shortened link (guarded, cached by the resolver) and judge its target."""
        resolution = self.resolver.resolve(result.canonical_url)
        if resolution.final_url is None or resolution.final_url == result.canonical_url:
            return result
        try:
            final = self.checker().check(resolution.final_url)
        except InvalidURL:
            return result
        from .core.messages import reason

        chain = result.chain + tuple(u for u in resolution.chain[1:])
        reasons = (
            reason("shortened_link", host=result.host),
            reason("resolved_redirect", host=final.host),
            *final.reasons,
        )
        return final._replace(url=result.url, chain=chain, reasons=reasons)

    # -- snapshot --------------------------------------------------------------------
    def snapshot(self) -> ListsSnapshot:
        """The versioned snapshot of all rules for offline clients (built once per version)."""
        checker = self.checker()
        snap = self._snapshot
        if snap is not None and snap.version == checker.version:
            return snap
        body = orjson.dumps(self._snapshot_doc(checker.version, self._rows))
        digest = hashlib.sha256(body).hexdigest()[:16]
        snap = ListsSnapshot(
            checker.version, body, gzip.compress(body, 9, mtime=0), f'"{checker.version}-{digest}"'
        )
        self._snapshot = snap
        return snap

    def _snapshot_doc(self, version: int, rows: list[tuple]) -> dict[str, Any]:  # type: ignore[type-arg]
        t = self.tables
        return {
            "version": version,
            "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rules": [
                {"pattern": r[2], "list": r[1], "name": r[3], "category": r[4], "scope": r[5]}
                for r in sorted(rows, key=lambda r: (r[2], r[1]))
            ],
            "categories": {k: {"vi": v[0], "en": v[1]} for k, v in sorted(t.categories.items())},
            "platform_subdomains": ["m", "mbasic", "mobile", "web", "www"],
            "wrappers": [
                {"host": w.host, "path": w.path, "kind": w.kind, "param": w.param}
                for w in t.wrappers
            ],
            "shorteners": sorted(t.shorteners),
            "tracking_params": list(TRACKING_PARAMS),
        }


def _row_meta(row: tuple) -> str:  # type: ignore[type-arg]
    """Store row ``(id, list, pattern, name, category, scope, evidence, note, review_by)``."""
    rid, lst, pattern, name, category, scope, evidence, note, review_by = row
    return FIELD_SEP.join(
        (lst, pattern, name or "", category or "", scope or "", evidence or "", note or "",
         review_by or "", str(rid))
    )


def _detector(official: list[tuple[str, str]]) -> Any:
    try:
        from .core.lookalike import LookalikeDetector
    except ImportError:
        return None
    return LookalikeDetector(official=official)


def _is_shortened(result: CheckResult) -> bool:
    return result.rule is None and any(r.code == "shortened_link" for r in result.reasons)


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return host


def result_to_dict(r: CheckResult, lang: str, tables: Tables) -> dict[str, Any]:
    """The JSON form of a check result in ``lang`` (``"vi"`` or ``"en"``)."""
    en = lang == "en"
    rule = None
    if r.rule is not None:
        labels = tables.categories.get(r.rule.category, ("", ""))
        rule = {
            "pattern": r.rule.pattern,
            "list": r.rule.list,
            "name": r.rule.name,
            "category": r.rule.category,
            "category_label": (labels[1] if en else labels[0]) or r.rule.category,
            "scope": r.rule.scope,
            "evidence": r.rule.evidence,
            "note": r.rule.note,
            "review_by": r.rule.review_by or None,
        }
    advice = r.advice
    return {
        "url": r.url,
        "canonical_url": r.canonical_url,
        "share_url": r.share_url,
        "host": r.host,
        "host_unicode": _unicode_host(r.host),
        "domain": r.domain,
        "verdict": r.verdict,
        "verdict_label": VERDICT_LABELS[r.verdict][1 if en else 0],
        "reasons": [{"code": x.code, "message": x.message_en if en else x.message}
                    for x in r.reasons],
        "rule": rule,
        "chain": list(r.chain),
        "imitates": {"domain": r.imitates.domain, "name": r.imitates.name} if r.imitates else None,
        "advice": {
            "summary": advice.summary_en if en else advice.summary,
            "five_khong": list(advice.five_khong_en if en else advice.five_khong),
        },
        "lists_version": r.lists_version,
    }
