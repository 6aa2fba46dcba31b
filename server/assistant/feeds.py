"""Threat feeds as deny sources: subscribe, refresh, remove, and the conflicts with allow rules.

Decisions where the issue is silent:

* A feed's source is an ``http(s)`` URL or a local file. The CLI may name any file; the web
  admin and the API only files inside ``FEEDS_DIR`` (default ``instance/feeds``), so an admin
  key cannot make the server read arbitrary files.
* Only ``--list deny`` exists: an external list never makes anything official.
* A refresh keeps the previous entries when the source cannot be read, answers an error
  status, is larger than ``FEEDS_MAX_BYTES``, or yields no entry at all while the feed had
  some (an emptied or HTML error page must not silently drop thousands of warnings). Bad lines
  are counted and the first ones described; the good lines are used.
* URLs are fetched through the SSRF-guarded fetcher with ``If-None-Match`` /
  ``If-Modified-Since``; a ``304`` (or the same bytes as last time) changes nothing.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..store.accounts import Actor
from . import ASSISTANT
from .fetch import GuardedFetcher
from .formats import FORMATS, BadLine, parse_feed
from .store import FeedRecord, FeedStore

__all__ = ["FeedError", "FeedService", "RefreshResult"]

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class FeedError(ValueError):
    """A refused request about feeds: a stable code and plain words in both languages."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en


@dataclass(slots=True)
class RefreshResult:
    """What refreshing one feed did: ``updated``, ``unchanged`` or ``failed``."""

    name: str
    status: str
    entries: int
    added: int = 0
    removed: int = 0
    bad_count: int = 0
    unsupported: int = 0
    bad: list[BadLine] = field(default_factory=list)
    error: str = ""
    message: str = ""
    message_en: str = ""
    audit_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "name": self.name,
            "status": self.status,
            "entries": self.entries,
            "added": self.added,
            "removed": self.removed,
            "bad_lines": self.bad_count,
            "unsupported_lines": self.unsupported,
            "bad": [
                {"line": b.line, "text": b.text, "message": b.message, "message_en": b.message_en}
                for b in self.bad
            ],
            "error": self.error or None,
            "message": self.message,
            "message_en": self.message_en,
            "audit_id": self.audit_id,
        }


_FAILURES = {
    "http_status": ("nguồn trả lời lỗi {detail}", "the source answered {detail}"),
    "too_large": ("tệp lớn hơn giới hạn {detail} byte", "the file is larger than {detail} bytes"),
    "empty": (
        "nguồn không còn mục nào (có thể trang lỗi); giữ danh sách cũ",
        "the source has no entry any more (an error page?); the old list is kept",
    ),
    "unreadable": ("không đọc được tệp {detail}", "the file {detail} cannot be read"),
}


def _failure(code: str, detail: str = "") -> tuple[str, str]:
    from ..unmask import describe_resolve_error

    if code in _FAILURES:
        vi, en = _FAILURES[code]
        return vi.format(detail=detail), en.format(detail=detail)
    return describe_resolve_error(code)


