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
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from sys import getsizeof
from typing import Any

from .core import Checker, CheckResult, lookalike_detector
from .core.answers import (
    Answer,
    add_counts,
    answer_many,
    batch_keys,
    cached_many,
    result_json,
    result_to_dict,
    stat_key,
)
from .core.packed import pack_row
from .core.tables import Tables, default_tables
from .lists_snapshot import ListsSnapshot, build_snapshot

__all__ = ["CheckerService", "ListsSnapshot", "ResponseCache", "result_to_dict"]

log = logging.getLogger(__name__)

#: Bytes one cached response costs besides its JSON body (key tuple, URL of typical length,
#: value tuple, LRU links), measured with tracemalloc on CPython 3.11 (about 460); see
#: README "Vận hành / Operations".
ENTRY_OVERHEAD = 500
_ENTRY = getsizeof(b"") + ENTRY_OVERHEAD  # what an entry costs besides its body's bytes
#: Slots of each of the answer cache's two doorkeepers (one byte each; see
#: ``ResponseCache.seen_before``).
_DOOR_SLOTS = 1 << 19
#: A doorkeeper generation holds at least this many keys (a small cache's).
_DOOR_MIN = 1024
#: A typical entry's cost in bytes, for a byte-bounded cache's horizon before it holds any.
_TYPICAL_ENTRY = 1700


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
        self._data: collections.OrderedDict[Any, Answer] = collections.OrderedDict()
        self._door = bytearray(_DOOR_SLOTS)  # keys offered lately
        self._door_old = bytearray(_DOOR_SLOTS)  # the generation before
        self._door_fresh = 0
        self._door_limit = self._generation()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Any) -> bool:
        return key in self._data

    def values(self) -> Iterator[Answer]:
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

    def __setitem__(self, key: Any, value: Answer) -> None:
        self.put_many(((key, value),))

    def get_many(self, keys: Sequence[Any]) -> list[Answer | None]:
        """``[self.get(key, report=False) for key in keys]`` in one call (a batch's
        lookups; compiled with the core's batch loop); None for a key that is None."""
        return cached_many(self._data, keys)

    def put_many(self, items: Iterable[tuple[Any, Answer]], doorkeeper: bool = False) -> None:
        """Store each (key, value), evicting the least recently used beyond ``maxsize``; with
        ``doorkeeper``, only the keys :meth:`seen_before` (a batch's answers)."""
        # ``len(body) + _ENTRY`` is ``getsizeof(body) + ENTRY_OVERHEAD`` for ``bytes``, at
        # a fraction of its cost (an insert into a full cache evicts, so both sides pay it)
        by_bytes = self.by_bytes
        maxsize = self.maxsize
        data = self._data
        pop = data.pop
        popitem = data.popitem
        seen_before = self.seen_before
        currsize = self.currsize
        mask = _DOOR_SLOTS - 1
        for key, value in items:
            if doorkeeper:
                # seen_before(key), its common answer (a new key) without the call
                slot = hash(key) & mask
                if not (self._door[slot] or self._door_old[slot] or seen_before(key)):
                    continue
            size = len(value[0]) + _ENTRY if by_bytes else 1
            if size > maxsize:
                continue  # would not fit even alone
            old = pop(key, None)
            currsize += size
            if old is not None:
                currsize -= len(old[0]) + _ENTRY if by_bytes else 1
            data[key] = value  # a new key goes to the end: the most recently used
            while currsize > maxsize:
                gone = popitem(last=False)[1][0]
                currsize -= len(gone) + _ENTRY if by_bytes else 1
            # kept current at once: the doorkeeper reads it when a generation turns over
            self.currsize = currsize

    def clear(self) -> None:
        self._data.clear()
        self.currsize = 0

    def seen_before(self, key: Any) -> bool:
        """Whether ``key`` was offered here before, lately: within the last half to whole of
        as many new keys as the cache can hold (two generations of :meth:`_generation`
        keys, one byte per hash slot; a collision only admits a key early).

        A batch stores a new answer only on its URL's second sighting, so that a bulk job
        of never-repeated links neither pays for storing them nor evicts the answers people
        keep asking for; a batch repeated (links re-checked) is cached from its second
        run. A link that comes back only after more new links than the cache holds would
        have been evicted before it was asked again (least recently used goes first):
        storing it would cost an insert and an eviction and answer nothing, so the
        doorkeeper has forgotten it by then. Single checks are stored at once."""
        slot = hash(key) & (_DOOR_SLOTS - 1)
        door = self._door
        if door[slot] or self._door_old[slot]:
            return True
        door[slot] = 1
        self._door_fresh += 1
        if self._door_fresh >= self._door_limit:
            self._door_old = door
            self._door = bytearray(_DOOR_SLOTS)
            self._door_fresh = 0
            self._door_limit = self._generation()
        return False

    def _generation(self) -> int:
        """Keys per doorkeeper generation: half of about how many entries the cache holds
        when full (a byte-bounded cache: its bound over the mean entry's cost so far), at
        least ``_DOOR_MIN`` and at most an eighth of the slots (two generations then fill
        at most a quarter of them: few collisions)."""
        if not self.by_bytes:
            held = self.maxsize
        else:
            count, size = len(self._data), self.currsize
            held = (
                self.maxsize * count // size if count and size else self.maxsize // _TYPICAL_ENTRY
            )
        return max(_DOOR_MIN, min(held // 2, _DOOR_SLOTS >> 3))


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
                yield pack_row(r)
            if feeds.size:  # after the rules: the allow list is complete by now
                yield from feeds.metas(curated, {p for p, _ in official if "/" not in p})

        checker = Checker(rules=metas(), tables=self.tables, version=version)
        if self.lookalike:
            candidates = [e.pattern for e in self.store.list_pending() if e.list == "allow"]
            checker.set_lookalike(lookalike_detector(official, candidates + named))
        return checker

    # -- checking --------------------------------------------------------------------
    def check(self, url: str) -> CheckResult:
        """Check one URL (raises :class:`InvalidURL`)."""
        return self._check(self.checker(), url)

    def _check(self, checker: Checker, url: str) -> CheckResult:
        """One check by ``checker``; a shortened link is followed when a resolver is set and
        judged by the core (a feed entry's result names its feed: core.results.listed)."""
        result = checker.check(url)
        if self.resolver is not None and result.is_shortener:
            return self._resolved(checker, result)
        return result

    def _resolved(self, checker: Checker, result: CheckResult) -> CheckResult:
        """``result`` of a shortened link, judged again where the link leads."""
        from .unmask import describe_resolve_error

        assert self.resolver is not None
        resolution = self.resolver.resolve(result.canonical_url)
        failure = None
        if resolution.error is not None:
            failure = describe_resolve_error(resolution.error)
        return checker.resolved(result, resolution.final_url, resolution.chain, failure)

    def check_json(self, url: str, lang: str, dumps: Callable[[Any], bytes]) -> bytes:
        """The serialised response for one URL, from the cache when possible (and counted)."""
        self.checker()
        body, verdict, key = self._answer(url, lang, dumps, self._today())
        self.count(verdict, key)
        return body

    def check_json_many(
        self, urls: Sequence[object], lang: str, dumps: Callable[[Any], bytes]
    ) -> list[bytes | dict[str, Any]]:
        """The answers for a batch, in order: each URL's serialised response (the same bytes
        and the same cache as :meth:`check_json`), or the item's error as a dict. The lists
        are read once for the whole batch, the cache is looked up and filled under one lock
        each (a new answer is kept from its URL's second batch on), and the checks are
        counted once per verdict and source. The loop is the core's
        :func:`~.core.answers.answer_many` (compiled with the checker)."""
        checker = self.checker()
        today = self._today()
        keys = batch_keys(urls, lang)
        with self._cache_lock:
            found = self._cache.get_many(keys)
        resolve = None
        if self.resolver is not None:
            resolve = functools.partial(self._resolved, checker)
        out, fresh, counts, hits, misses = answer_many(
            checker, urls, keys, found, lang, self.tables, today, dumps, resolve, self._page_key
        )
        if fresh:
            self._store(checker, today, fresh.items(), batch=True)
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
    ) -> Answer:
        """(serialised response, verdict, statistics key) for one URL, cached by (URL,
        language); raises :class:`InvalidURL`."""
        key = (url, lang)
        with self._cache_lock:
            hit: Answer | None = self._cache.get(key)
        if hit is None:
            checker = self.checker()
            hit = self._compute(checker, url, lang, dumps, today)
            self._store(checker, today, ((key, hit),))
        return hit

    def _compute(
        self, checker: Checker, url: str, lang: str, dumps: Callable[[Any], bytes], today: str
    ) -> Answer:
        """A new answer: (serialised response, verdict, statistics key)."""
        result = self._check(checker, url)
        # exact-size bytes: a cached entry costs its size (orjson's own output keeps its
        # whole buffer, about 8 KiB for a 1 KiB response)
        return (
            result_json(result, lang, self.tables, today, dumps),
            result.verdict,
            (self.stat_key(result)),
        )

    def _store(
        self,
        checker: Checker,
        today: str,
        answers: Iterable[tuple[tuple[str, str], Answer]],
        batch: bool = False,
    ) -> None:
        """Keep new answers (a batch's only when seen before, see
        :meth:`ResponseCache.seen_before`), unless the day or the lists changed while they
        were made (the cache was emptied then, and these answers are of the old day or
        lists)."""
        with self._cache_lock:
            if self._cache_day == today and self._checker is checker:
                self._cache.put_many(answers, doorkeeper=batch)

    # -- statistics ------------------------------------------------------------------------
    def stat_key(self, result: CheckResult) -> str:
        """What a check is counted under: the page on a shared platform
        (``facebook.com/tentrang``: the rule an admin would write), else the domain."""
        return stat_key(result, self.tables.platforms, self._page_key)

    @staticmethod
    def _page_key(result: CheckResult) -> str:
        """The statistics key of a link on a shared platform (see :meth:`stat_key`)."""
        try:
            return _page_pattern(page_url(result.canonical_url), result.host)
        except Exception:  # a page name no pattern can hold: count the platform
            return result.domain

    def count(self, verdict: str, domain: str, n: int = 1) -> None:
        """Count ``n`` checks in memory; written to the store at most every flush interval."""
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with self._stats_lock:
            self._stats[(day, verdict, domain)] += n
        if time.monotonic() >= self._next_flush:
            self.flush_stats()

    def count_many(self, counts: dict[tuple[str, str], int]) -> dict[str, int]:
        """Count many checks at once, ``{(verdict, source): n}`` (a batch): as :meth:`count`
        for each, under one lock; returns the totals per verdict."""
        day = time.strftime("%Y-%m-%d", time.gmtime())
        with self._stats_lock:
            verdicts = add_counts(self._stats, day, counts)
        if time.monotonic() >= self._next_flush:
            self.flush_stats()
        return verdicts

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
        if snap is None or snap.version != checker.version:
            snap = self._snapshot = build_snapshot(checker, self.tables)
        return snap


def page_url(canonical_url: str) -> str:
    """``canonical_url`` cut to what :func:`~.report_patterns.suggested_pattern` reads of it:
    the first two path segments, and the query only after ``/profile.php`` (so that every
    post, photo and video of one page is one entry of the memo below)."""
    base, sep, rest = canonical_url.partition("://")
    host, _, path = rest.partition("/")
    path, _, query = path.partition("?")
    segments = [x for x in path.split("/") if x][:2]
    out = f"{base}{sep}{host}/{'/'.join(segments)}"
    if segments and segments[0].lower() == "profile.php" and query:
        out += "?" + query
    return out


@functools.lru_cache(maxsize=8192)
def _page_pattern(canonical_url: str, host: str) -> str:
    """The rule an admin would write for a page on a shared platform (memoised: popular pages
    are checked again and again, and working it out costs more than the check)."""
    from .report_patterns import suggested_pattern

    return suggested_pattern(canonical_url, host)[:255]


#: Host names in an evidence text (``https://baocu.com.vn/…``, "tên miền cũ baocu.com.vn"):
#: a domain an official source's own evidence names is that source's (its old or other
#: domain, the site that announced it), never called an imitation of it (issue 13).
_EVIDENCE_HOST = re.compile(
    r"(?:(?<=//)|(?<![\w.@/-]))((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24})(?![\w-])"
)
