"""The compiled rule index: one dictionary walk per host decides the rule and the domain.

Every key of the index is a host suffix (``vn``, ``gov.vn``, ``baochinhphu.vn``, …). Values
carry, for that suffix, what matters to a check: Public Suffix List flags, the host rule, the
path rules, and whether the host is a redirect wrapper or a URL shortener. Checking a host
walks its suffixes from the right (``vn`` → ``baochinhphu.vn`` → ``x.baochinhphu.vn``) and
stops at the first suffix that is not a key: so a check costs one dictionary lookup per
label, whatever the number of rules (1,000 or 1,000,000).

To stay lean with a million rules, a host rule is stored as one UTF-8 ``bytes`` value (its
fields joined by ``\\x1f``: half the size of a ``str`` holding Vietnamese text), a suffix with
only flags as a small int, and only nodes that need more as a tuple of those. Path rules live
in a dictionary of their own (host → path → rule), which a node names by its host: so the
index, its nodes and the per-host cache hold only ``str``, ``bytes``, ``int``, ``None`` and
tuples of them, which CPython's cyclic garbage collector stops tracking. A full collection
then never walks the index, whatever its size (a tuple holding a ``dict``, even an empty
one, would stay tracked and keep every container holding it tracked: the whole index).

Semantics (product contract): a host pattern covers the host and every subdomain; a path
pattern covers the host and its platform subdomains (``m.``, ``www.``, …) when the path starts
with the prefix at a segment boundary (case-insensitive); the most specific rule wins (longer
host, then path over host, then longer path); on an exact tie ``deny`` wins.

Facebook ignores dots in page and profile names (``facebook.com/bao.chinhphu`` is the page
``baochinhphu``), so on facebook.com the first path segment is compared without dots, in
patterns and URLs alike (:func:`page_key`); endpoints such as ``profile.php`` keep theirs. A
page without a username is ``/profile.php?id=<number>``: that pattern matches the URL's ``id``
query parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final, cast

from .domains import PSL_EXCEPTION, PSL_RULE, PSL_WILD, SuffixList, is_ip_host
from .packed import FIELD_SEP, pack_rule, packed_pattern, unpack_rule
from .rules import PLATFORM_SUBDOMAINS, Rule, split_pattern

__all__ = [
    "DOTLESS_PAGES",
    "FIELD_SEP",
    "HostInfo",
    "RuleIndex",
    "decide",
    "meta_to_rule",
    "page_key",
    "rule_to_meta",
]

#: "mypyc" when this module runs compiled (``make compile``), else "pure Python".
IMPLEMENTATION: Final = "pure Python" if __file__.endswith(".py") else "mypyc"
#: Platforms whose page names ignore dots (and case): ``john.smith`` is ``johnsmith``.
DOTLESS_PAGES: Final = frozenset(("facebook.com",))


def page_key(path: str, query: str = "") -> str:
    """A Facebook path as Facebook reads it: the first segment without dots
    (``/Bao.ChinhPhu/posts`` → ``/BaoChinhPhu/posts``), except ``*.php`` endpoints;
    ``/profile.php`` with ``id=N`` in the query is ``/profile.php?id=N``."""
    if query and path.lower() == "/profile.php":
        for item in query.split("&"):
            if item[:3] == "id=" and item[3:].isdigit():
                return f"/profile.php?id={int(item[3:])}"
        return path
    end = path.find("/", 1)
    first = path[1:end] if end > 0 else path[1:]
    if "." not in first or first.lower().partition("?")[0].endswith(".php"):
        return path
    return "/" + first.replace(".", "") + (path[end:] if end > 0 else "")


# Node flags (small ints are shared objects in CPython: no memory per node); the Public
# Suffix List's three (PSL_RULE, PSL_WILD, PSL_EXCEPTION: 1, 2, 4) come from .domains.
WRAPPER: Final = 8  # the host itself is a redirect wrapper
WRAPPER_SUB: Final = 16  # any subdomain of this suffix is a wrapper
SHORTENER: Final = 32
SPECIAL: Final = WRAPPER | SHORTENER
_PLATFORM_SUBS: Final = frozenset(PLATFORM_SUBDOMAINS)
_SEEN_SLOTS: Final = 1 << 17


#: Packing is :mod:`.packed`'s; the old names stay for callers of this module.
rule_to_meta = pack_rule
meta_to_rule = unpack_rule


def _prefer(old: bytes | None, new: bytes) -> bytes:
    """Same pattern on both lists: deny wins; same list twice: the later one."""
    if old is None or old[:1] == new[:1]:
        return new
    return old if old[:1] == b"d" else new


#: A suffix's node when it needs more than a flags ``int`` or a host rule's ``bytes``:
#: ``(flags, host rule or None, the key of its path rules in RuleIndex.paths — the suffix
#: itself — or None)``. A plain tuple on purpose, not a NamedTuple: CPython's collector
#: untracks exact tuples of atoms, never instances of a tuple subclass, and one tracked node
#: would keep the whole index dictionary tracked (see the module docstring).
Node = tuple[int, bytes | None, str | None]
#: What the index maps a suffix to.
Value = int | bytes | Node
#: The nodes holding rules on a host's suffix walk, deepest first, linked:
#: ``(suffix start in the host, host rule, path rules' key or None, next hit or None)``.
#: (The link is typed ``object``: mypyc cannot compile a recursive alias.)
Hit = tuple[int, bytes | None, str | None, object]
#: ``(domain, deciding rule, path hits, special flags)`` for a host.
HostInfo = tuple[str, bytes | None, Hit | None, int]


class RuleIndex:
    """Host-suffix index over rules, PSL, wrappers and shorteners.

    Index values are a flags ``int``, a host rule's packed ``bytes``, or a :data:`Node`;
    ``paths`` maps a host to its path rules (see the module docstring). The code is typed for
    mypyc (``make compile``); the same source runs uncompiled when no compiler is present.
    """

    __slots__ = (
        "_bits",
        "_brands",
        "_cache",
        "_cache_size",
        "_d",
        "_fresh",
        "_mask",
        "_seen",
        "cache_get",
        "count",
        "paths",
    )

    def __init__(
        self,
        rules: Iterable[Rule | bytes],
        suffixes: SuffixList,
        wrapper_hosts: Iterable[str] = (),
        wrapper_suffixes: Iterable[str] = (),
        shorteners: Iterable[str] = (),
        wrapper_brands: Iterable[str] = (),
        cache_size: int = 1 << 16,
        filter_from: int = 1 << 18,
    ) -> None:
        self._d: dict[str, Value] = {}
        #: host → path → packed rule (out of ``_d``, so that ``_d`` holds no ``dict``).
        self.paths: dict[str, dict[str, bytes]] = {}
        self._brands: frozenset[str] = frozenset(wrapper_brands)
        # Memoised per host (hosts repeat far more than URLs do); a plain dict is the
        # cheapest cache to hit, cleared when full. Safe under the GIL.
        self._cache: dict[str, HostInfo] = {}
        self._cache_size: int = cache_size
        self.cache_get = self._cache.get  # for the uncompiled hot path: no call frame
        # Doorkeeper of the cache: a host is cached on its second sighting. One-off hosts
        # (most hosts of a stream of new links) then cost no cache insertion; a slot of
        # this byte array marks hosts seen once (collisions only cache a host early).
        self._seen: bytearray = bytearray(_SEEN_SLOTS)
        self._fresh: int = 0
        for suffix, flag in suffixes.flags():
            self._flag(suffix, flag)
        for host in wrapper_hosts:
            self._flag(host, WRAPPER)
        for host in wrapper_suffixes:
            self._flag(host, WRAPPER_SUB)
        for host in shorteners:
            self._flag(host, SHORTENER)
        count = 0
        for item in rules:
            self._add(item if isinstance(item, bytes) else rule_to_meta(item))
            count += 1
        self.count: int = count
        # Past the CPU caches (a million rules), a lookup of a suffix that is not in the index
        # costs a few memory reads of the dictionary's table; a filter of 8 bits per key
        # (one bit per key set, as a one-hash Bloom filter) answers most of those from 1/32
        # of the memory. Small indexes (under ``filter_from`` keys) fit the caches and skip it.
        self._mask: int = 0
        self._bits: bytearray = bytearray()
        if len(self._d) >= filter_from:
            size = 1 << max(len(self._d) * 8 - 1, 7).bit_length()
            bits = bytearray(size >> 3)
            mask = size - 1
            for key in self._d:
                h = hash(key) & mask
                bits[h >> 3] |= 1 << (h & 7)
            self._bits, self._mask = bits, mask

    def _tails(self, host: str) -> None:
        d = self._d
        dot = host.find(".")
        while dot >= 0:
            tail = host[dot + 1 :]
            if tail in d:
                break
            d[tail] = 0
            dot = host.find(".", dot + 1)

    def _flag(self, host: str, flag: int) -> None:
        v = self._d.get(host)
        if v is None:
            self._d[host] = flag
        elif isinstance(v, int):
            self._d[host] = v | flag
        elif isinstance(v, bytes):
            self._d[host] = (flag, v, None)
        else:
            self._d[host] = (v[0] | flag, v[1], v[2])
        self._tails(host)

    def _add(self, meta: bytes) -> None:
        d = self._d
        host, path = split_pattern(packed_pattern(meta))
        if path and host in DOTLESS_PAGES:
            path = page_key(path)
        v = d.get(host)
        if not path:
            if v is None:
                d[host] = meta
            elif isinstance(v, int):
                d[host] = (v, meta, None) if v else meta
            elif isinstance(v, bytes):
                d[host] = _prefer(v, meta)
            else:
                d[host] = (v[0], _prefer(v[1], meta), v[2])
        else:
            if v is None or isinstance(v, int):
                flags, host_rule = (v or 0), None
            elif isinstance(v, bytes):
                flags, host_rule = 0, v
            else:
                flags, host_rule = v[0], v[1]
            paths = self.paths.get(host)
            if paths is None:
                paths = self.paths[host] = {}
            paths[path] = _prefer(paths.get(path), meta)
            d[host] = (flags, host_rule, host)
        self._tails(host)

    def metas(self) -> Iterator[bytes]:
        """Every compiled rule, packed (the winner when a pattern was on both lists)."""
        for v in self._d.values():
            if isinstance(v, bytes):
                yield v
            elif not isinstance(v, int):
                if v[1] is not None:
                    yield v[1]
                if v[2] is not None:
                    yield from self.paths[v[2]].values()

    def host_info(self, host: str) -> HostInfo:
        """:meth:`_host_info`, memoised for hosts seen before."""
        slot = hash(host) & (_SEEN_SLOTS - 1)
        if self._seen[slot]:
            cache = self._cache
            info = cache.get(host)
            if info is None:
                info = self._host_info(host)
                if len(cache) >= self._cache_size:
                    cache.clear()
                cache[host] = info
            return info
        self._seen[slot] = 1
        self._fresh += 1
        if self._fresh >= _SEEN_SLOTS >> 2:  # a quarter full: forget who was seen once
            self._fresh = 0
            self._seen = bytearray(_SEEN_SLOTS)
        return self._host_info(host)

    def lookup(self, host: str, path: str) -> bytes | None:
        """The packed rule deciding ``host`` + ``path``, or None."""
        _, meta, hits, _ = self.host_info(host)
        return meta if hits is None else decide(host, path, hits, "", self.paths)

    def walk(self, host: str) -> tuple[int, Hit | None, int]:
        """``(suffix_start, hits, special_flags)`` for a canonical host.

        ``suffix_start`` is where the public suffix starts in ``host`` (0: the host is a
        public suffix); ``hits`` links the nodes holding rules, deepest first;
        ``special_flags`` has ``WRAPPER``/``SHORTENER`` bits for the host.
        """
        d = self._d
        mask = self._mask
        bits = self._bits
        pos = len(host)
        suffix_start = host.rfind(".") + 1
        prev = 0
        special = 0
        hits: Hit | None = None
        while True:
            dot = host.rfind(".", 0, pos)
            start = dot + 1
            key = host[start:]
            if mask:
                h = hash(key) & mask
                v = d.get(key) if bits[h >> 3] & (1 << (h & 7)) else None
            else:
                v = d.get(key)
            if v is None:
                if prev & PSL_WILD:
                    suffix_start = start
                break
            f: int
            if isinstance(v, int):
                f = v
            elif isinstance(v, bytes):
                f = 0
                hits = (start, v, None, hits)
            else:
                f = v[0]
                hits = (start, v[1], v[2], hits)
            if f:
                if f & PSL_EXCEPTION:
                    suffix_start = pos + 1
                elif f & PSL_RULE or prev & PSL_WILD:
                    suffix_start = start
                if f & SPECIAL and start == 0:
                    special |= f & SPECIAL
                elif f & WRAPPER_SUB and start > 0:
                    special |= WRAPPER
            elif prev & PSL_WILD:
                suffix_start = start
            prev = f
            if dot < 0:
                break
            pos = dot
        return suffix_start, hits, special

    def domain(self, host: str) -> str:
        """The registrable domain of a canonical host: ``""`` for a public suffix, the host
        itself for an IP address (what :class:`~.domains.SuffixList` answers with)."""
        return _domain(host, self.walk(host)[0])

    def _host_info(self, host: str) -> HostInfo:
        """``(domain, rule_meta, path_hits, special)`` for a canonical host.

        ``rule_meta`` is the deciding rule when no path rule can apply on this host;
        otherwise ``path_hits`` is given and the path decides (:func:`decide`).
        """
        start, hits, special = self.walk(host)
        domain = _domain(host, start)
        brands = self._brands
        if brands:
            dot = domain.find(".")
            if (domain[:dot] if dot >= 0 else domain) in brands and (
                host == domain or host[host.find(".") + 1 :] == domain
            ):
                special |= WRAPPER
        if hits is None:
            return domain, None, None, special
        if hits[3] is None and not hits[2]:  # one host rule: it decides
            return domain, hits[1], None, special
        node: object = hits
        while node is not None:
            hit = cast(Hit, node)
            if hit[2]:
                return domain, None, hits, special
            node = hit[3]
        return domain, decide(host, "", hits, "", self.paths), None, special


def _domain(host: str, suffix_start: int) -> str:
    if host and host[-1] in "0123456789]" and is_ip_host(host):
        return host
    if suffix_start == 0:
        return ""
    return host[host.rfind(".", 0, suffix_start - 1) + 1 :]


def decide(
    host: str, path: str, hits: Hit | None, query: str, paths_of: dict[str, dict[str, bytes]]
) -> bytes | None:
    """The most specific rule among the hits (deepest host first); ``paths_of`` is the
    index's :attr:`RuleIndex.paths`."""
    node: object = hits
    while node is not None:
        start, host_rule, key, node = cast(Hit, node)
        if key is not None and (start == 0 or host[: start - 1] in _PLATFORM_SUBS):
            meta = _match_path(
                page_key(path, query) if key in DOTLESS_PAGES else path, paths_of[key]
            )
            if meta is not None:
                return meta
        if host_rule is not None:
            return host_rule
    return None


def _match_path(path: str, paths: dict[str, bytes]) -> bytes | None:
    p = path.lower().rstrip("/")
    while p:
        meta = paths.get(p)
        if meta is not None:
            return meta
        p = p[: p.rfind("/")]
    return None
