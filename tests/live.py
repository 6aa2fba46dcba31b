"""A real Không Vội server on a free loopback port, for browser and HTTP tests.

    rules = [("allow", "tin-chinh-thong.vn", "Báo Thử", "press_central")]
    with LiveServer(extra_rules=rules) as srv:
        requests.get(srv.url + "/api/v1/check", params={"url": "https://tin-chinh-thong.vn/a"})

The app runs on a temporary SQLite database initialised with the default lists of
``sources/`` plus ``extra_rules``, served by werkzeug's threaded server in a background
thread; ``start()`` returns once ``/healthz`` answers.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import requests
from werkzeug.serving import make_server

from server import create_app
from server.core import make_rule
from server.core.tables import SOURCES_DIR
from server.rule_files import load_default_sources

__all__ = ["LiveServer", "make_test_app"]


def make_test_app(
    directory: Path,
    extra_rules: Iterable[tuple[str, ...]] = (),
    config: Mapping[str, Any] | None = None,
    defaults: bool = True,
):  # type: ignore[no-untyped-def]
    """An app on a fresh SQLite file in ``directory``, lists loaded, limits off."""
    cfg = {
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{directory / 'test.sqlite3'}",
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "LISTS_POLL_SECONDS": 0.0,
    }
    cfg.update(config or {})
    app = create_app(cfg)
    store = app.extensions["khongvoi.store"]
    store.create_schema()
    if defaults:
        load_default_sources(store, SOURCES_DIR)
    rules = []
    for row in extra_rules:
        list_, pattern, *rest = row
        fields = dict(zip(("name", "category", "scope", "evidence"), rest, strict=False))
        rules.append(make_rule(list_, pattern, force=True, **fields))
    if rules:
        store.import_rules(rules)
    return app


class LiveServer:
    """The real app served on ``127.0.0.1:<free port>`` until ``stop()``."""

    def __init__(
        self,
        extra_rules: Iterable[tuple[str, ...]] = (),
        config: Mapping[str, Any] | None = None,
        defaults: bool = True,
    ) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="khongvoi-live-")
        self.app = make_test_app(Path(self._tmp.name), extra_rules, config, defaults)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def store(self):  # type: ignore[no-untyped-def]
        """The app's store (to add rules while the server runs)."""
        return self.app.extensions["khongvoi.store"]

    def start(self) -> LiveServer:
        """Serve, and wait until ``/healthz`` answers (at most 10 s)."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving and remove the database."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self.app.extensions["khongvoi.store"].dispose()
        self._tmp.cleanup()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
