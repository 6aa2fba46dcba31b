"""Local HTTPS sites for the assistant's tests: one loopback TLS server answering for many
mapped hostnames (SNI picks each name's certificate, issued by a test CA made with trustme).

    with LocalSites(["baochinhphu.vn", "feeds.canhbao.vn"]) as sites:
        sites.route("baochinhphu.vn", "/", body="<title>Báo Chính phủ</title>")
        app = make_test_app(tmp_path, config=sites.config())

``config()`` tells the app's assistant to answer these names with 127.0.0.1 instead of DNS
(an unmapped name does not resolve), to trust exactly these ``host:port`` pairs past the
SSRF guard, to trust the test CA, and to probe sites on the server's port.
"""

from __future__ import annotations

import ssl
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme

Answer = tuple[int, dict[str, str], bytes]


class LocalSites:
    """A threaded HTTPS server on loopback serving routes per (host, path)."""

    def __init__(self, hosts: list[str], *, unmapped: tuple[str, ...] = ()) -> None:
        self.hosts = list(hosts)
        self.unmapped = unmapped
        self.ca = trustme.CA()
        self.routes: dict[tuple[str, str], Callable[[dict[str, str]], Answer] | Answer] = {}
        self.requests: list[tuple[str, str, str, dict[str, str]]] = []
        self.cert_names: dict[str, str] = {}  # host → the name its certificate is issued to
        self._dir = tempfile.TemporaryDirectory()
        self.ca_path = str(Path(self._dir.name) / "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        #: The answer for routes not set (None: 404).
        self.fallback: Callable[[str], Answer] | None = None

    # -- set-up -------------------------------------------------------------------------
    def route(
        self,
        host: str,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``GET/HEAD host path`` with ``status``, ``headers`` and ``body``."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[(host, path)] = (
            status,
            {"Content-Type": "text/html; charset=utf-8", **(headers or {})},
            data,
        )

    def handler(self, host: str, path: str, fn: Callable[[dict[str, str]], Answer]) -> None:
        """Answer with ``fn(request headers)``."""
        self.routes[(host, path)] = fn

    def redirect(self, host: str, path: str, to: str, status: int = 301) -> None:
        """A redirect to ``to`` (an absolute URL; ``{port}`` is filled in)."""
        self.route(host, path, b"", status, {"Location": to.replace("{port}", str(self.port))})

    def url(self, host: str, path: str = "/") -> str:
        """``https://host:port/path``."""
        return f"https://{host}:{self.port}{path}"

    def config(self) -> dict[str, Any]:
        """App settings that make the assistant use these sites (and nothing else)."""
        mapped = [h for h in self.hosts if h not in self.unmapped]
        return {
            "ASSISTANT_HOSTS": {h: "127.0.0.1" for h in mapped},
            "ASSISTANT_TRUSTED": [f"{h}:{self.port}" for h in self.hosts],
            "ASSISTANT_CA_BUNDLE": self.ca_path,
            "ASSISTANT_PORTS": {"https": self.port, "http": self.port},
        }

    # -- server -------------------------------------------------------------------------
    def _context(self, name: str) -> ssl.SSLContext:
        issued = self.cert_names.get(name, name)
        with self._lock:
            if issued not in self._contexts:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                self.ca.issue_cert(issued).configure_cert(ctx)
                self._contexts[issued] = ctx
            return self._contexts[issued]

    def start(self) -> LocalSites:
        """Start serving (returns self)."""
        sites = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, send_body: bool) -> None:
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
                path = self.path.split("?", 1)[0]
                headers = {k: v for k, v in self.headers.items()}
                sites.requests.append((host, self.command, path, headers))
                found = sites.routes.get((host, path))
                if found is None and sites.fallback is not None:
                    status, extra, body = sites.fallback(host)
                elif found is None:
                    status, extra, body = 404, {"Content-Type": "text/plain"}, b"not found"
                elif callable(found):
                    status, extra, body = found(headers)
                else:
                    status, extra, body = found
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        base = self._context("localhost")

        def pick(sock: ssl.SSLSocket, name: str | None, _ctx: ssl.SSLContext) -> None:
            if name:
                sock.context = self._context(name)

        base.sni_callback = pick
        self.server.socket = base.wrap_socket(self.server.socket, server_side=True)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
        self._dir.cleanup()

    def __enter__(self) -> LocalSites:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
