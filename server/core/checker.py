"""The embeddable checker: URL in, verdict with reasons, rule, chain and advice out.

``Checker(allow=…, deny=…)`` compiles the rules once; ``check(url)`` is pure and thread-safe
(it only reads the compiled index) and raises :class:`InvalidURL` for what is not a web
address. Every check is one pipeline, each step once: parse (:func:`.urls.parse_url`, or
the inline hot path for the plain shape) → unwrap redirect wrappers (typed hops, :class:`.Hop`,
hosts parsed) → match (:class:`.RuleIndex`) → look for imitations (a :class:`LookalikeFinder`)
→ judge (:meth:`Checker._judge`, which makes every result but the hot path's two plain
ones: a listed host, an unlisted one without a detector). Results are
:class:`CheckResult` named tuples: immutable like a frozen dataclass, but several times
cheaper to build, which matters on the hot path (a check costs about as much as one call
into Brave's Rust ad-block engine; see ``bench/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Final, NoReturn
from urllib.parse import unquote

from .domains import SuffixList, default_suffix_list, is_ip_host
from .errors import InvalidURL
from .lookalike_finder import LookalikeFinder, LookalikeMemo, lookalike_detector
from .matching import IMPLEMENTATION, SHORTENER, WRAPPER, HostInfo, RuleIndex, decide
from .messages import ADVICE, Reason, reason
from .packed import unpack_rule
from .results import CheckResult, Imitates
from .results import listed as _listed
from .rules import Rule, canonical_pattern
from .tables import Tables, default_tables
from .urls import MAX_URL_LENGTH, PLAIN_URL, URL, canonical_host, parse_url
from .wrappers import Hop, Unwrapper

__all__ = ["CheckResult", "Checker", "Imitates", "LookalikeFinder", "lookalike_detector"]

MAX_UNWRAP: Final = 10
_new: Final = tuple.__new__  # builds a NamedTuple without a Python-level __new__ frame


# Typed as variable-length tuples: mypyc keeps a fixed-length one unboxed and would box a
# new copy into every result (the JSON memo keys on these shared objects).
_NOT_LISTED: Final[tuple[Reason, ...]] = (reason("not_listed"),)
_IP_HOST: Final[tuple[Reason, ...]] = (reason("ip_address_host"),)
_A_OFF: Final = ADVICE["official"]
_A_DEN: Final = ADVICE["denied"]
_A_SUS: Final = ADVICE["suspicious"]
_A_UNK: Final = ADVICE["unknown"]
# Imported objects used on the hot path, bound as Final so that compiled code reads them
# from C statics instead of the module dictionary.
_HOST_CHARS: Final = "abcdefghijklmnopqrstuvwxyz0123456789-._"
_DIGITS: Final = "0123456789"
_IP_ENDS: Final = "0123456789]"
_COMPILED: Final = IMPLEMENTATION == "mypyc"
_MAX_URL: Final = MAX_URL_LENGTH
_PLAIN_URL: Final = PLAIN_URL
_RESULT: Final = CheckResult
_NO_HOPS: Final[tuple[Hop, ...]] = ()


class Checker:
    """Checks URLs against allow and deny lists, offline and without a database."""

    def __init__(
        self,
        allow: Iterable[str | Rule] = (),
        deny: Iterable[str | Rule] = (),
        *,
        rules: Iterable[Rule | bytes] = (),
        tables: Tables | None = None,
        suffixes: SuffixList | None = None,
        lookalike: LookalikeFinder | bool | None = None,
        version: int = 0,
        force: bool = False,
    ) -> None:
        """Compile the rules.

        ``allow``/``deny`` take pattern strings or :class:`Rule` objects; ``rules`` takes
        already validated rules (or their packed form) from a store. Host-only patterns on
        shared platforms are refused unless ``force``. ``lookalike=True`` builds the default
        detector from the allow list; pass a detector object to share one.
        """
        self.tables = tables if tables is not None else default_tables()
        self.suffixes = suffixes if suffixes is not None else default_suffix_list()
        self.version = version
        self._unwrapper = Unwrapper(self.tables.wrappers, self.suffixes)
        # host -> the paths its wrappers use (most links on a wrapper host such as
        # facebook.com wrap nothing, and are told so here without calling the unwrapper)
        self._wrap_paths: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        given = [self._rule(r, "allow", force) for r in allow]
        given += [self._rule(r, "deny", force) for r in deny]
        self._index = RuleIndex(
            _chain(given, rules),
            self.suffixes,
            wrapper_hosts=self._unwrapper.exact_hosts,
            wrapper_suffixes=self._unwrapper.suffix_hosts,
            shorteners=self.tables.shorteners,
            wrapper_brands=self._unwrapper.brands,
        )
        if lookalike is True:
            lookalike = lookalike_detector((r.pattern, r.name) for r in given if r.list == "allow")
        self._lookalike: LookalikeFinder | None = None
        self._memo: LookalikeMemo | None = None
        self.set_lookalike(lookalike or None)

    @property
    def lookalike(self) -> LookalikeFinder | None:
        """The lookalike detector in use (its data goes to offline clients), or None."""
        return self._lookalike

    def set_lookalike(self, detector: LookalikeFinder | None) -> None:
        """Use ``detector`` for unlisted URLs (built after the rules were streamed in)."""
        self._lookalike = detector
        self._memo = LookalikeMemo(detector) if detector is not None else None

    def _rule(self, item: str | Rule, list_: str, force: bool) -> Rule:
        if isinstance(item, Rule):
            return item
        return Rule(canonical_pattern(item, force=force, platforms=self.tables.platforms), list_)

    def rules(self) -> Iterator[Rule]:
        """Every compiled rule (for snapshots and exports)."""
        return (unpack_rule(m) for m in self._index.metas())

    @property
    def rule_count(self) -> int:
        """How many rules were compiled."""
        return self._index.count

    def check(self, url: object) -> CheckResult:
        """The verdict for ``url``; raises :class:`InvalidURL` if it is not a web address
        (anything but a ``str`` included).

        The common shape (lowercase ASCII host, plain path) is parsed inline: this is the
        hot path, kept in one function on purpose (in pure Python each call costs as much
        as a dictionary lookup; compiled with mypyc when ``make compile`` could build it).
        Everything else goes through :func:`parse_url` (:meth:`_check_url`).
        """
        if not isinstance(url, str):
            _refuse_non_text(url)
        # The common shape: http(s)://host/path?query#fragment with a plain lowercase host
        # that is no IP address, a path without escapes, dot segments or doubled slashes,
        # printable ASCII. What passes is canonical as written (the same as parse_url's
        # result); anything else takes the general path. Uncompiled, urls.PLAIN_URL and the
        # tests of urls.plain_enough (inlined) read it fastest; compiled, a few string scans
        # do (stricter: hosts of at most 63 characters). tests/unit/test_native.py holds
        # both to the general path.
        if not _COMPILED:
            m = _PLAIN_URL(url)
            if m is None:
                return self._check_url(url, parse_url(url))
            scheme, host, path, query, frag = m.groups()
            if (
                "--" in host
                or "." not in host
                or path is None
                or "/." in path
                or "//" in path
                or len(url) > _MAX_URL
                or len(host) > 253
            ):
                return self._check_url(url, parse_url(url))
            canonical = url if frag is None else url[: m.start(5)]
            query = query[1:] if query else ""
            info = self._index.cache_get(host)
            if info is None:
                info = self._index.host_info(host)
        else:
            if url.startswith("https://"):
                scheme, hs = "https", 8
            elif url.startswith("http://"):
                scheme, hs = "http", 7
            else:
                return self._check_url(url, parse_url(url))
            slash = url.find("/", hs)
            host = url[hs:slash]
            if (
                slash < 0
                or len(url) > _MAX_URL
                or not host
                or len(host) > 63
                or host.strip(_HOST_CHARS)
                or host[0] == "."
                or host[-1] == "."
                or "." not in host
                or ".." in host
                or "--" in host
                or host[host.rfind(".") + 1] in _DIGITS
            ):
                return self._check_url(url, parse_url(url))
            end = url.find("#", slash)
            if end < 0:
                end = len(url)
                canonical = url
            else:
                canonical = url[:end]
            q = url.find("?", slash, end)
            tail = url[slash:end]
            path = tail if q < 0 else url[slash:q]
            if (
                not tail.isascii()
                or not tail.isprintable()
                or " " in tail
                or "%" in path
                or "\\" in path
                or "/." in path
                or "//" in path
            ):
                return self._check_url(url, parse_url(url))
            query = "" if q < 0 else url[q + 1 : end]
            info = self._index.host_info(host)
        domain, meta, hits, special = info
        if special and (special != WRAPPER or self._may_wrap(host, domain, path)):
            # (a NamedTuple built without its Python-level __new__, as results are)
            return self._check_url(url, _new(URL, (canonical, scheme, host, None, path, query, "")))
        if hits is not None:
            meta = decide(host, path, hits, query, self._index.paths)
        # The two outcomes that need no judgement are built here, as _judge builds them (a
        # call costs 5-10% of a check in pure Python); tests/unit/test_native.py holds them
        # equal to the general path's, which _judge decides.
        if meta is not None:
            deny = meta[0] == 100  # b"d": deny
            return _new(
                _RESULT,
                (
                    url,
                    canonical,
                    host,
                    domain,
                    "denied" if deny else "official",
                    None,
                    meta,
                    (url,),
                    None,
                    _A_DEN if deny else _A_OFF,
                    self.version,
                    False,
                ),
            )
        if self._lookalike is None:
            return _new(
                _RESULT,
                (
                    url,
                    canonical,
                    host,
                    domain,
                    "unknown",
                    _NOT_LISTED,
                    None,
                    (url,),
                    None,
                    _A_UNK,
                    self.version,
                    False,
                ),
            )
        return self._judge(url, canonical, host, domain, None, 0, (url,), _NO_HOPS, "")

    def _check_url(self, url: str, u: URL) -> CheckResult:
        """The pipeline after parsing: unwrap, match, judge."""
        _require_public_host(u.host)
        info = self._index.host_info(u.host)
        domain, meta, hits, special = info
        hops = _NO_HOPS
        chain: tuple[str, ...] = (url,)
        if special & WRAPPER:
            hops, (domain, meta, hits, special) = self._unwrap(u, info)
            if hops:
                u = hops[-1].url
                _require_public_host(u.host, hops[-1].via)
                chain += tuple(h.url.canonical for h in hops)
        if hits is not None:
            meta = decide(u.host, u.path, hits, u.query, self._index.paths)
        return self._judge(url, u.canonical, u.host, domain, meta, special, chain, hops, u.userinfo)

    def _may_wrap(self, host: str, domain: str, path: str) -> bool:
        """Whether ``path`` is one that ``host``'s wrappers hide links behind (most links
        on a wrapper host such as facebook.com are not: they are checked as any other)."""
        paths = self._wrap_paths.get(host)
        if paths is None:
            if len(self._wrap_paths) >= 1 << 14:
                self._wrap_paths.clear()
            paths = self._wrap_paths[host] = self._unwrapper.paths(host, domain)
        exact = paths[0]
        return path in exact or path.rstrip("/") in exact or path.startswith(paths[1])

    def _unwrap(self, u: URL, info: HostInfo) -> tuple[tuple[Hop, ...], HostInfo]:
        """Follow redirect wrappers offline from ``u`` (a wrapper's URL; ``info`` the index's
        answer for its host) while the targets are wrappers too, at most
        :data:`MAX_UNWRAP` times: the hops, and the index's answer for the last host."""
        hops: list[Hop] = []
        domain = info[0]
        while len(hops) < MAX_UNWRAP:
            if not self._may_wrap(u.host, domain, u.path):
                break  # not a wrapper path: nothing hidden
            hop = self._unwrapper.unwrap(u, domain)
            if hop is None:
                break
            hops.append(hop)
            u = hop.url
            info = self._index.host_info(u.host)
            if not info[3] & WRAPPER:
                break
            domain = info[0]
        return tuple(hops), info

    def _judge(
        self,
        url: str,
        canonical: str,
        host: str,
        domain: str,
        meta: bytes | None,
        special: int,
        chain: tuple[str, ...],
        hops: tuple[Hop, ...],
        userinfo: str,
    ) -> CheckResult:
        """The verdict on the final URL of a check: every result is made here, but the hot
        path's two plain ones (see :meth:`check`).

        ``meta`` is the deciding rule (packed) or None; ``special`` the final host's
        wrapper/shortener flags; ``hops`` the wrappers unwrapped on the way (their reasons
        come after the listing's, before the others); ``userinfo`` what the link shows
        before ``@`` (only read when nothing was unwrapped). A listed result keeps its rule
        packed, unpacked when read (see :mod:`.results`).
        """
        if meta is not None:
            deny = meta[0] == 100  # b"d": deny
            reasons: tuple[Reason, ...] | None = None
            if hops:
                reasons = (*_listed(meta)[1], *_hop_reasons(hops))
            return _new(
                _RESULT,
                (
                    url,
                    canonical,
                    host,
                    domain,
                    "denied" if deny else "official",
                    reasons,
                    meta,
                    chain,
                    None,
                    _A_DEN if deny else _A_OFF,
                    self.version,
                    False,
                ),
            )
        verdict, advice, imitates = "unknown", _A_UNK, None
        shortener = special & SHORTENER != 0
        if shortener:
            reasons = (reason("shortened_link", host=host),)
        elif host[-1] in _IP_ENDS and domain == host and is_ip_host(host):
            verdict, advice, reasons = "suspicious", _A_SUS, _IP_HOST
        else:
            reasons = _NOT_LISTED
            if self._memo is not None:
                found = self._memo.imitation(host, domain, canonical)
                if found is not None:
                    verdict, advice = "suspicious", _A_SUS
                    imitates, reasons = found
        if userinfo and not hops:
            disguise = self._userinfo_disguise(userinfo, host)
            if disguise is not None:
                verdict, advice = "suspicious", _A_SUS
                imitates = imitates or disguise[0]
                reasons = (disguise[1], *(r for r in reasons if r.code != "not_listed"))
        if hops:
            reasons = (*_hop_reasons(hops), *reasons)
        return _new(
            _RESULT,
            (
                url,
                canonical,
                host,
                domain,
                verdict,
                reasons,
                None,
                chain,
                imitates,
                advice,
                self.version,
                shortener,
            ),
        )

    def resolved(
        self,
        first: CheckResult,
        final_url: str | None,
        chain: Sequence[str],
        failure: tuple[str, str] | None = None,
    ) -> CheckResult:
        """The verdict on a shortened link once followed (``server/unmask.py`` follows it):
        ``first`` is the link's own check (``is_shortener``), ``chain`` the redirects
        followed, the link first, ``final_url`` where they ended; ``failure`` is why they
        could not be followed (Vietnamese, English). The target is judged like any link,
        after the reasons that say how it was reached."""
        after = first.chain + tuple(chain[1:])
        if failure is not None:
            failed = reason("resolve_failed", detail=failure[0], detail_en=failure[1])
            return first._replace(reasons=(*first.reasons, failed), chain=after)
        if final_url is None or final_url == first.canonical_url:
            return first
        try:
            final = self.check(final_url)
        except InvalidURL:
            return first
        reasons = (
            reason("shortened_link", host=first.host),
            reason("resolved_redirect", host=final.host),
            *final.reasons,
        )
        return final._replace(url=first.url, chain=after, reasons=reasons)

    def _userinfo_disguise(self, userinfo: str, host: str) -> tuple[Imitates | None, Reason] | None:
        """``http://nhandan.vn@evil.example/``: a domain-like user name before ``@`` is what
        people read, but the browser opens ``evil.example`` (RFC 3986 §7.6). Suspicious unless
        the real host is listed; imitates the named source when it is allow-listed."""
        shown = unquote(userinfo).strip()
        name = shown.rsplit("@", 1)[-1].partition(":")[0].strip("/")
        if "." not in name:
            return None  # an ordinary user name (ftp-style user:password)
        imitates = None
        try:
            named = canonical_host(name)
        except InvalidURL:
            named = ""
        if named:
            meta = self._index.lookup(named, "/")
            if meta is not None:
                rule = unpack_rule(meta)
                if rule.list == "allow":
                    imitates = Imitates(rule.pattern, rule.name)
        return imitates, reason("userinfo_disguise", shown=shown, host=host)


