"""Guarded fetching for the assistant: feed downloads, site health probes and page reads.

It reuses the SSRF guard of :class:`server.unmask.LinkResolver` hop by hop (public addresses
only, ports 80/443, the connection pinned to the checked address, tests may trust ``host:port``
pairs explicitly) and adds what the resolver never does: reading a body, capped at
``max_bytes``, and looking at a site's TLS certificate (validity and holder names, parsed with
``cryptography`` because Python's ``ssl`` gives no details of a certificate it refused).
Nothing here raises for network trouble: results carry a stable error code instead.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ..unmask import LinkResolver, _PinnedAdapter, _Refused

__all__ = ["FetchResult", "GuardedFetcher", "TlsInfo"]

USER_AGENT = "KhongVoi-assistant/1.0 (+list health; polite)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch saw: every URL visited, the last status, headers and (capped) body."""

    chain: tuple[str, ...]
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    truncated: bool = False

    @property
    def final_url(self) -> str:
        """The last URL of the chain."""
        return self.chain[-1]


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """A site's certificate: whether it verified for the name, and whom it was issued to."""

    valid: bool
    error: str = ""  # "" | "hostname_mismatch" | "untrusted" | "expired" | "no_tls"
    detail: str = ""
    names: tuple[str, ...] = ()
    holder: str = ""
    not_after: str = ""


class GuardedFetcher(LinkResolver):
    """The resolver's guard, plus capped bodies and certificate probes (thread-safe)."""

    def __init__(self, *args: Any, ca_bundle: str | None = None, **kwargs: Any) -> None:
        """``ca_bundle``: certificates to trust instead of the system's (tests' own CA)."""
        super().__init__(*args, **kwargs)
        self.ca_bundle = ca_bundle

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        max_bytes: int = 1 << 20,
    ) -> FetchResult:
        """Follow redirects of ``url`` (guarded, bounded) and read at most ``max_bytes``."""
        chain = [url]
        deadline = time.monotonic() + self.total_timeout
        session = self.session_factory()
        session.trust_env = False
        session.verify = self.ca_bundle or True
        send = {"User-Agent": USER_AGENT, **(headers or {})}
        try:
            for _ in range(self.max_hops + 1):
                resp = self._request(session, method, chain[-1], send, deadline)
                location = resp.headers.get("Location")
                if resp.is_redirect and location:
                    resp.close()
                    chain.append(urljoin(chain[-1], location.strip()))
                    continue
                body, truncated = _read(resp, max_bytes if method == "GET" else 0, deadline)
                return FetchResult(
                    tuple(chain), resp.status_code, dict(resp.headers), body, None, truncated
                )
            return FetchResult(tuple(chain), error="resolve_too_many_hops")
        except _Refused as exc:
            return FetchResult(tuple(chain), error=exc.code)
        except requests.exceptions.SSLError:
            return FetchResult(tuple(chain), error="tls_failed")
        except requests.Timeout:
            return FetchResult(tuple(chain), error="resolve_timeout")
        except (requests.RequestException, OSError, ValueError):
            return FetchResult(tuple(chain), error="resolve_failed")
        finally:
            session.close()

    def _request(
        self,
        session: requests.Session,
        method: str,
        url: str,
        headers: dict[str, str],
        deadline: float,
    ) -> requests.Response:
        host, port, address = self._check(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise requests.Timeout()
        adapter = _PinnedAdapter(host, port, address)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        default = 443 if url[:6].lower() == "https:" else 80
        # the pinned adapter connects to the address; the Host header must still name the
        # site (urllib3 would otherwise send the address)
        headers = {**headers, "Host": host if port == default else f"{host}:{port}"}
        return session.request(
            method,
            url,
            headers=headers,
            allow_redirects=False,
            timeout=min(self.hop_timeout, remaining),
            stream=True,
        )

    def tls(self, host: str, port: int = 443) -> TlsInfo:
        """Connect to ``host:port`` (guarded) and describe its certificate."""
        try:
            _, _, address = self._check(f"https://{host}:{port}/")
        except _Refused as exc:
            return TlsInfo(False, "no_tls", exc.code)
        context = ssl.create_default_context(cafile=self.ca_bundle)
        try:
            der = _peer_der(context, address.strip("[]"), port, host, self.hop_timeout)
            return _describe(der, True, "", "")
        except ssl.SSLCertVerificationError as exc:
            code = {62: "hostname_mismatch", 10: "expired"}.get(exc.verify_code, "untrusted")
            detail = exc.verify_message or ""
        except (OSError, ssl.SSLError) as exc:
            return TlsInfo(False, "no_tls", type(exc).__name__)
        loose = ssl.create_default_context()
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        try:
            der = _peer_der(loose, address.strip("[]"), port, host, self.hop_timeout)
        except (OSError, ssl.SSLError):
            return TlsInfo(False, code, detail)
        return _describe(der, False, code, detail)


def _read(resp: requests.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    """At most ``max_bytes`` of the body (then the connection is dropped)."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in resp.iter_content(16384):
            chunks.append(chunk)
            size += len(chunk)
            if size >= max_bytes or time.monotonic() > deadline:
                return b"".join(chunks)[:max_bytes], size > max_bytes or bool(chunk)
    finally:
        resp.close()
    return b"".join(chunks), False


def _peer_der(context: ssl.SSLContext, address: str, port: int, host: str, timeout: float) -> bytes:
    with (
        socket.create_connection((address, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls,
    ):
        return tls.getpeercert(binary_form=True) or b""


def _describe(der: bytes, valid: bool, code: str, detail: str) -> TlsInfo:
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID, NameOID

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return TlsInfo(valid, code, detail)
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        names = tuple(san.value.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        names = ()
    subject = cert.subject
    org = subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    common = subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    holder = str((org or common)[0].value) if (org or common) else ""
    if not names and common:
        names = (str(common[0].value),)
    expires = cert.not_valid_after_utc
    if valid and expires < dt.datetime.now(dt.UTC):
        valid, code = False, "expired"
    return TlsInfo(valid, code, detail, names, holder, expires.date().isoformat())


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
