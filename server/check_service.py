"""The checker service: the pure core fed from the store, cached, rebuilt when lists change.

Request handling never queries the rules table: the compiled :class:`~server.core.Checker`
lives in memory and is rebuilt only when the lists version changes. A worker learns of a
change at once when it made it (``refresh(force=True)``), and otherwise by reading the
version number (one tiny query) at most every ``LISTS_POLL_SECONDS``; with Redis configured,
a worker that changed the lists also publishes a notice and the others poll at once
(``notifier``, server/ops/lists_notify.py; the poll stays the fallback). A rebuild runs in
the thread that found the change; other threads go on answering from the lists already
loaded until it is swapped in. Serialised responses are cached per (URL, language) in a
thread-safe LRU cache (``ResponseCache``), cleared on rebuild.

The lookalike detector is built with the allow list and the domains waiting in the review
queue for it (never called imitations). Deciding a queued entry rebuilds this worker at once;
a rejection does not change the lists version, so other workers learn of it at their next
rebuild.
"""

from __future__ import annotations

import collections
import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from sys import getsizeof
from typing import Any

import idna
import orjson

from .core import Advice, Checker, CheckResult, InvalidURL, Reason, Rule
from .core.matching import FIELD_SEP
from .core.messages import VERDICT_LABELS
from .core.tables import Tables, default_tables
from .core.urls import TRACKING_PARAMS, share_url

__all__ = ["CheckerService", "ListsSnapshot", "ResponseCache", "result_to_dict"]

log = logging.getLogger(__name__)

#: Bytes one cached response costs besides its JSON body (key tuple, URL of typical length,
#: value tuple, LRU links), measured with tracemalloc on CPython 3.11 (about 460); see
#: README "Vận hành / Operations".
ENTRY_OVERHEAD = 500


