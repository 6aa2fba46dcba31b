"""Following shortened links over the network, safely (opt-in: ``RESOLVE_SHORTENERS``).

A shortener hides where a link leads; the only way to know is to ask it. Asking is a server
side request to an address chosen by whoever wrote the link, so every hop is guarded:

* only ``http``/``https``, only ports 80 and 443 (tests may trust one ``host:port``);
* the name is resolved here, and **every** address it resolves to must be public: loopback,
  private, link-local (169.254.169.254), CGNAT, multicast, reserved, unspecified addresses are
  refused, and so are IPv6 forms embedding them (IPv4-mapped ``::ffff:127.0.0.1``, NAT64
  ``64:ff9b::/96``, 6to4, Teredo); hosts written as ``127.1``, ``0x7f.1``, ``2130706433`` or
  ``localhost.`` are canonicalised first, so they are recognised;
* the connection goes to the address that was checked (no second DNS answer: DNS rebinding
  is defeated), with the original ``Host`` header and, for https, SNI and certificate checked
  against the original name;
* ``HEAD`` first, ``GET`` only when ``HEAD`` is refused, never reading a body; at most
  ``max_hops`` redirects, a timeout per hop and a deadline for the whole chain;
* every hop is checked again; results are cached (cachetools TTL cache, with a lock).

Failures never raise: :class:`Resolution` carries a stable error code instead, and
:func:`describe_resolve_error` gives the plain words users read for it, in both languages.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import cachetools
import requests
from requests.adapters import HTTPAdapter

from .core import InvalidURL, parse_url

__all__ = [
    "RESOLVE_ERRORS",
    "LinkResolver",
    "Resolution",
    "describe_resolve_error",
    "is_public_address",
]

Resolver = Callable[..., list[tuple[Any, ...]]]
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_REFUSED_STATUS = (400, 403, 405, 501)


#: Every code :attr:`Resolution.error` can hold → (Vietnamese, English) plain words for users.
#: The codes stay stable for programs; people read these phrases instead.
RESOLVE_ERRORS: dict[str, tuple[str, str]] = {
    "resolve_failed": (
        "không kết nối được tới trang rút gọn",
        "the link shortener could not be reached",
    ),
    "resolve_dns_failed": (
        "không tìm thấy tên miền",
        "the domain name was not found",
    ),
    "resolve_timeout": (
        "hết thời gian chờ",
        "it took too long to answer",
    ),
    "resolve_forbidden_address": (
        "liên kết trỏ tới địa chỉ nội bộ, không được phép mở",
        "it points to an internal address, which may not be opened",
    ),
    "resolve_bad_scheme": (
        "liên kết chuyển tiếp tới địa chỉ không phải trang web",
        "it redirects to something that is not a web address",
    ),
    "resolve_bad_port": (
        "liên kết dùng cổng mạng không được phép",
        "it uses a network port that is not allowed",
    ),
    "resolve_too_many_hops": (
        "chuyển hướng quá nhiều lần",
        "it redirects too many times",
    ),
}


def describe_resolve_error(code: str) -> tuple[str, str]:
    """Plain ``(Vietnamese, English)`` words for a resolver error code (never the code)."""
    return RESOLVE_ERRORS.get(code, RESOLVE_ERRORS["resolve_failed"])


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a link led: every URL visited (first the input), the last one, or an error."""

    chain: tuple[str, ...]
    final_url: str | None
    error: str | None = None


class _Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True only for globally routable unicast addresses (embedded IPv4 checked too)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(embedded):
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address that was checked, whatever DNS would answer now."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(max_retries=0)
        self._target = (host, port)
        self._address = address

    def build_connection_pool_key_attributes(self, request, verify, cert=None):  # type: ignore[no-untyped-def]
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        port = host_params["port"] or (443 if host_params["scheme"] == "https" else 80)
        if (host_params["host"], port) != self._target:
            raise _Refused("resolve_forbidden_address")  # never connect to an unchecked host
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = host_params["host"]
            pool_kwargs["assert_hostname"] = host_params["host"]
        host_params["host"] = self._address.strip("[]")
        return host_params, pool_kwargs


