"""Lists-changed notices over Redis pub/sub, so that other workers rebuild at once.

Every worker polls the lists version every ``LISTS_POLL_SECONDS`` (server/check_service.py):
that poll stays the one source of truth and the fallback. When ``REDIS_URL`` is set (and
``LISTS_NOTIFY`` is true, the default), a worker that changed the lists also publishes the
new version on the channel ``LISTS_CHANNEL``; every worker listens in a daemon thread and,
on a version other than its own, polls the database at once (in that thread: requests go on
with the lists already loaded while it rebuilds). A rule added on one instance is then in
force on the others after a round trip and a rebuild instead of up to one poll interval
later.

Redis unreachable is a degraded mode, never an error: a failed publish is logged once per
outage and the write still succeeds; the listener logs once, retries every few seconds and,
once subscribed again, polls at once (a notice may have been missed meanwhile). Other
workers see the change at their next poll in the meantime, as without Redis.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["ListsNotifier", "init_lists_notify"]

log = logging.getLogger(__name__)

#: Seconds between attempts to subscribe again while Redis does not answer.
RETRY_SECONDS = 2.0


class ListsNotifier:
    """Publishes this worker's lists changes; listens for the others' (one thread)."""

    def __init__(self, url: str, channel: str = "khongvoi:lists") -> None:
        import redis

        self.url = url
        self.channel = channel
        # Short timeouts: a publish happens inside an admin request; a Redis that does not
        # answer must cost that request well under a second, not the socket's default.
        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, retry_on_timeout=False
        )
        self._publish_failing = False
        self._listen_failing = False
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        #: Subscribed now (for tests and /metrics-style probes).
        self.subscribed = threading.Event()

    # -- publishing ---------------------------------------------------------------------
    def publish(self, version: int) -> None:
        """Tell the other workers that the lists are at ``version`` (never raises)."""
        try:
            self._client.publish(self.channel, str(version))
        except Exception as exc:  # Redis down or refusing: the others poll, as without it
            if not self._publish_failing:
                log.warning(
                    "lists change (version %s) not published: Redis unreachable; other "
                    "workers see it at their next poll: %s",
                    version,
                    exc,
                )
            self._publish_failing = True
            return
        if self._publish_failing:
            log.warning("lists change notices published again (version %s)", version)
        self._publish_failing = False

    # -- listening ----------------------------------------------------------------------
    def start(self, service: Any) -> None:
        """Listen for ``service`` in this process (again after a fork; cheap when running)."""
        pid = os.getpid()
        if self._pid == pid and self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._pid == pid and self._thread is not None and self._thread.is_alive():
                return
            self._pid = pid
            self._stop.clear()
            self.subscribed.clear()
            ref = weakref.ref(service)
            self._thread = threading.Thread(
                target=self._run, args=(ref,), daemon=True, name="khongvoi-lists-notify"
            )
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the listener thread (tests; a worker's thread ends with it otherwise)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)

    def _run(self, ref: weakref.ReferenceType[Any]) -> None:
        import redis

        while not self._stop.is_set() and ref() is not None:
            pubsub = None
            try:
                client = redis.Redis.from_url(
                    self.url, socket_connect_timeout=1, socket_timeout=5, health_check_interval=5
                )
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                pubsub.get_message(timeout=1.0)  # the subscription's confirmation
                self.subscribed.set()
                if self._listen_failing:
                    log.warning("lists change notices received again from Redis")
                    self._listen_failing = False
                    _poll(ref, None)  # a notice may have been missed while Redis was away
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "message":
                        _poll(ref, message.get("data"))
                    elif ref() is None:
                        return
            except Exception as exc:  # Redis down: the poll alone keeps the lists current
                self.subscribed.clear()
                if not self._listen_failing:
                    log.warning(
                        "lists change notices unavailable (Redis unreachable); relying on "
                        "the lists poll; retrying every %.0f s: %s",
                        RETRY_SECONDS,
                        exc,
                    )
                self._listen_failing = True
                self._stop.wait(RETRY_SECONDS)
            finally:
                self.subscribed.clear()
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # already broken
                        pubsub.close()


def _poll(ref: weakref.ReferenceType[Any], data: Any) -> None:
    """Poll the database now unless the notice names the version already loaded."""
    service = ref()
    if service is None:
        return
    try:
        version = int(data) if data is not None else None
    except (TypeError, ValueError):
        version = None
    current = service.loaded_version()
    if version is not None and current is not None and version <= current:
        return  # our own notice, or one we are already past
    service.poll_now()


def init_lists_notify(app: Flask) -> None:
    """Give the checker service a notifier when Redis is configured (``LISTS_NOTIFY``)."""
    url = app.config.get("REDIS_URL")
    if not url or not app.config.get("LISTS_NOTIFY", True):
        return
    notifier = ListsNotifier(url, str(app.config.get("LISTS_CHANNEL", "khongvoi:lists")))
    app.extensions["khongvoi.lists_notifier"] = notifier
    app.extensions["khongvoi.checker"].notifier = notifier
