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

import idna
import tldextract

__all__ = ["SuffixList", "default_suffix_list", "is_ip_host"]


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


class SuffixList:
    """Public-suffix lookups on canonical lowercase ASCII hosts."""

    __slots__ = ("_exceptions", "_rules", "_tails", "_wild_parents", "registrable_domain")

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
        tails: set[str] = set()
        for rule in exact | wild_parents | exceptions:
            labels = rule.split(".")
            for i in range(len(labels)):
                tails.add(".".join(labels[i:]))
        self._rules = frozenset(exact)
        self._wild_parents = frozenset(wild_parents)
        self._exceptions = frozenset(exceptions)
        self._tails = frozenset(tails)
        # Bound per instance: hosts repeat heavily in real traffic.
        self.registrable_domain = functools.lru_cache(maxsize=cache_size)(self._registrable)

    def suffix_start(self, host: str) -> int:
        """Index in ``host`` where its public suffix starts (0 when the host is a suffix)."""
        rules, wild, exceptions, tails = (
            self._rules,
            self._wild_parents,
            self._exceptions,
            self._tails,
        )
        dot = host.rfind(".")
        start = dot + 1  # default rule "*": the last label is a suffix
        pos = start
        parent = ""
        while True:
            cand = host[pos:]
            if cand in exceptions:
                return host.find(".", pos) + 1
            if cand in rules or (parent and parent in wild):
                start = pos
            if cand not in tails or pos == 0:
                return start
            parent = cand
            dot = host.rfind(".", 0, pos - 1)
            pos = dot + 1

    def public_suffix(self, host: str) -> str:
        """The public suffix of a canonical host (``com.vn`` for ``a.b.com.vn``)."""
        return host[self.suffix_start(host) :]

    def is_public_suffix(self, host: str) -> bool:
        """True when the host itself is a public suffix (``gov.vn``, ``blogspot.com``)."""
        return self.suffix_start(host) == 0

    def _registrable(self, host: str) -> str:
        """The registrable domain (eTLD+1), ``""`` for a public suffix, the host for an IP."""
        if is_ip_host(host):
            return host
        start = self.suffix_start(host)
        if start == 0:
            return ""
        dot = host.rfind(".", 0, start - 1)
        return host[dot + 1 :]


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
