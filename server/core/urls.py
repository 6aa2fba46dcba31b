"""URL intake and canonicalisation: turn what people paste into one canonical web address.

Accepts what users really paste: surrounding whitespace, a missing scheme, upper case,
Unicode hosts (IDNA/UTS-46 to punycode), trailing dots, ports, fragments and userinfo
(``http://nhandan.vn@evil.example/`` is the host ``evil.example``). IPv4 hosts written in
decimal, octal, hex or short forms are read with the WHATWG URL rules (what browsers do) and
written back dotted; IPv6 literals are compressed.

The path follows Google Safe Browsing's documented canonicalisation: tabs and line breaks
removed, percent-unescaped repeatedly, ``.``/``..`` segments resolved, runs of ``/`` collapsed,
then bytes <= 0x20, >= 0x7F, ``#``, ``%`` and ``?`` re-escaped. Deliberate differences from
Safe Browsing, because our canonical URL is also the link a user copies:

* a non-default port is kept (Safe Browsing drops every port); default ports are dropped;
* the query is kept as written (only controls, spaces, non-ASCII and ``#`` are escaped):
  unescaping ``%26`` or ``%3D`` would change what the link means; :func:`share_url` gives
  the link to copy, without tracking parameters (``utm_*``, ``fbclid``, ``gclid``, …);
* hosts that no browser would open (``host%23.com``, spaces, control characters) are refused
  with ``invalid_host`` instead of being escaped.

Everything is pure string work; a regular expression fast path handles the common shape
(lowercase ASCII host, plain path) without any allocation beyond the match.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final, NamedTuple
from urllib.parse import unquote_to_bytes

import idna

from .errors import InvalidURL

__all__ = [
    "MAX_URL_LENGTH",
    "PLAIN_URL",
    "TRACKING_PARAMS",
    "URL",
    "canonical_host",
    "canonical_path",
    "parse_ipv4",
    "parse_url",
    "plain_enough",
    "share_url",
]

MAX_URL_LENGTH = 8192
DEFAULT_PORTS = {"http": 80, "https": 443}
#: Query parameters removed from canonical URLs; a trailing ``*`` matches a prefix.
TRACKING_PARAMS = (
    "utm_*",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "ttclid",
    "twclid",
    "igshid",
    "igsh",
    "mc_cid",
    "mc_eid",
    "zarsrc",
    "_ga",
    "_gl",
    "__tn__",
    "__cft__[0]",
    "mibextid",
    "ref_src",
    "ref_url",
    "si",
)
_TRACK_EXACT = frozenset(p for p in TRACKING_PARAMS if not p.endswith("*"))
_TRACK_PREFIX = tuple(p[:-1] for p in TRACKING_PARAMS if p.endswith("*"))
_TRACK_HINT = re.compile(
    r"(?:^|[?&;])(?:utm_|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|ttclid|twclid"
    r"|igshid|igsh|mc_cid|mc_eid|zarsrc|_ga|_gl|__tn__|__cft__|mibextid|ref_src|ref_url|si)"
)

#: The plain shape: ``(https?)://host(/path)?(?query)?(#fragment)?`` with a lowercase ASCII
#: host not ending in a digit (no IP address) and a path and query of printable ASCII
#: without escapes or backslashes. Groups: scheme, host, path (None when absent), query
#: (with its ``?``), fragment (with its ``#``). A match is canonical as written when also
#: :func:`plain_enough` holds (kept out of the expression: the checks are cheaper as string
#: scans than as look-aheads). :func:`parse_url` and the checker's uncompiled hot path read
#: URLs this way; ``tests/unit/test_urls.py`` and ``test_native.py`` hold both to the slow path.
PLAIN_URL: Final = re.compile(
    r"(https?)://((?:[a-z0-9_-]{1,63}\.)*[a-z_-][a-z0-9_-]{0,62})"
    r"(/[!\"$&->@-\[\]-~]*)?(\?[!\"$-~]*)?(#.*)?",
    re.DOTALL,
).fullmatch


def plain_enough(raw: str, host: str, path: str | None) -> bool:
    """Whether a :data:`PLAIN_URL` match is canonical as written: no ``--`` in the host (no
    punycode), no dot segment or doubled slash in the path, host and URL within their limits.
    (The checker's hot path inlines these same tests.)"""
    return (
        "--" not in host
        and (path is None or ("/." not in path and "//" not in path))
        and len(raw) <= MAX_URL_LENGTH
        and len(host) <= 253
    )


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_STRIP = re.compile(r"[\t\r\n]")
_HOST_OK = re.compile(r"[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*")
_WEB_SCHEMES = frozenset(("http", "https"))
_ESCAPE_PATH = frozenset(b"#%?") | frozenset(range(0x21)) | frozenset(range(0x7F, 0x100))
_ESCAPE_QUERY = frozenset(b"#") | frozenset(range(0x21)) | frozenset(range(0x7F, 0x100))


class URL(NamedTuple):
    """A canonical URL and its parts (host lowercase ASCII, IPv6 in brackets)."""

    canonical: str
    scheme: str
    host: str
    port: int | None
    path: str
    query: str  # without the leading "?"
    #: What stood before ``@`` in the authority, as written (``nhandan.vn`` in
    #: ``http://nhandan.vn@evil.example/``): not part of the host, but what people read.
    userinfo: str = ""


def _err(code: str, vi: str, en: str) -> InvalidURL:
    return InvalidURL(code, vi, en)


def parse_url(raw: str) -> URL:
    """Canonicalise ``raw`` or raise :class:`InvalidURL` with a stable code."""
    if not isinstance(raw, str):
        raise _err("invalid_url", "Liên kết phải là một chuỗi ký tự.", "The link must be a string.")
    m = PLAIN_URL(raw)
    if m is not None:
        scheme, host, path, query, frag = m.groups()
        if not plain_enough(raw, host, path):
            return _parse_slow(raw)
        if path is None:
            return URL(
                f"{scheme}://{host}/{query or ''}",
                scheme,
                host,
                None,
                "/",
                query[1:] if query else "",
            )
        canonical = raw if frag is None else raw[: m.start(5)]
        return URL(canonical, scheme, host, None, path, query[1:] if query else "")
    return _parse_slow(raw)


def _parse_slow(raw: str) -> URL:
    text = _STRIP.sub("", raw.strip())
    if not text:
        raise _err("empty_url", "Chưa nhập liên kết.", "No link was given.")
    if len(text) > MAX_URL_LENGTH:
        raise _err(
            "url_too_long",
            "Liên kết dài quá 8 KiB, không phải địa chỉ web thông thường.",
            "The link is longer than 8 KiB; that is not an ordinary web address.",
        )
    scheme, rest = _split_scheme(_strip_doubled_scheme(text))
    rest = rest.lstrip("/\\")
    end = len(rest)
    for ch in "/?#\\":
        i = rest.find(ch)
        if 0 <= i < end:
            end = i
    authority, tail = rest[:end], rest[end:]
    userinfo, _, hostport = authority.rpartition("@")
    host, port = _split_hostport(hostport, scheme)
    path, query = _split_tail(tail)
    port_part = f":{port}" if port is not None else ""
    canonical = f"{scheme}://{host}{port_part}{path}{'?' + query if query is not None else ''}"
    return URL(canonical, scheme, host, port, path, query or "", userinfo)


#: A scheme as people mistype it: ``https://``, ``https:``, ``https//``, ``http:\\\\``.
_SCHEME_PREFIX = re.compile(r"(?i)(https?)(?::[/\\]*|[/\\]{2,})")


def _strip_doubled_scheme(text: str) -> str:
    """``https://https://tuoi-tre.com/x`` → ``https://tuoi-tre.com/x`` (a common paste slip
    that would otherwise read as the host ``https``), and ``https//a.vn`` → ``https://a.vn``."""
    m = _SCHEME_PREFIX.match(text)
    while m is not None:
        again = _SCHEME_PREFIX.match(text, m.end())
        if again is None:
            break
        text, m = text[m.end() :], _SCHEME_PREFIX.match(text[m.end() :])
    if m is not None and ":" not in m.group(0):
        text = f"{m.group(1)}://{text[m.end() :]}"
    return text


def _split_scheme(text: str) -> tuple[str, str]:
    m = _SCHEME.match(text)
    if m is None:
        return "http", text
    scheme = m.group(1).lower()
    after = text[m.end() :]
    if scheme in _WEB_SCHEMES:
        return scheme, after
    if "." in scheme or (after[:1].isdigit() and not after.startswith("//")):
        return "http", text  # "vnexpress.net:443/a" or "localhost:5000/x": host and port
    raise _err(
        "unsupported_scheme",
        f"Chỉ kiểm tra được địa chỉ web (http:// hoặc https://); liên kết dạng “{scheme}:” "
        "không được hỗ trợ.",
        f"Only web addresses (http:// or https://) can be checked; “{scheme}:” links cannot.",
    )


def _split_hostport(hostport: str, scheme: str) -> tuple[str, int | None]:
    port: int | None = None
    if hostport.startswith("["):
        close = hostport.find("]")
        if close < 0:
            raise _invalid_host()
        host_text, after = hostport[: close + 1], hostport[close + 1 :]
        port_text = after[1:] if after.startswith(":") else None
        if after and port_text is None:
            raise _invalid_host()
    else:
        host_text, colon, port_text = hostport.rpartition(":")
        if not colon:
            host_text, port_text = hostport, None
    if port_text:
        if not port_text.isdigit() or not port_text.isascii() or int(port_text) > 65535:
            raise _err(
                "invalid_port",
                "Cổng (port) trong liên kết không hợp lệ.",
                "The port in the link is not valid.",
            )
        port = int(port_text)
        if DEFAULT_PORTS[scheme] == port:
            port = None
    host = canonical_host(host_text)
    return host, port


def _invalid_host() -> InvalidURL:
    return _err(
        "invalid_host",
        "Tên miền trong liên kết không hợp lệ.",
        "The host name in the link is not valid.",
    )


def _missing_host() -> InvalidURL:
    return _err("missing_host", "Liên kết không có tên miền.", "The link has no host name.")


def canonical_host(text: str) -> str:
    """Canonical form of a host: lowercase, punycode, no trailing dot, IPs normalised."""
    host = text
    for _ in range(4):  # hosts may be percent-escaped, even repeatedly
        if "%" not in host:
            break
        try:
            host = unquote_to_bytes(host).decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid_host() from None
    if host.startswith("[") and host.endswith("]"):
        return _canonical_ipv6(host[1:-1])
    host = host.strip(".").lower()
    while ".." in host:
        host = host.replace("..", ".")
    if not host:
        raise _missing_host()
    ipv4 = parse_ipv4(host)
    if ipv4 is not None:
        return ipv4
    if not host.isascii() or "xn--" in host:
        try:
            host = idna.encode(host, uts46=True, transitional=False).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise _invalid_host() from None
        # as the URL standard orders it: a host that is an address only once mapped
        # ("0\xad" is "0") is an IPv4 address, not a name
        ipv4 = parse_ipv4(host)
        if ipv4 is not None:
            return ipv4
    if len(host) > 253 or _HOST_OK.fullmatch(host) is None:
        raise _invalid_host()
    if any(len(label) > 63 for label in host.split(".")):
        raise _invalid_host()
    return host


def _canonical_ipv6(text: str) -> str:
    try:
        addr = ipaddress.IPv6Address(text.split("%", 1)[0])
    except ValueError:
        raise _invalid_host() from None
    return f"[{addr.compressed}]"


def _ipv4_part(part: str) -> int | None:
    if part.startswith(("0x", "0X")):
        digits, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0
    try:
        return int(digits, base) if digits.isascii() and digits.isalnum() else None
    except ValueError:
        return None


def parse_ipv4(host: str) -> str | None:
    """Dotted IPv4 for a host the WHATWG URL standard reads as IPv4 (``0x7f.1``), else None.

    Raises :class:`InvalidURL` when the last label is numeric but the whole is not a
    valid address (``1.2.3.999``), as browsers refuse such hosts too.
    """
    parts = host.rstrip(".").split(".") if host.endswith(".") else host.split(".")
    last = parts[-1]
    if not last or not (last.isdigit() or last.startswith(("0x", "0X"))):
        return None
    if last.startswith(("0x", "0X")) and _ipv4_part(last) is None:
        return None
    if len(parts) > 4:
        raise _invalid_host()
    numbers = [_ipv4_part(p) for p in parts]
    if any(n is None for n in numbers):
        raise _invalid_host()
    values: list[int] = numbers  # type: ignore[assignment]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise _invalid_host()
    ipv4 = values[-1]
    for i, n in enumerate(values[:-1]):
        ipv4 += n * 256 ** (3 - i)
    return str(ipaddress.IPv4Address(ipv4))


#: An escaped ``/`` or ``\\`` in a path: data to a browser and a web server, not a separator.
_ESCAPED_SEPARATOR = re.compile(rb"%(2[fF]|5[cC])")


def _unescape_repeatedly(data: bytes) -> bytes:
    """Safe Browsing's repeated unescaping, except that escaped separators stay escaped
    (``%2F``): ``/fakepage%2F..%2Fubndhiephoa`` is one segment to the browser, so it must not
    become the official ``/ubndhiephoa`` here."""
    for _ in range(32):
        if b"%" not in data:
            break
        new = unquote_to_bytes(_ESCAPED_SEPARATOR.sub(rb"%25\1", data))
        if new == data:
            break
        data = new
    return data


def _escape(data: bytes, unsafe: frozenset[int]) -> str:
    return "".join(f"%{b:02X}" if b in unsafe else chr(b) for b in data)


def _escape_segment(data: bytes) -> str:
    """A path segment escaped, its escaped separators kept as ``%2F``/``%5C``."""
    if b"%" not in data:
        return _escape(data, _ESCAPE_PATH)
    pieces = _ESCAPED_SEPARATOR.split(data)  # text, separator code, text, …
    return "".join(
        _escape(p, _ESCAPE_PATH) if i % 2 == 0 else f"%{p.upper().decode()}"
        for i, p in enumerate(pieces)
    )


def _normalise_path(path: str) -> str:
    raw = _unescape_repeatedly(path.replace("\\", "/").encode("utf-8", "surrogatepass"))
    segments: list[bytes] = []
    for seg in raw.split(b"/")[1:]:
        if seg == b"..":
            if segments:
                segments.pop()
        elif seg not in (b".", b""):
            segments.append(seg)
    trailing = raw.endswith(b"/") or raw.endswith(b"/.") or raw.endswith(b"/..")
    out = "/" + "/".join(_escape_segment(seg) for seg in segments)
    if trailing and segments:
        out += "/"
    return out


def canonical_path(path: str) -> str:
    """A path in the canonical form of URL paths (unescaped then re-escaped as UTF-8, dot
    segments resolved), for path patterns to be compared with URLs."""
    return _normalise_path(path or "/")


def share_url(canonical: str) -> str:
    """The canonical URL without tracking parameters: the link to copy and share."""
    base, qmark, query = canonical.partition("?")
    if not qmark or _TRACK_HINT.search("?" + query) is None:
        return canonical
    stripped = _strip_tracking(query)
    return f"{base}?{stripped}" if stripped else base


def _strip_tracking(query: str) -> str:
    kept = []
    for item in query.split("&"):
        name = item.split("=", 1)[0]
        if name in _TRACK_EXACT or name.startswith(_TRACK_PREFIX):
            continue
        kept.append(item)
    return "&".join(kept)


def _split_tail(tail: str) -> tuple[str, str | None]:
    tail = tail.split("#", 1)[0]
    path, qmark, query = tail.partition("?")
    path = _normalise_path(path or "/")
    if not qmark:
        return path, None
    return path, _escape(query.encode("utf-8", "surrogatepass"), _ESCAPE_QUERY)