class ResponseCache:
    """The LRU cache of serialised responses, bounded by bytes (``maxsize`` is in bytes when
    ``by_bytes``, else a count) and reporting lookups to ``on_lookup(hit, n)`` when set.

    Built on :class:`collections.OrderedDict`, whose reordering and eviction run in C: a
    miss that stores its answer costs about a tenth of what ``cachetools.LRUCache`` takes
    (it keeps three mappings in Python), which is most of what a batch of new URLs pays
    for the cache (``bench/bench_http.py``). Not thread-safe: the service holds its lock."""

    def __init__(self, maxsize: int, by_bytes: bool = True) -> None:
        self.maxsize = maxsize
        self.currsize = 0
        self.by_bytes = by_bytes
        self.on_lookup: Callable[[bool, int], None] | None = None
        self._data: collections.OrderedDict[Any, tuple[bytes, str, str]] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any) -> bool:
        return key in self._data

    def values(self) -> Iterator[tuple[bytes, str, str]]:
        """The cached values, least recently used first."""
        return iter(list(self._data.values()))

    def get(self, key: Any, default: Any = None, report: bool = True) -> Any:
        """The value for ``key`` (now the most recently used), else ``default``; the lookup
        is reported unless ``report`` is false (a batch reports its lookups together)."""
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        if report and self.on_lookup is not None:
            self.on_lookup(value is not None, 1)
        return default if value is None else value

    def report(self, hits: int, misses: int) -> None:
        """Report lookups made with ``report=False``."""
        if self.on_lookup is not None:
            if hits:
                self.on_lookup(True, hits)
            if misses:
                self.on_lookup(False, misses)

    def __setitem__(self, key: Any, value: tuple[bytes, str, str]) -> None:
        by_bytes = self.by_bytes
        size = getsizeof(value[0]) + ENTRY_OVERHEAD if by_bytes else 1
        if size > self.maxsize:
            return  # would not fit even alone
        data = self._data
        old = data.pop(key, None)
        if old is not None:
            self.currsize -= getsizeof(old[0]) + ENTRY_OVERHEAD if by_bytes else 1
        data[key] = value  # a new key goes to the end: the most recently used
        self.currsize += size
        while self.currsize > self.maxsize:
            _, gone = data.popitem(last=False)
            self.currsize -= getsizeof(gone[0]) + ENTRY_OVERHEAD if by_bytes else 1

    def clear(self) -> None:
        self._data.clear()
        self.currsize = 0


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
        stats_flush_seconds: float = 30.0,
        cache_bytes: int | None = None,
    ) -> None:
        self.store = store
        self.tables = tables or default_tables()
        self.poll_seconds = poll_seconds
        self.lookalike = lookalike
        self.resolver = resolver
        self._lock = threading.Lock()
        self._checker: Checker | None = None
        self._next_poll = 0.0
        # Bounded by bytes when ``cache_bytes`` is given (a count bound lets long URLs and
        # long responses grow a worker without limit; see README "Vận hành / Operations").
        self._cache = ResponseCache(cache_bytes or cache_size, by_bytes=cache_bytes is not None)
        #: ``time.time()`` of the last successful poll of the lists version (for /metrics).
        self.last_synced = 0.0
        #: Called with the exception when a poll fails while older lists keep serving.
        self.on_poll_error: Callable[[Exception], None] | None = None
        self._poll_failing = False
        #: Publishes this worker's changes and listens for the others' (Redis), or None.
        self.notifier: Any = None
        self._cache_lock = threading.Lock()
        #: The local date the cached answers were made on (``review_overdue`` depends on it).
        self._cache_day = ""
        self._snapshot: ListsSnapshot | None = None
        self.stats_flush_seconds = stats_flush_seconds
        self._stats: collections.Counter[tuple[str, str, str]] = collections.Counter()
        self._stats_lock = threading.Lock()
        self._next_flush = time.monotonic() + stats_flush_seconds
        self._init_feeds()

    # -- lists -----------------------------------------------------------------------
    def checker(self) -> Checker:
        """The checker for the current lists version (rebuilt if the version moved)."""
        now = time.monotonic()
        if self._checker is None or now >= self._next_poll:
            self._next_poll = now + self.poll_seconds
            if self.notifier is not None:  # here: after a fork, in the worker's own process
                self.notifier.start(self)
            if self._checker is None:
                self.refresh()
                if self.feed_loader is not None:  # the first load in line, as the rules' is
                    self.refresh_feeds(wait=self._feeds.version == 0)
            else:
                self._poll()
        return self._checker  # type: ignore[return-value]

    def loaded_version(self) -> int | None:
        """The lists version of the checker in use (None before the first load)."""
        checker = self._checker
        return checker.version if checker is not None else None

    def poll_now(self) -> None:
        """Poll the lists version now (a notice said it moved); never raises."""
        self._next_poll = time.monotonic() + self.poll_seconds
        self._poll()

    def _poll(self) -> None:
        """Refresh, but keep answering from the lists already loaded when the database
        cannot be read (logged once per outage); the next poll tries again."""
        try:
            self.refresh()
            if self.feed_loader is not None:
                self.refresh_feeds()
        except Exception as exc:  # the database is down or refuses us: degrade, never fail
            if not self._poll_failing:
                log.warning(
                    "lists poll failed; answering from lists version %s: %s",
                    self._checker.version if self._checker else None,
                    exc,
                )
            self._poll_failing = True
            if self.on_poll_error is not None:
                self.on_poll_error(exc)
            return
        if self._poll_failing:
            log.warning(
                "lists poll recovered; lists version %s",
                self._checker.version if self._checker else None,
            )
        self._poll_failing = False

    def refresh(self, force: bool = False) -> None:
        """Rebuild from the store when its version differs from ours (or when forced)."""
        current = self._checker
        if not force and current is not None and self.store.lists_version() == current.version:
            self.last_synced = time.time()
            return
        if force or current is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            return  # another thread is rebuilding: answer from the loaded lists meanwhile
        try:
            if not force and self._checker is not current:
                return  # another thread rebuilt meanwhile
            version, rows = self.store.load_rules()
            if not force and self._checker is not None and self._checker.version == version:
                return
            self._checker = self._build(version, rows)
            self.last_synced = time.time()
            self._snapshot = None
            with self._cache_lock:
                self._cache.clear()
        finally:
            self._lock.release()
        if force and self.notifier is not None:  # this worker changed the lists: tell others
            self.notifier.publish(version)

    def _build(self, version: int, rows: Iterable[tuple]) -> Checker:  # type: ignore[type-arg]
        """Compile streamed store rows; the allow list is also kept for the lookalike detector."""
        official: list[tuple[str, str]] = []
        feeds = self._feeds
        curated: set[str] = set()  # host patterns, only collected when feeds are in use

        named: list[str] = []  # hosts named in allow rules' evidence (an outlet's old domain)

        def metas() -> Iterator[bytes]:
            for r in rows:
                if r[1] == "allow":
                    official.append((r[2], r[3] or ""))
                    if r[6] and "." in r[6]:
                        named.extend(_EVIDENCE_HOST.findall(r[6].lower()))
                if feeds.size:
                    curated.add(r[2])
                yield _row_meta(r)
            if feeds.size:  # after the rules: the allow list is complete by now
                yield from feeds.metas(curated, {p for p, _ in official if "/" not in p})

        checker = Checker(rules=metas(), tables=self.tables, version=version)
        if self.lookalike:
            candidates = [e.pattern for e in self.store.list_pending() if e.list == "allow"]
            checker.set_lookalike(_detector(official, candidates + named))
        return checker

    # -- checking --------------------------------------------------------------------
    def check(self, url: str) -> CheckResult:
        """Check one URL (raises :class:`InvalidURL`)."""
        result = self.checker().check(url)
        if self.resolver is not None and _is_shortened(result):
            result = self._resolve(result)
        return result  # a feed entry's result names its feed (core.results.listed)

    def check_json(self, url: str, lang: str, dumps: Callable[[Any], bytes]) -> bytes:
        """The serialised response for one URL, from the cache when possible (and counted)."""
        self.checker()
        body, verdict, key, _ = self._answer(url, lang, dumps, self._today())
        self.count(verdict, key)
        return body

    def check_json_many(
        self, urls: Sequence[object], lang: str, dumps: Callable[[Any], bytes]
    ) -> list[bytes | dict[str, Any]]:
        """The answers for a batch, in order: each URL's serialised response (the same bytes
        and the same cache as :meth:`check_json`), or the item's error as a dict. The lists
        are read once for the whole batch and the checks are counted once per verdict and
        source."""
        self.checker()
        today = self._today()
        counts: collections.Counter[tuple[str, str]] = collections.Counter()
        out: list[bytes | dict[str, Any]] = []
        hits = misses = 0
        for url in urls:
            if not isinstance(url, str):
                out.append({"url": url, "error": _NOT_TEXT[lang == "en"]})
                continue
            try:
                body, verdict, key, cached = self._answer(url, lang, dumps, today, report=False)
            except InvalidURL as exc:
                misses += 1
                out.append(
                    {"url": url, "error": {"code": exc.code, "message": exc.message_for(lang)}}
                )
                continue
            counts[verdict, key] += 1
            out.append(body)
            if cached:
                hits += 1
            else:
                misses += 1
        self._cache.report(hits, misses)
        self.count_many(counts)
        return out

    def _today(self) -> str:
        """Today's local date; a new day empties the answer cache (a rule may be overdue
        for review since midnight, and ``review_overdue`` is part of the answer)."""
        today = time.strftime("%Y-%m-%d")
        if today != self._cache_day:
            with self._cache_lock:
                if today != self._cache_day:
                    self._cache.clear()
                    self._cache_day = today
        return today

    def _answer(
        self,
        url: str,
        lang: str,
        dumps: Callable[[Any], bytes],
        today: str,
        report: bool = True,
    ) -> tuple[bytes, str, str, bool]:
        """(serialised response, verdict, statistics key, whether it was cached) for one URL,
        cached by (URL, language); raises :class:`InvalidURL`."""
        key = (url, lang)
        with self._cache_lock:
            hit: tuple[bytes, str, str] | None = self._cache.get(key, report=report)
        if hit is None:
            result = self.check(url)
            body = dumps(result_to_dict(result, lang, self.tables))
            # orjson's bytes keep their whole output buffer (about 8 KiB for a 1 KiB
            # response); an exact copy makes a cached entry cost its size, not 8x it.
            hit = (bytes(memoryview(body)), result.verdict, self.stat_key(result))
            with self._cache_lock:
                if self._cache_day == today:  # not made before a new day's clear
                    self._cache[key] = hit
            return (*hit, False)
        return (*hit, True)

    # -- statistics ------------------------------------------------------------------------
    def stat_key(self, result: CheckResult) -> str:
        """What a check is counted under: the page on a shared platform
        (``facebook.com/tentrang``: the rule an admin would write), else the domain."""
        domain = result.domain
        if domain not in self.tables.platforms and result.host not in self.tables.platforms:
            return domain
        try:
            return _page_pattern(result.canonical_url, result.host)
        except Exception:  # a page name no pattern can hold: count the platform
            return domain

    def count(self, verdict: str, domain: str, n: int = 1) -> None:
        """Count ``n`` checks in memory; written to the store at most every flush interval."""
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with self._stats_lock:
            self._stats[(day, verdict, domain)] += n
        if time.monotonic() >= self._next_flush:
            self.flush_stats()

    def count_many(self, counts: Mapping[tuple[str, str], int]) -> None:
        """Count many checks at once, ``{(verdict, source): n}`` (a batch): as :meth:`count`
        for each, under one lock."""
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with self._stats_lock:
            stats = self._stats
            for (verdict, domain), n in counts.items():
                stats[(day, verdict, domain)] += n
        if time.monotonic() >= self._next_flush:
            self.flush_stats()

    def flush_stats(self) -> None:
        """Write the counters kept in memory to the store."""
        with self._stats_lock:
            counts, self._stats = self._stats, collections.Counter()
            self._next_flush = time.monotonic() + self.stats_flush_seconds
        try:
            self.store.add_stats(counts)
        except Exception:  # counting must never break checking: keep them for next time
            with self._stats_lock:
                self._stats.update(counts)

    def _resolve(self, result: CheckResult) -> CheckResult:
        """Follow a shortened link (guarded, cached by the resolver) and judge its target."""
        from .core.messages import reason
        from .unmask import describe_resolve_error

        resolution = self.resolver.resolve(result.canonical_url)
        if resolution.error is not None:
            vi, en = describe_resolve_error(resolution.error)
            failed = reason("resolve_failed", detail=vi, detail_en=en)
            return result._replace(
                reasons=(*result.reasons, failed), chain=result.chain + resolution.chain[1:]
            )
        if resolution.final_url is None or resolution.final_url == result.canonical_url:
            return result
        try:
            final = self.checker().check(resolution.final_url)
        except InvalidURL:
            return result
        chain = result.chain + tuple(u for u in resolution.chain[1:])
        reasons = (
            reason("shortened_link", host=result.host),
            reason("resolved_redirect", host=final.host),
            *final.reasons,
        )
        return final._replace(url=result.url, chain=chain, reasons=reasons)

    # -- threat feeds (issue 16; matching in server/assistant/feedindex.py) ----------------
    def _init_feeds(self) -> None:
        from .assistant.feedindex import FeedIndex

        #: Set by the assistant's wiring: ``version()`` and ``load_entries()`` of the feeds.
        self.feed_loader: Any = None
        self._feeds = FeedIndex()
        self._feeds_thread: threading.Thread | None = None

    def refresh_feeds(self, wait: bool = False) -> None:
        """Rebuild the feed index when the feeds version moved: in a background thread, so
        checks go on with the old index meanwhile (``wait``: build now, in this thread)."""
        loader = self.feed_loader
        if loader is None or loader.version() == self._feeds.version:
            return
        if wait:
            self._build_feeds()
            return
        with self._lock:
            if self._feeds_thread is not None and self._feeds_thread.is_alive():
                return
            self._feeds_thread = threading.Thread(
                target=self._build_feeds, daemon=True, name="khongvoi-feeds"
            )
            self._feeds_thread.start()

    def wait_background(self, timeout: float = 10.0) -> None:
        """Wait for a background feeds build to end (before the store is disposed)."""
        thread = self._feeds_thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)

    def _build_feeds(self) -> None:
        """Compile the rules with the new entries outside the lock, then swap them in; when
        the database cannot be read (down, not migrated), keep what is loaded and log it."""
        try:
            self._build_feeds_now()
        except Exception as exc:  # never let a background build die with a traceback
            log.warning(
                "feed entries could not be loaded; keeping feeds version %s: %s",
                self._feeds.version,
                exc,
            )

    def _build_feeds_now(self) -> None:
        from .assistant.feedindex import FeedIndex

        version, rows = self.feed_loader.load_entries()
        index = FeedIndex(rows, version)
        with self._lock:
            if version < self._feeds.version:
                return  # a newer set is in already
            was_empty = not self._feeds.size
            self._feeds = index
        if was_empty and not index.size:
            return  # no entries before or after: the compiled lists and answers stand
        lists_version, rules = self.store.load_rules()
        built = self._build(lists_version, rules)
        with self._lock:
            if self._feeds is not index:
                return  # a newer set came in meanwhile and was compiled by its own build
            if self._checker is None or self._checker.version <= built.version:
                self._checker = built
                self._snapshot = None
        with self._cache_lock:
            self._cache.clear()

    # -- snapshot --------------------------------------------------------------------
    def snapshot(self) -> ListsSnapshot:
        """The versioned snapshot of all rules for offline clients (built once per version)."""
        checker = self.checker()
        snap = self._snapshot
        if snap is not None and snap.version == checker.version:
            return snap
        body = orjson.dumps(self._snapshot_doc(checker))
        digest = hashlib.sha256(body).hexdigest()[:16]
        snap = ListsSnapshot(
            checker.version, body, gzip.compress(body, 9, mtime=0), f'"{checker.version}-{digest}"'
        )
        self._snapshot = snap
        return snap

    def _snapshot_doc(self, checker: Checker) -> dict[str, Any]:
        t = self.tables
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
            "platform_subdomains": ["m", "mbasic", "mobile", "web", "www"],
            "wrappers": [
                {"host": w.host, "path": w.path, "kind": w.kind, "param": w.param}
                for w in t.wrappers
            ],
            "shorteners": sorted(t.shorteners),
            "tracking_params": list(TRACKING_PARAMS),
            # the lookalike detector's data, for the extension's offline detector
            **({"lookalike": _offline_data(detector, rules)} if detector is not None else {}),
        }


