"""Safe resolution of shortened links against redirecting servers started on loopback.

The resolver is told to trust exactly the test server's ``127.0.0.1:<port>``; everything else
on loopback, private or link-local addresses must be refused *before* any connection: a
second server records every request it gets and must see none.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from server.unmask import LinkResolver, is_public_address


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str | None, float]]] = {}
    seen: ClassVar[list[str]] = []

    hosts: ClassVar[list[str]] = []

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.hosts.append(self.headers.get("Host", ""))
        status, location, delay = self.routes.get(self.path, (200, None, 0.0))
        if delay:
            time.sleep(delay)
        if self.path == "/no-head" and self.command == "HEAD":
            status, location = 405, None
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args: object) -> None:  # silence
        pass


class _Server:
    def __init__(self, routes: dict[str, tuple[int, str | None, float]]) -> None:
        handler = type("H", (_Handler,), {"routes": routes, "seen": [], "hosts": []})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.seen: list[str] = handler.seen
        self.hosts: list[str] = handler.hosts
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[_Server, _Server]]:
    """(trusted redirector, victim that must never be reached)."""
    victim = _Server({})
    redirector = _Server({})
    yield redirector, victim
    redirector.close()
    victim.close()


def resolver_for(server: _Server, **kw: object) -> LinkResolver:
    return LinkResolver(trusted=frozenset({f"127.0.0.1:{server.port}"}), **kw)  # type: ignore[arg-type]


def test_chain_is_followed_and_reported(servers):
    red, _ = servers
    red.httpd.RequestHandlerClass.routes.update(
        {
            "/s/abc": (301, "/hop2", 0.0),
            "/hop2": (302, f"{red.base}/final?x=1", 0.0),
        }
    )
    res = resolver_for(red).resolve(f"{red.base}/s/abc")
    assert res.error is None
    assert res.chain == (f"{red.base}/s/abc", f"{red.base}/hop2", f"{red.base}/final?x=1")
    assert res.final_url == f"{red.base}/final?x=1"
    assert red.seen[:3] == ["HEAD /s/abc", "HEAD /hop2", "HEAD /final?x=1"]


def test_get_only_when_head_is_refused_and_results_cached(servers):
    red, _ = servers
    resolver = resolver_for(red)
    res = resolver.resolve(f"{red.base}/no-head")
    assert res.final_url == f"{red.base}/no-head"
    assert red.seen == ["HEAD /no-head", "GET /no-head"]
    assert resolver.resolve(f"{red.base}/no-head") == res
    assert len(red.seen) == 2  # answered from the cache


def test_hop_limit(servers):
    red, _ = servers
    red.httpd.RequestHandlerClass.routes.update(
        {f"/{i}": (302, f"/{i + 1}", 0.0) for i in range(10)}
    )
    res = resolver_for(red, max_hops=3).resolve(f"{red.base}/0")
    assert res.error == "resolve_too_many_hops" and res.final_url is None
    assert len(res.chain) == 5


def test_timeout(servers):
    red, _ = servers
    red.httpd.RequestHandlerClass.routes["/slow"] = (200, None, 1.5)
    t0 = time.monotonic()
    res = resolver_for(red, hop_timeout=0.3, total_timeout=0.5).resolve(f"{red.base}/slow")
    assert res.error == "resolve_timeout"
    assert time.monotonic() - t0 < 1.4


FORBIDDEN_HOSTS = [
    "127.1",
    "0x7f.1",
    "2130706433",
    "017700000001",
    "[::ffff:127.0.0.1]",
    "localhost.",
    "localhost",
    "127.0.0.2",
    "[::1]",
    "169.254.169.254",
    "10.0.0.1",
    "192.168.1.1",
    "172.16.0.1",
    "100.64.0.1",
    "0.0.0.0",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
    "224.0.0.1",
    "240.0.0.1",
]


@pytest.mark.parametrize("host", FORBIDDEN_HOSTS)
def test_forbidden_targets_refused_before_connecting(servers, host):
    red, victim = servers
    res = resolver_for(red).resolve(f"http://{host}:{victim.port}/x")
    assert res.error in ("resolve_forbidden_address", "resolve_bad_port")
    res = resolver_for(red, allowed_ports=(victim.port,)).resolve(f"http://{host}:{victim.port}/x")
    assert res.error == "resolve_forbidden_address"
    assert victim.seen == []


def test_name_resolving_to_loopback_refused(servers):
    red, victim = servers

    def evil_dns(host, port, **kw):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    res = resolver_for(red, resolver=evil_dns, allowed_ports=(victim.port,)).resolve(
        f"http://tin-moi.example:{victim.port}/a"
    )
    assert res.error == "resolve_forbidden_address"
    assert victim.seen == []


def test_name_with_one_private_answer_refused(servers):
    red, _ = servers

    def mixed_dns(host, port, **kw):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    res = resolver_for(red, resolver=mixed_dns).resolve("http://tin-moi.example/a")
    assert res.error == "resolve_forbidden_address"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/steal",
        "http://0x7f.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_redirect_from_allowed_host_to_forbidden_one(servers, target):
    red, victim = servers
    red.httpd.RequestHandlerClass.routes["/go"] = (302, target.format(port=victim.port), 0.0)
    res = resolver_for(red, allowed_ports=(80, 443, victim.port)).resolve(f"{red.base}/go")
    assert res.error == "resolve_forbidden_address"
    assert res.chain[0] == f"{red.base}/go" and len(res.chain) == 2
    assert victim.seen == []


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "file:///etc"])
def test_non_web_targets(url):
    assert LinkResolver().resolve(url).error == "resolve_bad_scheme"


def test_other_ports_refused_without_trust(servers):
    red, _ = servers
    res = LinkResolver().resolve(f"{red.base}/x")
    assert res.error == "resolve_bad_port"
    assert red.seen == []


def test_connects_to_the_checked_address_not_a_second_dns_answer(servers):
    """DNS rebinding: the first answer is checked, a later one must not be used."""
    red, _ = servers
    answers = iter(["127.0.0.1", "10.9.9.9"])

    def rebinding_dns(host, port, **kw):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    resolver = LinkResolver(
        resolver=rebinding_dns, trusted=frozenset({f"rebind.example:{red.port}"})
    )
    res = resolver.resolve(f"http://rebind.example:{red.port}/ok")
    assert res.error is None and res.final_url == f"http://rebind.example:{red.port}/ok"
    assert red.seen == ["HEAD /ok"]  # it reached the pinned, checked address
    assert red.hosts == [f"rebind.example:{red.port}"]  # and named the site, not the address


def test_the_host_header_names_the_site_on_every_hop_and_method(servers):
    red, _ = servers
    red.httpd.RequestHandlerClass.routes.update({"/a": (301, "/no-head", 0.0)})

    def dns(host, port, **kw):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    resolver = LinkResolver(resolver=dns, trusted=frozenset({f"bit.ly:{red.port}"}))
    res = resolver.resolve(f"http://bit.ly:{red.port}/a")
    assert res.error is None and res.final_url == f"http://bit.ly:{red.port}/no-head"
    assert red.seen == ["HEAD /a", "HEAD /no-head", "GET /no-head"]
    assert red.hosts == [f"bit.ly:{red.port}"] * 3


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::a00:1", False),
        ("2002:c0a8:101::", False),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),
        ("fe80::1", False),
        ("fc00::1", False),
    ],
)
def test_is_public_address(address, public):
    import ipaddress

    assert is_public_address(ipaddress.ip_address(address)) is public
