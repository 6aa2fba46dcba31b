"""Parsing threat lists: hosts files, plain domain lists and Adblock (``||domain^``) filters.

Each line is judged on its own: a bad line is counted and described (line number, plain words)
and never stops the parse. An entry is a host pattern in the checker's canonical form
(lowercase, punycode, no ``www.``). A shared platform itself (facebook.com, m.facebook.com,
blogspot.com, …), a public suffix or a URL shortener is refused: one feed line must not deny all
of Facebook. A user's site *on* a platform (``scam.weebly.com``) is kept: unlike a curated allow
rule, denying one such site is exactly what a threat list means. IP addresses are skipped
(the checker flags raw IPs as suspicious anyway).

Adblock lines other than a plain domain block (``||example.com^``, optionally with ``$``
options that do not restrict it to some sites) are not domain entries: exceptions (``@@``),
cosmetic filters (``##``), path or wildcard filters are counted as unsupported, not as errors.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core import InvalidRule
from ..core.domains import is_ip_host
from ..core.rules import PLATFORM_SUBDOMAINS, _refuse_namespace, canonical_pattern

__all__ = ["FORMATS", "BadLine", "ParsedFeed", "parse_feed"]

FORMATS = ("hosts", "domains", "abp")
#: Names hosts files map to themselves, never entries.
_HOSTS_NOISE = frozenset(
    (
        "localhost",
        "localhost.localdomain",
        "local",
        "broadcasthost",
        "ip6-localhost",
        "ip6-loopback",
        "ip6-localnet",
        "ip6-mcastprefix",
        "ip6-allnodes",
        "ip6-allrouters",
        "ip6-allhosts",
        "0.0.0.0",
    )
)
_ABP_DOMAIN = re.compile(r"\|\|([^\^/*|$]+)\^(?:\|)?(?:\$(.*))?")
_ABP_NARROWING = ("domain=", "denyallow=", "from=", "to=")
#: Bad lines described in a refresh's result (the rest are only counted).
MAX_DESCRIBED = 20


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that was not an entry: its number, the line (cut short) and why, in plain words."""

    line: int
    text: str
    message: str
    message_en: str


@dataclass(slots=True)
class ParsedFeed:
    """The entries of a feed, and what was left out."""

    hosts: set[str] = field(default_factory=set)
    bad: list[BadLine] = field(default_factory=list)
    bad_count: int = 0
    unsupported: int = 0

    def reject(self, number: int, text: str, vi: str, en: str) -> None:
        """Count a bad line (describing the first :data:`MAX_DESCRIBED`)."""
        self.bad_count += 1
        if len(self.bad) < MAX_DESCRIBED:
            self.bad.append(BadLine(number, text[:120], vi, en))


def _candidates(fmt: str, line: str, parsed: ParsedFeed) -> list[str] | None:
    """The host texts a line names ([] for a line to skip silently; None if unsupported)."""
    if fmt == "abp":
        if line.startswith(("!", "[")):
            return []
        match = _ABP_DOMAIN.fullmatch(line)
        if match is None:
            return None
        options = (match.group(2) or "").lower()
        if any(o in options for o in _ABP_NARROWING) or "badfilter" in options:
            return None
        return [match.group(1)]
    line = line.split("#", 1)[0].strip()
    if not line or (fmt == "domains" and line.startswith(("!", ";"))):
        return []
    words = line.split()
    if fmt == "hosts":
        if len(words) < 2 or not _is_address(words[0]):
            return ["\x00" + line]  # marked: not a hosts line
        return [w for w in words[1:] if w.lower() not in _HOSTS_NOISE]
    return words[:1] if len(words) == 1 else ["\x00" + line]


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return False
    return True


def _entry(text: str, platforms: frozenset[str]) -> str:
    """The canonical host of one candidate, or :class:`InvalidRule`."""
    if text.startswith("\x00"):
        raise InvalidRule("invalid_line", "Dòng không đúng định dạng.", "Not in the format.")
    text = text.strip().rstrip(".")
    if text.startswith("*."):
        text = text[2:]
    if "/" in text or "*" in text:
        raise InvalidRule(
            "invalid_line", "Có đường dẫn hoặc ký tự đại diện.", "Has a path or a wildcard."
        )
    pattern = canonical_pattern(text, force=True)
    _refuse_namespace(pattern, frozenset(), maybe_ip=False)  # public suffixes, shorteners
    first, _, rest = pattern.partition(".")
    if pattern in platforms or (first in PLATFORM_SUBDOMAINS and rest in platforms):
        raise InvalidRule(
            "platform_host",
            f"“{pattern}” là nền tảng dùng chung: không thể chặn cả nền tảng.",
            f"“{pattern}” is a shared platform: it cannot be denied as a whole.",
        )
    if "/" in pattern:
        raise InvalidRule("invalid_line", "Có đường dẫn.", "Has a path.")
    if is_ip_host(pattern):
        raise InvalidRule(
            "ip_address", "Là địa chỉ IP, không phải tên miền.", "An IP address, not a domain name."
        )
    return pattern


def parse_feed(lines: Iterable[str], fmt: str, platforms: frozenset[str]) -> ParsedFeed:
    """Parse ``lines`` of format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    parsed = ParsedFeed()
    for number, raw in enumerate(lines, 1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            texts = _candidates(fmt, line, parsed)
        except ValueError:
            texts = None
        if texts is None:
            parsed.unsupported += 1
            continue
        for text in texts:
            try:
                parsed.hosts.add(_entry(text, platforms))
            except InvalidRule as exc:
                parsed.reject(number, line, exc.message, exc.message_en)
    return parsed