def _row_meta(row: tuple) -> bytes:  # type: ignore[type-arg]
    """Pack a store row (id, list, pattern, name, category, scope, evidence, note, review_by,
    basis) as :func:`server.core.matching.rule_to_meta` does."""
    rid, lst, pattern, name, category, scope, evidence, note, review_by, basis = row
    return FIELD_SEP.join(
        (
            lst,
            pattern,
            name or "",
            category or "",
            scope or "",
            evidence or "",
            note or "",
            str(review_by or ""),
            str(rid),
            basis or "",
        )
    ).encode("utf-8")


@functools.lru_cache(maxsize=8192)
def _page_pattern(canonical_url: str, host: str) -> str:
    """The rule an admin would write for a page on a shared platform (memoised: popular pages
    are checked again and again, and working it out costs more than the check)."""
    from .curation import suggested_pattern

    return suggested_pattern(canonical_url, host)[:255]


#: Host names in an evidence text (``https://baocu.com.vn/…``, "tên miền cũ baocu.com.vn"):
#: a domain an official source's own evidence names is that source's (its old or other
#: domain, the site that announced it), never called an imitation of it (issue 13).
_EVIDENCE_HOST = re.compile(
    r"(?:(?<=//)|(?<![\w.@/-]))((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])"
)


def _detector(official: list[tuple[str, str]], candidates: list[str]) -> Any:
    try:
        from .core.lookalike import LookalikeDetector
    except ImportError:
        return None
    return LookalikeDetector(official=official, candidates=candidates)


