"""Matching threat-feed entries: a host dictionary walked by suffix, applied after the rules.

A feed entry covers its host and every subdomain (as a curated host rule does). It decides
only where no curated rule did: a curated allow rule is never overridden (that clash is shown
to the admin as a conflict instead), and a curated deny rule keeps its own name. A match turns
the verdict to ``denied`` with the reason "Có trong danh sách cảnh báo “NAME”", and the rule
of the response names the feed (``note`` ``feed:NAME``).

Cost: one dictionary lookup per label of the host, whatever the number of entries, and only
for URLs no rule decided (see ``bench/bench_feeds.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.messages import ADVICE, Reason
from ..core.rules import Rule

__all__ = ["FeedIndex", "feed_reason"]

_DENIED_ADVICE = ADVICE["denied"]
_DROP = frozenset(("not_listed",))


def feed_reason(name: str) -> Reason:
    """The reason of a feed match, in both languages."""
    return Reason("feed_listed", f"Có trong danh sách cảnh báo “{name}”.",
                  f"On the warning list “{name}”.")


class FeedIndex:
    """Host → (entry rule, reason) for every active feed entry (first feed by name wins)."""

    __slots__ = ("_hosts", "size", "version")

    def __init__(self, rows: Iterable[tuple[str, str, str]] = (), version: int = 0) -> None:
        hosts: dict[str, tuple[Rule, Reason]] = {}
        shared: dict[str, tuple[Reason, str, str]] = {}
        for host, name, source in rows:
            if host in hosts:
                continue
            info = shared.get(name)
            if info is None:
                info = shared[name] = (feed_reason(name), name, source)
            hosts[host] = (Rule(host, "deny", info[1], "", "national", info[2],
                                f"feed:{info[1]}"), info[0])
        self._hosts = hosts
        self.size = len(hosts)
        self.version = version

    def lookup(self, host: str) -> tuple[Rule, Reason] | None:
        """The entry covering ``host`` (the host itself or a parent domain), or None."""
        hosts = self._hosts
        hit = hosts.get(host)
        if hit is not None:
            return hit
        dot = host.find(".")
        while dot >= 0:
            host = host[dot + 1:]
            hit = hosts.get(host)
            if hit is not None:
                return hit
            dot = host.find(".")
        return None

    def apply(self, result: Any) -> Any:
        """``result`` turned ``denied`` when a feed lists its host and no rule decided it."""
        if result.rule is not None:
            return result
        hit = self.lookup(result.host)
        if hit is None:
            return result
        rule, why = hit
        kept = tuple(r for r in result.reasons if r.code not in _DROP)
        return result._replace(verdict="denied", reasons=(why, *kept), rule=rule,
                               advice=_DENIED_ADVICE)

    def hosts(self) -> Iterable[str]:
        """Every entry host."""
        return self._hosts.keys()
