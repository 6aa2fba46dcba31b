"""Shared parts of the extension's browser tests (Chromium and Firefox): the TLS stub site that
answers for every hostname, fake API servers that hang or answer 429/500, and a recorder of
what the extension really sends to the real server.

Nothing here is a mock of the extension or of the server: the stub site stands in for
Facebook, X, Telegram and the news sites (the tests cannot reach them), and the fake API
servers are real HTTP servers on loopback behaving as a hung or overloaded server does.
"""

from __future__ import annotations

import contextlib
import html
import json
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# A compose box, a page-level Escape counter (Facebook closes its composer on Escape) and a
# frame of the gate, as a hostile page would try.
STUB_PAGE = """<!doctype html><meta charset=utf-8><title>stub</title>
<p id=stub>{where}</p>
<textarea id=compose aria-label=compose></textarea>
<div id=editable contenteditable=true aria-label=editable></div>
<script>
window.escapes = 0;
document.addEventListener("keydown", e => {{ if (e.key === "Escape") window.escapes++; }});
</script>"""


# Zalo's share button as its SDK draws it: the plugin page in an iframe, whose click opens
# Zalo's share window (here at an address the share table does not know).
PLUGIN_PAGE = """<!doctype html><meta charset=utf-8><title>zalo button</title>
<button id=zshare onclick="window.open('https://sp.zalo.me:{port}/zshare?from=button', 'zalo',
  'width=600,height=400')">Chia sẻ Zalo</button>"""
FRAME_PAGE = """<!doctype html><meta charset=utf-8><title>framed</title>
<p id=stub>frame</p><iframe id=f src="{src}" width=300 height=80></iframe>{more}"""


class _Stub(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []  # host + path of every request that reached the stub site

    def do_GET(self):
        host = self.headers["Host"]
        _Stub.seen.append(host + self.path)
        if host.startswith("twitter.com:") and self.path.startswith("/intent/"):
            # as twitter.com does: its intents move to x.com
            self.send_response(301)
            self.send_header("Location", f"https://x.com:{host.split(':')[1]}{self.path}")
            self.end_headers()
            return
        port = host.rsplit(":", 1)[-1]
        if host.startswith("sp.zalo.me:") and self.path.startswith("/plugins/share"):
            body = PLUGIN_PAGE.format(port=port)
        elif self.path.startswith(("/frame?src=", "/frames?src=")):
            # /frames: the same frame five times, as a hostile page would to open many tabs
            src = html.escape(unquote(self.path.split("=", 1)[1]))
            more = f'<iframe src="{src}"></iframe>' * 4 if self.path.startswith("/frames") else ""
            body = FRAME_PAGE.format(src=src, more=more)
        else:
            body = STUB_PAGE.format(where=(host + self.path).replace("<", "&lt;"))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def stub_seen() -> list[str]:
    """Host and path of every request the stub site received so far."""
    return list(_Stub.seen)


def start_tls_stub(tmp: Path) -> ThreadingHTTPServer:
    """A TLS stub site (facebook.com is HSTS-preloaded: browsers only ask it over https)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=stub.test",
            "-keyout",
            str(tmp / "key.pem"),
            "-out",
            str(tmp / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


class FailingApi:
    """An API server on loopback answering every request with one status (429 with
    Retry-After, 500, …), CORS headers included as the real server sends them, or never
    answering at all (``status=None``: accepts the connection and hangs)."""

    def __init__(self, status: int | None, retry_after: int = 17) -> None:
        self.status = status
        self.retry_after = retry_after
        self.requests: list[str] = []
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            head = conn.recv(65536).decode("latin-1")
        except OSError:
            conn.close()
            return
        self.requests.append(head.split("\r\n", 1)[0])
        origin = next(
            (
                line.split(":", 1)[1].strip()
                for line in head.split("\r\n")
                if line.lower().startswith("origin:")
            ),
            "",
        )
        cors = (
            ""
            if not origin
            else (
                f"Access-Control-Allow-Origin: {origin}\r\nAccess-Control-Allow-Headers: "
                "Content-Type, Authorization, If-None-Match\r\nAccess-Control-Allow-Methods: "
                "GET, POST\r\nAccess-Control-Expose-Headers: ETag, Retry-After\r\n"
            )
        )
        if head.startswith("OPTIONS"):
            conn.sendall(f"HTTP/1.1 204 No Content\r\n{cors}Content-Length: 0\r\n\r\n".encode())
            conn.close()
            return
        if self.status is None:
            self._held.append(conn)  # never answer
            return
        body = json.dumps(
            {"error": {"code": "rate_limited" if self.status == 429 else "error", "message": "…"}}
        ).encode()
        extra = f"Retry-After: {self.retry_after}\r\n" if self.status == 429 else ""
        conn.sendall(
            (
                f"HTTP/1.1 {self.status} X\r\n{cors}{extra}Content-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )
        conn.close()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        for conn in self._held:
            conn.close()


class Recorder:
    """WSGI middleware on the real server's app: keeps each request's method, path, query,
    body and Authorization header, then lets the app answer it."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.seen: list[dict[str, str]] = []

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        import io

        environ["wsgi.input"] = io.BytesIO(body)
        self.seen.append(
            {
                "method": environ["REQUEST_METHOD"],
                "path": environ["PATH_INFO"],
                "query": environ.get("QUERY_STRING", ""),
                "body": body.decode("utf-8", "replace"),
                "auth": environ.get("HTTP_AUTHORIZATION", ""),
            }
        )
        return self.app(environ, start_response)

    def checks(self) -> list[str]:
        """The URLs posted to /api/v1/check."""
        return [
            json.loads(r["body"])["url"]
            for r in self.seen
            if r["path"] == "/api/v1/check" and r["method"] == "POST"
        ]


@contextlib.contextmanager
def stub_site(tmp: Path) -> Iterator[int]:
    """The TLS stub site, served until the block ends; yields its port."""
    httpd = start_tls_stub(tmp)
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextlib.contextmanager
def recorded_server() -> Iterator[Any]:
    """The real server (default lists + TEST_RULES) with a Recorder on its app (``.recorder``)."""
    from tests.conftest import TEST_RULES
    from tests.live import LiveServer

    server = LiveServer(extra_rules=TEST_RULES)
    server.recorder = Recorder(server.app.wsgi_app)  # type: ignore[attr-defined]
    server.app.wsgi_app = server.recorder  # type: ignore[attr-defined]
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port_url() -> str:
    """An http:// origin on which nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"