def _offline_data(detector: Any, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """The detector's data for the extension's offline detector (``lib/lookalike.js``)."""
    from .core.lookalike_offline import offline_data

    return offline_data(detector, {r["pattern"]: r["name"] for r in rules if r["list"] == "allow"})


def _is_shortened(result: CheckResult) -> bool:
    return result.rule is None and any(r.code == "shortened_link" for r in result.reasons)


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return host


@functools.lru_cache(maxsize=8192)
def _rule_dict(rule: Rule, en: bool, labels: tuple[str, str]) -> dict[str, Any]:
    return {
        "pattern": rule.pattern,
        "list": rule.list,
        "name": rule.name,
        "category": rule.category,
        "category_label": (labels[1] if en else labels[0]) or rule.category,
        "scope": rule.scope,
        "evidence": rule.evidence,
        "basis": rule.basis or None,
        "note": rule.note,
        "review_by": rule.review_by or None,
    }


@functools.lru_cache(maxsize=8192)
def _reasons_list(reasons: tuple[Reason, ...], en: bool) -> list[dict[str, str]]:
    return [{"code": x.code, "message": x.message_en if en else x.message} for x in reasons]


@functools.lru_cache(maxsize=16)
def _advice_dict(advice: Advice, en: bool) -> dict[str, Any]:
    return {
        "summary": advice.summary_en if en else advice.summary,
        "five_khong": list(advice.five_khong_en if en else advice.five_khong),
    }


_NO_LABELS = ("", "")
#: Added when the matched rule's review date has passed: the verdict stays, the reader is
#: told the listing is due to be checked again (issue 15).
_OVERDUE = (
    "Quy tắc này đã quá hạn xem lại (hạn {date}); quản trị viên cần kiểm tra lại "
    "bằng chứng. Kết quả vẫn giữ nguyên.",
    "This rule is past its review date ({date}); the administrators need to check its "
    "evidence again. The verdict stands.",
)


#: A batch item that is not text, in Vietnamese and in English.
_NOT_TEXT = (
    {"code": "invalid_url", "message": "Liên kết phải là chuỗi ký tự."},
    {"code": "invalid_url", "message": "URL must be a string."},
)


def result_to_dict(r: CheckResult, lang: str, tables: Tables) -> dict[str, Any]:
    """The JSON form of a check result in ``lang`` (``"vi"`` or ``"en"``).

    Parts shared by many results (rule, reasons, advice) are built once and cached: the
    returned dict must be treated as read-only.
    """
    en = lang == "en"
    rule = r.rule
    host = r.host
    reasons = _reasons_list(r.reasons, en)
    if rule is None:
        rule_json = None
    else:
        rule_json = _rule_of(rule, en, tables)
        if rule.review_by and rule.review_by < time.strftime("%Y-%m-%d"):
            overdue = _OVERDUE[en].format(date=rule.review_by)
            reasons = [*reasons, {"code": "review_overdue", "message": overdue}]
    return {
        "url": r.url,
        "canonical_url": r.canonical_url,
        "share_url": share_url(r.canonical_url),
        "host": host,
        "host_unicode": _unicode_host(host) if "xn--" in host else host,
        "domain": r.domain,
        "verdict": r.verdict,
        "verdict_label": VERDICT_LABELS[r.verdict][en],
        "reasons": reasons,
        "rule": rule_json,
        "chain": list(r.chain),
        "imitates": {"domain": r.imitates.domain, "name": r.imitates.name} if r.imitates else None,
        "advice": _advice_dict(r.advice, en),
        "lists_version": r.lists_version,
    }


_rule_memo: dict[tuple[int, bool], tuple[Rule, Tables, dict[str, Any]]] = {}


def _rule_of(rule: Rule, en: bool, tables: Tables) -> dict[str, Any]:
    """:func:`_rule_dict` memoised by the rule's identity (and the tables' labels)."""
    key = (id(rule), en)
    hit = _rule_memo.get(key)
    if hit is not None and hit[0] is rule and hit[1] is tables:
        return hit[2]
    value = _rule_dict(rule, en, tables.categories.get(rule.category, _NO_LABELS))
    if len(_rule_memo) >= 8192:
        _rule_memo.clear()
    _rule_memo[key] = (rule, tables, value)
    return value
