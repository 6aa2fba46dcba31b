"""Registrable domains and public suffixes of canonical hosts.

The data is the Public Suffix List snapshot bundled with tldextract, read once per process
offline (``suffix_list_urls=()``, no cache directory) with private suffixes counted, so a blog
on ``blogspot.com`` is its own registrable domain. tldextract keeps the list in Unicode form;
our hosts are canonical ASCII (punycode), so the rules are re-encoded once here and looked up
with plain set membership on string slices: that keeps a lookup well under a microsecond,
which the checking hot path needs (tldextract's own extractor costs several microseconds).

Unknown top-level labels follow the PSL's default rule ``*``: the last label is a suffix.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

import idna
import tldextract

if TYPE_CHECKING:
    from .matching import RuleIndex

__all__ = [
    "PSL_EXCEPTION",
    "PSL_RULE",
    "PSL_WILD",
    "SuffixList",
    "default_suffix_list",
    "is_ip_host",
]


def _to_ascii(suffix: str) -> str | None:
    """Encode one PSL rule (may hold ``*.`` or ``!``) to ASCII, or None if it cannot be."""
    if suffix.isascii():
        return suffix.lower()
    parts = []
    for label in suffix.split("."):
        if label == "*" or label.isascii():
            parts.append(label.lower())
            continue
        try:
            parts.append(idna.encode(label, uts46=True).decode("ascii"))
        except idna.IDNAError:
            return None
    return ".".join(parts)


#: How a suffix is listed (node flags of :class:`~.matching.RuleIndex`): a rule
#: (``com.vn``), the parent of a wildcard rule (``ck`` for ``*.ck``), an exception
#: (``www.ck`` for ``!www.ck``).
PSL_RULE: Final = 1
PSL_WILD: Final = 2
PSL_EXCEPTION: Final = 4


class SuffixList:
    """Public-suffix lookups on canonical lowercase ASCII hosts.

    The list's rules go into every :class:`~.matching.RuleIndex` (:meth:`flags`), whose
    suffix walk is the one implementation of the PSL algorithm: a check decides the rule and
    the registrable domain in one walk. The lookups here use a rule index of the suffixes
    alone, built on first use.
    """

    __slots__ = ("_index", "exceptions", "registrable_domain", "rules", "wild_parents")

    def __init__(self, rules: list[str], cache_size: int = 1 << 16) -> None:
        exact: set[str] = set()
        wild_parents: set[str] = set()
        exceptions: set[str] = set()
        for raw in rules:
            rule = _to_ascii(raw.strip())
            if not rule:
                continue
            if rule.startswith("!"):
                exceptions.add(rule[1:])
            elif rule.startswith("*."):
                wild_parents.add(rule[2:])
            else:
                exact.add(rule)
        #: ``com.vn`` for the rule ``com.vn``
        self.rules = frozenset(exact)
        #: ``ck`` for the rule ``*.ck``
        self.wild_parents = frozenset(wild_parents)
        #: ``www.ck`` for the rule ``!www.ck``
        self.exceptions = frozenset(exceptions)
        self._index: RuleIndex | None = None
        # Bound per instance: hosts repeat heavily in real traffic.
        self.registrable_domain: Callable[[str], str] = functools.lru_cache(maxsize=cache_size)(
            self._registrable
        )

    def flags(self) -> Iterator[tuple[str, int]]:
        """Every listed suffix with its flag (:data:`PSL_RULE`, :data:`PSL_WILD`,
        :data:`PSL_EXCEPTION`; a suffix may come more than once)."""
        for suffix in self.rules:
            yield suffix, PSL_RULE
        for suffix in self.wild_parents:
            yield suffix, PSL_WILD
        for suffix in self.exceptions:
            yield suffix, PSL_EXCEPTION

    def _suffixes_index(self) -> RuleIndex:
        index = self._index
        if index is None:
            from .matching import RuleIndex  # the index reads this module first

            index = self._index = RuleIndex((), self)
        return index

    def suffix_start(self, host: str) -> int:
        """Index in ``host`` where its public suffix starts (0 when the host is a suffix)."""
        return self._suffixes_index().walk(host)[0]

    def public_suffix(self, host: str) -> str:
        """The public suffix of a canonical host (``com.vn`` for ``a.b.com.vn``)."""
        return host[self.suffix_start(host) :]

    def is_public_suffix(self, host: str) -> bool:
        """True when the host itself is a public suffix (``gov.vn``, ``blogspot.com``)."""
        return self.suffix_start(host) == 0

    def _registrable(self, host: str) -> str:
        """The registrable domain (eTLD+1), ``""`` for a public suffix, the host for an IP."""
        return self._suffixes_index().domain(host)


def is_ip_host(host: str) -> bool:
    """True for a canonical IPv4 (dotted decimal) or bracketed IPv6 host."""
    if host.startswith("["):
        return True
    last = host[host.rfind(".") + 1 :]
    if not last.isdigit():
        return False
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


@functools.cache
def default_suffix_list() -> SuffixList:
    """The process-wide suffix list from tldextract's bundled snapshot (no network)."""
    extractor = tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )
    return SuffixList(list(extractor.tlds))
