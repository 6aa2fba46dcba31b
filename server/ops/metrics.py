"""``GET /metrics``: Prometheus text format (``prometheus-client``), multiprocess-safe.

Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (``deploy/gunicorn.conf.py``
does, and clears it at start): each worker then writes its samples there and any worker
answers ``/metrics`` with the sum over all. Without it the samples are this process's.

Access: with ``METRICS_TOKEN`` set, ``Authorization: Bearer <token>`` is required; without a
token only the addresses in ``METRICS_ALLOW`` (default loopback) may read it — behind nginx
that address is the real client once ``ProxyFix`` is configured, and the nginx config
denies ``/metrics`` anyway. ``METRICS_ENABLED = False`` removes the route (404).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from typing import Any

from flask import Flask, Response, current_app, g, request


def _multiproc_dir() -> None:
    """Make ``PROMETHEUS_MULTIPROC_DIR`` exist before prometheus-client reads it (a CLI
    command run with the service's environment, e.g. ``flask db backup``, would fail
    otherwise); when it cannot be made, fall back to this process's own samples."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        try:
            os.makedirs(path, exist_ok=True)
        except OSError:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR")


_multiproc_dir()

from prometheus_client import (  # noqa: E402
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)

disable_created_metrics()  # the *_created series double the output for nothing we use

__all__ = ["init_metrics"]

REQUESTS = Counter(
    "khongvoi_http_requests",
    "HTTP requests by route, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "khongvoi_request_duration_seconds",
    "Time to answer, by route",
    ["route"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CHECK_LATENCY = Histogram(
    "khongvoi_check_duration_seconds",
    "Time to answer a check or a batch of checks",
    ["kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
VERDICTS = Counter("khongvoi_verdicts", "Checked URLs by verdict", ["verdict"])
CACHE = Counter("khongvoi_check_cache_lookups", "Response cache lookups", ["result"])
RATE_LIMITED = Counter("khongvoi_rate_limited", "Requests refused by a rate limit (429)", ["route"])
RESOLVER = Counter(
    "khongvoi_resolver_outcomes", "Shortened links followed, by outcome", ["outcome"]
)
DB_ERRORS = Counter("khongvoi_database_errors", "Database operations that failed", ["where"])
REDIS_ERRORS = Counter("khongvoi_redis_errors", "Rate-limit storage failures", ["mode"])
LISTS_VERSION = Gauge(
    "khongvoi_lists_version", "Lists version this worker answers from", multiprocess_mode="max"
)
CACHE_BYTES = Gauge(
    "khongvoi_check_cache_bytes",
    "Bytes held by this worker's response cache (as of the last /metrics it served)",
    multiprocess_mode="liveall",
)
CACHE_LIMIT = Gauge(
    "khongvoi_check_cache_limit_bytes",
    "Byte bound of this worker's response cache (CHECK_CACHE_BYTES)",
    multiprocess_mode="liveall",
)
LISTS_AGE = Gauge(
    "khongvoi_lists_age_seconds",
    "Seconds since this worker last confirmed its lists with the database",
    multiprocess_mode="max",
)

_CHECK_ROUTES = {"api.check": "check", "api.check_batch": "batch"}


def _registry() -> Any:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    allow = current_app.config.get("METRICS_ALLOW", ("127.0.0.1/32", "::1/128"))
    try:
        addr = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(addr in ipaddress.ip_network(net, strict=False) for net in allow)


def _metrics() -> Response:
    from . import json_error

    if not _allowed():
        return json_error(
            403,
            "forbidden",
            "Không được xem số liệu vận hành.",
        )
    svc = current_app.extensions["khongvoi.checker"]
    if svc._checker is not None:
        LISTS_VERSION.set(svc._checker.version)
    cache = svc._cache
    if cache.by_bytes:
        CACHE_BYTES.set(cache.currsize)
        CACHE_LIMIT.set(cache.maxsize)
    if svc.last_synced:
        LISTS_AGE.set(max(0.0, time.time() - svc.last_synced))
    return Response(
        generate_latest(_registry()), mimetype=None, headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


_CHILDREN: dict[tuple[object, tuple[str, ...]], Any] = {}


def _child(metric: Any, *values: str) -> Any:
    """``metric.labels(*values)``, remembered: ``labels()`` takes a lock and rebuilds its key on
    every call, a cost paid several times per request. Filled lazily, so in the gunicorn
    worker that serves the requests (children made before a fork would write the master's
    multiprocess files)."""
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return child


def _observe(response: Response) -> Response:
    rule = request.url_rule
    route = rule.rule if rule is not None else "(unmatched)"
    status = response.status_code
    _child(REQUESTS, route, request.method, str(status)).inc()
    started = g.get("started")
    if started is not None:
        took = time.perf_counter() - started
        _child(LATENCY, route).observe(took)
        kind = _CHECK_ROUTES.get(request.endpoint or "")
        if kind is not None and status < 400:
            _child(CHECK_LATENCY, kind).observe(took)
    if status == 429:
        _child(RATE_LIMITED, route).inc()
    return response


def _instrument(app: Flask) -> None:
    """Count verdicts, cache lookups, resolver outcomes and poll failures of the service."""
    svc = app.extensions["khongvoi.checker"]
    count = svc.count

    def counted(verdict: str, domain: str, n: int = 1) -> None:
        _child(VERDICTS, verdict).inc(n)
        count(verdict, domain, n)

    svc.count = counted
    count_many = svc.count_many

    def counted_many(counts: dict[tuple[str, str], int]) -> dict[str, int]:
        per_verdict = count_many(counts)
        for verdict, n in per_verdict.items():
            _child(VERDICTS, verdict).inc(n)
        return per_verdict

    svc.count_many = counted_many
    svc._cache.on_lookup = lambda hit, n: _child(CACHE, "hit" if hit else "miss").inc(n)
    svc.on_poll_error = lambda exc: DB_ERRORS.labels("lists_poll").inc()
    resolver = svc.resolver
    if resolver is not None:
        resolve = resolver.resolve

        def resolved(url: str) -> Any:
            res = resolve(url)
            if res.error is not None:
                outcome = str(res.error)
            elif res.final_url is None or res.final_url == url:
                outcome = "unchanged"
            else:
                outcome = "resolved"
            RESOLVER.labels(outcome[:40]).inc()
            return res

        resolver.resolve = resolved


def init_metrics(app: Flask) -> None:
    _instrument(app)
    app.after_request(_observe)
    if app.config.get("METRICS_ENABLED", True):
        app.add_url_rule("/metrics", "metrics", _metrics, methods=["GET"])