class LinkResolver:
    """Follows redirects of a link with the guard above; thread-safe."""

    def __init__(
        self,
        session_factory: Callable[[], requests.Session] = requests.Session,
        *,
        max_hops: int = 5,
        hop_timeout: float = 3.0,
        total_timeout: float = 8.0,
        allowed_ports: tuple[int, ...] = (80, 443),
        trusted: frozenset[str] = frozenset(),
        resolver: Resolver = socket.getaddrinfo,
        cache_ttl: float = 3600.0,
        cache_size: int = 10_000,
    ) -> None:
        """``session_factory`` makes the one outbound HTTP client of each resolution;
        ``trusted``: ``host:port`` pairs exempt from the address check (tests only)."""
        self.session_factory = session_factory
        self.max_hops = max_hops
        self.hop_timeout = hop_timeout
        self.total_timeout = total_timeout
        self.allowed_ports = allowed_ports
        self.trusted = trusted
        self.resolver = resolver
        self._cache: cachetools.TTLCache[str, Resolution] = cachetools.TTLCache(
            cache_size, cache_ttl
        )
        self._lock = threading.Lock()

    def resolve(self, url: str) -> Resolution:
        """Follow ``url``'s redirects; never raises for network problems."""
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None:
            return cached
        result = self._follow(url)
        with self._lock:
            self._cache[url] = result
        return result

    def _follow(self, url: str) -> Resolution:
        chain = [url]
        deadline = time.monotonic() + self.total_timeout
        current = url
        session = self.session_factory()
        session.trust_env = False  # no proxies or netrc from the environment
        try:
            for _ in range(self.max_hops + 1):
                nxt = self._hop(session, current, deadline)
                if nxt is None:
                    return Resolution(tuple(chain), current)
                chain.append(nxt)
                current = nxt
            return Resolution(tuple(chain), None, "resolve_too_many_hops")
        except _Refused as exc:
            return Resolution(tuple(chain), None, exc.code)
        except requests.Timeout:
            return Resolution(tuple(chain), None, "resolve_timeout")
        except (requests.RequestException, OSError, ValueError):
            return Resolution(tuple(chain), None, "resolve_failed")
        finally:
            session.close()

    def _check(self, url: str) -> tuple[str, int, str]:
        """``(host, port, address)`` to connect to, or :class:`_Refused`."""
        try:
            u = parse_url(url)
        except InvalidURL:
            raise _Refused("resolve_bad_scheme") from None
        port = u.port or (443 if u.scheme == "https" else 80)
        trusted = f"{u.host}:{port}" in self.trusted
        if port not in self.allowed_ports and not trusted:
            raise _Refused("resolve_bad_port")
        host = u.host.strip("[]")
        if host == "localhost" or host.endswith(".localhost"):
            raise _Refused("resolve_forbidden_address")
        try:
            infos = self.resolver(host, port, type=socket.SOCK_STREAM)
        except OSError:
            raise _Refused("resolve_dns_failed") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses:
            raise _Refused("resolve_dns_failed")
        if not trusted and not all(is_public_address(a) for a in addresses):
            raise _Refused("resolve_forbidden_address")
        first = addresses[0]
        return u.host, port, (f"[{first}]" if first.version == 6 else str(first))

    def _hop(self, session: requests.Session, url: str, deadline: float) -> str | None:
        """One request; the next URL when it redirects, else None."""
        host, port, address = self._check(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise requests.Timeout()
        timeout = min(self.hop_timeout, remaining)
        adapter = _PinnedAdapter(host, port, address)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # the connection goes to the checked address, so the name must be said explicitly
        # (otherwise the Host header would be that address and shared hosting answers wrong)
        default = 443 if url.lower().startswith("https:") else 80
        headers = {"Host": host if port == default else f"{host}:{port}"}
        resp = session.head(url, allow_redirects=False, timeout=timeout, headers=headers)
        resp.close()
        if resp.status_code in _REFUSED_STATUS:
            resp = session.get(
                url, allow_redirects=False, timeout=timeout, stream=True, headers=headers
            )
            resp.close()  # the body is never read
        location = resp.headers.get("Location")
        if resp.is_redirect and location:
            return urljoin(url, location.strip())
        return None
