"""``GET /readyz``: ready to serve (the load balancer's question); ``/healthz`` stays liveness.

200 ``{"status": "ready", "checks": {...}}`` when the database answers ``SELECT 1``, Redis
answers ``PING`` (only when ``REDIS_URL`` is set) and the lists are loaded; otherwise 503 in
the one JSON error shape whose message names what is down, with the same ``checks`` map.
Every probe is made afresh on each call (with a short timeout), so the answer turns back to
200 by itself when the parts come back.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy import text

from ..i18n import N_, render

__all__ = ["init_health", "probe"]

#: What is down → (Vietnamese, English) words for the message.
#: The parts /readyz checks, as an operator reads them (English in the catalogue).
_NAMES = {
    "database": N_("cơ sở dữ liệu"),
    "redis": N_("Redis (bộ đếm giới hạn truy cập)"),
    "lists": N_("danh sách nguồn chính thức (chưa nạp được)"),
}


def _database(app: Flask) -> bool:
    from .metrics import DB_ERRORS

    try:
        with app.extensions["khongvoi.store"].engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        DB_ERRORS.labels("readyz").inc()
        return False


def _redis(app: Flask) -> bool | None:
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("khongvoi.redis_probe")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        app.extensions["khongvoi.redis_probe"] = client
    try:
        return bool(client.ping())
    except Exception:
        return False


def _lists(app: Flask) -> bool:
    svc = app.extensions["khongvoi.checker"]
    try:
        svc.checker()  # loads them if not yet (and keeps the last ones if the DB is down)
    except Exception:
        return False
    return svc._checker is not None


def probe(app: Flask) -> dict[str, bool]:
    """Each part → whether it answers (Redis only when configured)."""
    checks: dict[str, Any] = {"database": _database(app)}
    redis_ok = _redis(app)
    if redis_ok is not None:
        checks["redis"] = redis_ok
    checks["lists"] = _lists(app)
    return checks


def _readyz() -> Response:
    from . import json_error

    checks = probe(current_app)  # type: ignore[arg-type]
    down = [name for name, ok in checks.items() if not ok]
    if not down:
        return Response(
            b'{"status":"ready","checks":' + _dump(checks) + b"}",
            mimetype="application/json",
            headers={"Cache-Control": "no-store"},
        )
    not_ready = N_("Chưa sẵn sàng — không hoạt động: {parts}.")
    parts = {en: "; ".join(render(_NAMES[n], en) for n in down) for en in (False, True)}
    resp = json_error(
        503,
        "not_ready",
        render(not_ready, False, {"parts": parts[False]}),
        render(not_ready, True, {"parts": parts[True]}),
        checks=checks,
        down=down,
    )
    resp.headers["Retry-After"] = "5"
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _dump(obj: Any) -> bytes:
    import orjson

    return orjson.dumps(obj)


def init_health(app: Flask) -> None:
    app.add_url_rule("/readyz", "readyz", _readyz, methods=["GET"])
