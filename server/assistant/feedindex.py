"""Threat-feed entries for the checker: compiled into the same rule index as curated rules.

A feed entry covers its host and every subdomain, as a curated host rule does, so it goes into
the checker's rule index as a deny host rule (``note`` ``feed:NAME``): a check then costs what
it costs with curated rules, whatever the number of entries (``bench/bench_feeds.py``). A
curated rule always decides over an entry: entries on the same host as a curated rule, and
entries that an allow host rule covers (where the more specific entry would otherwise win), are
left out of the index; the admin sees these clashes as conflicts. Where an allow rule is more
specific than an entry (``sub.x.vn`` allowed, ``x.vn`` in a feed) the index already lets the
allow rule win. A match answers ``denied`` with the reason "Có trong danh sách cảnh báo “NAME”".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..core.matching import FIELD_SEP
from ..core.messages import Reason, reason
from ..core.rules import Rule

__all__ = ["FeedIndex", "feed_reason"]


def feed_reason(name: str) -> Reason:
    """The reason of a feed match, in both languages (the same as a checked entry's)."""
    return reason("feed_listed", name=name)


class FeedIndex:
    """Host → feed for every active feed entry (the first feed by name wins a shared host).

    Kept lean for the garbage collector (a refresh must not stall checks): one dictionary of
    host → small int, and one record per feed; rules are built only when asked for."""

    __slots__ = ("_feeds", "_hosts", "size", "version")

    def __init__(self, rows: Iterable[tuple[str, str, str]] = (), version: int = 0) -> None:
        hosts: dict[str, int] = {}
        feeds: list[tuple[str, str, Reason, bytes]] = []
        numbers: dict[str, int] = {}
        for host, name, source in rows:
            number = numbers.get(name)
            if number is None:
                number = numbers[name] = len(feeds)
                tail = FIELD_SEP.join((name, "", "national", source, f"feed:{name}", "", "", ""))
                feeds.append((name, source, feed_reason(name), tail.encode("utf-8")))
            hosts.setdefault(host, number)
        self._hosts = hosts
        self._feeds = feeds
        self.size = len(hosts)
        self.version = version

    def _rule(self, host: str, number: int) -> tuple[Rule, Reason]:
        name, source, why, _ = self._feeds[number]
        return Rule(host, "deny", name, "", "national", source, f"feed:{name}"), why

    def lookup(self, host: str) -> tuple[Rule, Reason] | None:
        """The entry covering ``host`` (the host itself or a parent domain), or None."""
        hosts = self._hosts
        while True:
            number = hosts.get(host)
            if number is not None:
                return self._rule(host, number)
            dot = host.find(".")
            if dot < 0:
                return None
            host = host[dot + 1 :]

    def metas(self, curated: set[str], allow_hosts: set[str]) -> Iterator[bytes]:
        """Entries packed as deny rules for the checker's rule index, except those a curated
        rule must decide: the same host as a curated rule (allow or deny), or a host an allow
        host rule covers (in the index the more specific feed entry would win)."""
        tails = [f[3] for f in self._feeds]
        for host, number in self._hosts.items():
            if host in curated or _covered(host, allow_hosts):
                continue
            yield b"deny\x1f" + host.encode("ascii") + b"\x1f" + tails[number]

    def hosts(self) -> Iterable[str]:
        """Every entry host."""
        return self._hosts.keys()


def _covered(host: str, allow_hosts: set[str]) -> bool:
    """``host`` or one of its parent domains is an allow host pattern."""
    if host in allow_hosts:
        return True
    dot = host.find(".")
    while dot >= 0:
        host = host[dot + 1 :]
        if host in allow_hosts:
            return True
        dot = host.find(".")
    return False