class FeedService:
    """Feeds on top of :class:`FeedStore`, fetching through one :class:`GuardedFetcher`."""

    def __init__(
        self,
        feeds: FeedStore,
        fetcher: GuardedFetcher,
        platforms: frozenset[str],
        *,
        feeds_dir: Path,
        max_bytes: int = 64 << 20,
    ) -> None:
        self.feeds = feeds
        self.fetcher = fetcher
        self.platforms = platforms
        self.feeds_dir = feeds_dir
        self.max_bytes = max_bytes

    # -- subscribing -----------------------------------------------------------------------
    def add(
        self, name: str, source: str, fmt: str, list_: str, actor: Actor, any_file: bool = False
    ) -> FeedRecord:
        """Subscribe to a feed (validated; :class:`FeedError`, store ``Conflict``)."""
        if not isinstance(name, str) or not NAME_RE.fullmatch(name):
            raise FeedError(
                "invalid_name",
                "Tên nguồn chỉ gồm chữ không dấu, số, . _ - (tối đa 64 ký tự).",
                "A feed name is 1–64 letters, digits, . _ -.",
            )
        if fmt not in FORMATS:
            raise FeedError(
                "invalid_format",
                "Định dạng phải là hosts, domains hoặc abp.",
                "The format must be hosts, domains or abp.",
            )
        if list_ != "deny":
            raise FeedError(
                "invalid_list",
                "Nguồn cảnh báo bên ngoài chỉ dùng cho danh sách chặn (deny).",
                "External feeds can only feed the deny list.",
            )
        return self.feeds.add_feed(name, self._source(source, any_file), fmt, actor)

    def _source(self, source: Any, any_file: bool) -> str:
        if not isinstance(source, str) or not source.strip() or len(source) > 2000:
            raise FeedError(
                "invalid_source",
                "Hãy ghi địa chỉ (http/https) hoặc tệp của nguồn.",
                "Give the feed's http(s) address or file.",
            )
        source = source.strip()
        if re.match(r"(?i)https?://", source):
            return source
        if "://" in source:
            raise FeedError(
                "invalid_source",
                "Chỉ nhận địa chỉ http hoặc https.",
                "Only http or https addresses are accepted.",
            )
        path = Path(source).expanduser()
        if not any_file:
            path = (self.feeds_dir / source).resolve()
            if not path.is_relative_to(self.feeds_dir.resolve()):
                raise FeedError(
                    "invalid_source",
                    "Tệp phải nằm trong thư mục FEEDS_DIR.",
                    "The file must be inside FEEDS_DIR.",
                )
        if not path.is_file():
            raise FeedError("invalid_source", f"Không thấy tệp “{source}”.", f"No file “{source}”.")
        return str(path.resolve())

    def remove(self, name: str, actor: Actor) -> FeedRecord:
        """Unsubscribe (:class:`NotFound`)."""
        return self.feeds.remove_feed(name, actor)

    # -- refreshing ------------------------------------------------------------------------
    def refresh(self, name: str | None = None) -> list[RefreshResult]:
        """Refresh one feed (or all); failures are results, never exceptions."""
        targets = [self.feeds.get_feed(name)] if name else self.feeds.list_feeds()
        return [self._refresh(f) for f in targets]

    def _refresh(self, feed: FeedRecord) -> RefreshResult:
        actor = Actor(ASSISTANT, reason=f"refresh {feed.name}")
        got = self._read(feed)
        if isinstance(got, tuple) and got[0] == "error":
            return self._failed(feed, got[1], got[2], actor)
        if got is None:
            audit = self.feeds.note_refresh(feed, "", actor)
            return RefreshResult(
                feed.name,
                "unchanged",
                feed.entry_count,
                audit_id=audit,
                message="không thay đổi",
                message_en="unchanged",
            )
        body, meta = got
        if meta["digest"] == feed.digest and feed.current_gen:
            audit = self.feeds.note_refresh(feed, "", actor, meta)
            return RefreshResult(
                feed.name,
                "unchanged",
                feed.entry_count,
                audit_id=audit,
                message="không thay đổi",
                message_en="unchanged",
            )
        parsed = parse_feed(
            body.decode("utf-8", "replace").splitlines(), feed.format, self.platforms
        )
        if not parsed.hosts and feed.entry_count:
            return self._failed(feed, "empty", "", actor)
        # Lean for the garbage collector while checks run on other threads (issue 16): a
        # set or list of 100,000 entries is one object the collector walks entry by entry
        # whenever a full collection starts; a tuple of str is not tracked at all. So the old
        # entries are only counted (unique in a generation: the primary key), and the set is
        # emptied once sorted tuples hold the entries.
        count = len(parsed.hosts)
        old = kept = 0
        for host in self.feeds.entries(feed):
            old += 1
            kept += host in parsed.hosts
        added, removed = count - kept, old - kept
        runs = _sorted_runs(parsed.hosts)
        parsed.hosts.clear()
        gen = self.feeds.write_generation(feed, heapq.merge(*runs))
        del runs
        summary = {"added": added, "removed": removed, "bad_lines": parsed.bad_count}
        audit = self.feeds.activate(feed, gen, count, parsed.bad_count, meta, summary, actor)
        return RefreshResult(
            feed.name,
            "updated",
            count,
            added,
            removed,
            parsed.bad_count,
            parsed.unsupported,
            parsed.bad,
            audit_id=audit,
            message="đã cập nhật",
            message_en="updated",
        )

    def _failed(self, feed: FeedRecord, code: str, detail: str, actor: Actor) -> RefreshResult:
        vi, en = _failure(code, detail)
        audit = self.feeds.note_refresh(feed, f"{code}: {en}", actor)
        return RefreshResult(
            feed.name,
            "failed",
            feed.entry_count,
            error=code,
            message=f"Không cập nhật được, giữ {feed.entry_count} mục cũ: {vi}.",
            message_en=f"Not refreshed, {feed.entry_count} previous entries kept: {en}.",
            audit_id=audit,
        )

    def _read(self, feed: FeedRecord) -> Any:
        """``(body, meta)``, None for "not modified", or ``("error", code, detail)``."""
        if not re.match(r"(?i)https?://", feed.source):
            try:
                path = Path(feed.source)
                if path.stat().st_size > self.max_bytes:
                    return ("error", "too_large", str(self.max_bytes))
                body = path.read_bytes()
            except OSError:
                return ("error", "unreadable", feed.source)
            return body, {"digest": hashlib.sha256(body).hexdigest()}
        headers = {}
        if feed.current_gen and feed.etag:
            headers["If-None-Match"] = feed.etag
        if feed.current_gen and feed.last_modified:
            headers["If-Modified-Since"] = feed.last_modified
        got = self.fetcher.fetch(feed.source, headers=headers, max_bytes=self.max_bytes + 1)
        if got.error:
            return ("error", got.error, "")
        if got.status == 304:
            return None
        if got.status != 200:
            return ("error", "http_status", str(got.status))
        if len(got.body) > self.max_bytes:
            return ("error", "too_large", str(self.max_bytes))
        return got.body, {
            "digest": hashlib.sha256(got.body).hexdigest(),
            "etag": got.headers.get("ETag", "")[:500],
            "last_modified": got.headers.get("Last-Modified", "")[:100],
        }

    # -- conflicts -------------------------------------------------------------------------
    def conflicts(self, checker: Any) -> list[dict[str, str]]:
        """Feed entries that a curated allow rule covers or that cover one: the allow rule
        wins; the admin sees each clash here (entry, feed, rule)."""
        index = checker._feeds  # the service's current feed index
        out: dict[tuple[str, str], dict[str, str]] = {}
        core = checker.checker()
        allow = [r for r in core.rules() if r.list == "allow"]
        for rule in allow:  # an entry covering an allow-listed host
            hit = index.lookup(rule.host)
            if hit is not None:
                out[(hit[0].pattern, rule.pattern)] = _conflict(hit[0], rule)
        for host in index.hosts():  # an allow rule covering an entry
            try:
                res = core.check(f"http://{host}/")
            except ValueError:
                continue
            if res.rule is not None and res.rule.list == "allow":
                hit = index.lookup(host)
                out[(host, res.rule.pattern)] = _conflict(hit[0], res.rule)  # type: ignore[index]
        return sorted(out.values(), key=lambda c: (c["feed"], c["entry"]))

    def get(self, name: str) -> FeedRecord:
        """The active feed ``name`` (:class:`NotFound`)."""
        return self.feeds.get_feed(name)


#: Entries sorted at a time: one ``sorted()`` holds the GIL throughout (100,000 host names:
#: 36–55 ms on the bench machine, a stall for every check on other threads); runs of this size
#: take a few ms each and are merged lazily.
_RUN = 8192


def _sorted_runs(hosts: set[str]) -> list[tuple[str, ...]]:
    """``hosts`` as sorted tuples of at most :data:`_RUN` names (merge them for the order)."""
    it = iter(hosts)
    runs = []
    while run := tuple(itertools.islice(it, _RUN)):
        runs.append(tuple(sorted(run)))
    return runs


def _conflict(entry: Any, rule: Any) -> dict[str, str]:
    return {
        "feed": entry.name,
        "entry": entry.pattern,
        "rule": rule.pattern,
        "rule_name": rule.name,
        "message": f"“{entry.pattern}” có trong {entry.name} nhưng quy tắc cho phép "
        f"“{rule.pattern}” vẫn được áp dụng; hãy xem lại.",
        "message_en": f"“{entry.pattern}” is on {entry.name}, but the allow rule "
        f"“{rule.pattern}” still applies; please review.",
    }