def _refuse_non_text(value: object) -> NoReturn:
    parse_url(value)  # type: ignore[arg-type]  # raises InvalidURL: a link must be a string
    raise AssertionError("parse_url accepted a non-string")


def _chain(first: list[Rule], rest: Iterable[Rule | bytes]) -> Iterable[Rule | bytes]:
    yield from first
    yield from rest


def _hop_reasons(hops: tuple[Hop, ...]) -> tuple[Reason, ...]:
    return tuple(reason("unwrapped_redirect", host=hop.via) for hop in hops)


def _require_public_host(host: str, via: str = "") -> None:
    """Refuse a host without a dot (``vnexpress``, ``localhost``, ``https`` from
    ``https://https://…``): no address on the Internet, so nothing to check. IP addresses are
    dotted or bracketed by now. ``via``: the wrapper host that led to it."""
    if "." in host or host.startswith("["):
        return
    vi = (
        f"“{host}” thiếu phần đuôi tên miền (như .vn hay .com) nên không phải địa chỉ web trên "
        "Internet. Hãy sao chép lại toàn bộ liên kết."
    )
    en = (
        f"“{host}” has no domain ending (such as .vn or .com), so it is not an Internet "
        "address. Copy the whole link again."
    )
    if via:
        vi = f"Liên kết chuyển hướng qua {via} trỏ tới một địa chỉ không phải trang web: {vi}"
        en = f"The link redirects through {via} to something that is not a web page: {en}"
    raise InvalidURL("incomplete_host", vi, en)
