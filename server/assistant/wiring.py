"""Wiring the assistant into the app (called once by ``create_app``).

Settings (instance config or ``KHONGVOI_`` environment, read here with these defaults):

* ``FEEDS_DIR`` (``instance/feeds``): the only folder the web admin and API may read feed
  files from;
* ``FEEDS_MAX_BYTES`` (64 MiB): the largest feed accepted;
* ``ASSISTANT_HOSTS`` (none): ``{name: address}`` answered instead of DNS (tests' mapped
  hostnames; an unmapped name then does not resolve);
* ``ASSISTANT_TRUSTED`` (none): ``host:port`` pairs exempt from the public-address check, and
  ``ASSISTANT_CA_BUNDLE`` (system store): certificates to trust (the tests' own CA);
* ``ASSISTANT_PORTS`` (``{"https": 443, "http": 80}``): where sites are probed.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from pathlib import Path
from typing import Any

from .feeds import FeedService
from .fetch import GuardedFetcher
from .store import FeedStore

__all__ = ["assistant", "init_assistant", "mapped_resolver"]


def mapped_resolver(hosts: dict[str, str]) -> Any:
    """A ``getaddrinfo`` that knows only ``hosts`` (name → address) and literal addresses."""

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        address = hosts.get(host.rstrip(".").lower())
        with contextlib.suppress(ValueError):
            address = str(ipaddress.ip_address(host))  # a literal address is itself
        if address is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


def make_fetcher(config: Any, **limits: Any) -> GuardedFetcher:
    """The guarded fetcher configured for this app."""
    hosts = config.get("ASSISTANT_HOSTS")
    return GuardedFetcher(
        resolver=mapped_resolver(dict(hosts)) if hosts else socket.getaddrinfo,
        trusted=frozenset(config.get("ASSISTANT_TRUSTED") or ()),
        ca_bundle=config.get("ASSISTANT_CA_BUNDLE"),
        cache_ttl=1.0,
        **limits,
    )


def init_assistant(app: Any) -> None:
    """Attach the feed store and service, and feed the checker service's feed index."""
    store = app.extensions["khongvoi.store"]
    feeds = FeedStore(store.engine)
    checker = app.extensions["khongvoi.checker"]
    feeds_dir = Path(app.config.get("FEEDS_DIR") or Path(app.instance_path) / "feeds")
    service = FeedService(
        feeds,
        make_fetcher(app.config, hop_timeout=10.0, total_timeout=60.0),
        checker.tables.platforms,
        feeds_dir=feeds_dir,
        max_bytes=int(app.config.get("FEEDS_MAX_BYTES") or 64 << 20),
    )
    app.extensions["khongvoi.feeds"] = service
    checker.feed_loader = _Loader(feeds)


class _Loader:
    """Reads the feeds version, tolerating a schema not created yet (before ``init-db``)."""

    def __init__(self, feeds: FeedStore) -> None:
        self.feeds = feeds

    def version(self) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return self.feeds.version()
        except SQLAlchemyError:  # no feeds tables yet: no feed entries
            return 0

    def load_entries(self) -> tuple[int, tuple[tuple[str, str, str], ...]]:
        return self.feeds.load_entries()


def assistant() -> FeedService:
    """The app's feed service (inside a request or app context)."""
    from flask import current_app

    return current_app.extensions["khongvoi.feeds"]  # type: ignore[no-any-return]
