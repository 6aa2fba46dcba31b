"""Redirect wrappers: find the real target hidden in a link-shim URL, offline.

The table of wrappers is data (``sources/wrappers.csv``, see :class:`~server.core.tables.Wrapper`).
This module compiles it and finds the target a wrapper hides, parsed (a :class:`Hop`); the
checker repeats the unwrapping while targets are wrappers themselves and reports the chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from .domains import SuffixList
from .errors import InvalidURL
from .tables import Wrapper
from .urls import URL, parse_url

__all__ = ["Hop", "Unwrapper"]


class Hop(NamedTuple):
    """One redirect wrapper unwrapped: the wrapper's host and the link it hid, parsed."""

    via: str
    url: URL


_AMP_KINDS = ("c/", "v/", "i/")
#: A host's wrappers (most specific path first), their exact paths (with and without a
#: trailing ``/``) and their path prefixes (a path ending in ``*``).
_HostWrappers = tuple[list["Wrapper"], frozenset[str], tuple[str, ...]]


class Unwrapper:
    """Compiled wrapper table: which hosts wrap, and how to get their targets."""

    __slots__ = ("_brands", "_candidates", "_exact", "_suffix", "_suffixes")

    def __init__(self, wrappers: Iterable[Wrapper], suffixes: SuffixList) -> None:
        self._exact: dict[str, list[Wrapper]] = {}
        self._suffix: dict[str, list[Wrapper]] = {}
        self._brands: dict[str, list[Wrapper]] = {}
        self._suffixes = suffixes
        for w in wrappers:
            if w.host.startswith("*."):
                self._suffix.setdefault(w.host[2:], []).append(w)
            elif w.host.endswith(".*"):
                self._brands.setdefault(w.host[:-2], []).append(w)
            else:
                self._exact.setdefault(w.host, []).append(w)
        for table in (self._exact, self._suffix, self._brands):
            for entries in table.values():
                entries.sort(key=lambda w: len(w.path), reverse=True)
        # per host, with the paths they wrap (wrapper hosts such as facebook.com carry most
        # links, few of them through a wrapper path; cleared when full)
        self._candidates: dict[tuple[str, str], _HostWrappers] = {}

    @property
    def exact_hosts(self) -> list[str]:
        """Hosts that are wrappers themselves."""
        return list(self._exact)

    @property
    def brands(self) -> list[str]:
        """Labels wrapped on every public suffix (``google`` for ``google.*``)."""
        return list(self._brands)

    @property
    def suffix_hosts(self) -> list[str]:
        """Suffixes whose every subdomain is a wrapper."""
        return list(self._suffix)

    def is_brand_wrapper(self, host: str, domain: str) -> bool:
        """True for ``google.*``-style wrappers: ``www.google.com.vn`` etc."""
        if not self._brands:
            return False
        label = domain.partition(".")[0]
        if label not in self._brands:
            return False
        return host == domain or host.partition(".")[2] == domain

    def candidates(self, host: str, domain: str) -> list[Wrapper]:
        """Wrappers that may apply to ``host`` (most specific path first); the list is
        shared (memoised per host): read it, never change it."""
        return self._for_host(host, domain)[0]

    def paths(self, host: str, domain: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """The paths ``host``'s wrappers hide links behind: exact paths (with and without a
        trailing ``/``) and prefixes. A URL on another path wraps nothing."""
        found = self._for_host(host, domain)
        return found[1], found[2]

    def _for_host(self, host: str, domain: str) -> _HostWrappers:
        key = (host, domain)
        found = self._candidates.get(key)
        if found is None:
            if len(self._candidates) >= 1 << 14:
                self._candidates.clear()
            wrappers = self._find_candidates(host, domain)
            exact = frozenset(
                p
                for w in wrappers
                if not w.path.endswith("*")
                for p in (w.path, w.path.rstrip("/"))
            )
            prefixes = tuple(w.path[:-1] for w in wrappers if w.path.endswith("*"))
            found = self._candidates[key] = (wrappers, exact, prefixes)
        return found

    def _find_candidates(self, host: str, domain: str) -> list[Wrapper]:
        found = list(self._exact.get(host, ()))
        dot = host.find(".")
        while dot >= 0:
            found.extend(self._suffix.get(host[dot + 1 :], ()))
            dot = host.find(".", dot + 1)
        if self.is_brand_wrapper(host, domain):
            found.extend(self._brands[domain.partition(".")[0]])
        return found

    def unwrap(self, url: URL, domain: str) -> Hop | None:
        """The link hidden in ``url`` (a URL on ``domain``), parsed, or None when it wraps
        nothing. Raises :class:`InvalidURL`, naming the wrapper, when what it hides is not a
        web address."""
        found = self.target(url, domain)
        if found is None:
            return None
        target, via = found
        try:
            return Hop(via, parse_url(target))
        except InvalidURL as exc:
            raise InvalidURL(
                exc.code,
                f"Liên kết chuyển hướng qua {via} trỏ tới một địa chỉ không phải trang web: "
                f"{exc.message}",
                f"The link redirects through {via} to something that is not a web page: "
                f"{exc.message_en}",
            ) from exc

    def target(self, url: URL, domain: str) -> tuple[str, str] | None:
        """``(target, wrapper_host)`` hidden in ``url``, as written, or None."""
        wrappers, exact, prefixes = self._for_host(url.host, domain)
        path = url.path
        if path not in exact and path.rstrip("/") not in exact and not path.startswith(prefixes):
            return None  # no wrapper path: most links on facebook.com
        for w in wrappers:
            if w.path.endswith("*"):
                prefix = w.path[:-1]
                if not url.path.startswith(prefix):
                    continue
            elif url.path != w.path and url.path.rstrip("/") != w.path.rstrip("/"):
                continue
            found = _extract(w, url)
            if found:
                return found, url.host
        return None


def _decoded(value: str) -> str:
    """A target escaped twice (``https%3A%2F%2F…``, as copying through other tools leaves
    it) unescaped until it reads as a web address."""
    for _ in range(3):
        if not value[:8].lower().startswith(("http%3a", "https%3a")):
            break
        value = unquote(value)
    return value


def _extract(w: Wrapper, url: URL) -> str | None:
    if w.kind == "query":
        params = dict(parse_qsl(url.query, keep_blank_values=False))
        for name in w.param.split("|"):
            value = params.get(name, "").strip()
            if value:
                return _decoded(value)
        return None
    query = f"?{url.query}" if url.query else ""
    if w.kind == "path":
        rest = url.path[len(w.path) - 1 :]
        return f"{w.param}://{rest}{query}" if rest.strip("/") else None
    rest = url.path[1:]  # ampcache: /c/s/host/path
    if not rest.startswith(_AMP_KINDS):
        return None
    rest = rest[2:]
    scheme = "http"
    if rest.startswith("s/"):
        scheme, rest = "https", rest[2:]
    return f"{scheme}://{rest}{query}" if rest else None
