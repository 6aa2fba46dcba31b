"""Degraded modes: the database or Redis does not answer.

* **Database.** Checks keep answering from the lists already loaded (the poll in
  ``server/check_service.py`` keeps them and tries again every interval). A request that needs the
  database — a write, an admin page, an API key lookup — gets 503 ``database_unavailable``
  (JSON under ``/api/``, a Vietnamese page elsewhere). Each write runs in one transaction, so
  a write that failed has changed nothing. Connection failures, timeouts and refused
  privileges (SQLSTATE classes 08, 53, 57P and 42501) count as "unavailable"; other database
  errors stay bugs (500, logged with their stack trace).
* **Redis** (rate-limit counters). ``RATELIMIT_REDIS_DOWN`` decides, with a log line each
  time the mode engages: ``memory`` (default) counts per instance in memory until Redis
  answers again (Flask-Limiter's in-memory fallback, re-checked with back-off); ``open``
  lets requests through unlimited; ``closed`` refuses limited routes with 503
  ``rate_limit_unavailable``. Never a 500.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request

__all__ = ["DB_UNAVAILABLE", "init_degraded", "is_unavailable"]

log = logging.getLogger(__name__)

DB_UNAVAILABLE = (
    "Cơ sở dữ liệu tạm thời không truy cập được nên chưa lưu gì; vui lòng thử lại sau ít phút. "
    "Việc kiểm tra đường link vẫn hoạt động.",
    "The database cannot be reached for now, so nothing was saved; please try again in a few "
    "minutes. Checking links still works.",
)
_UNAVAILABLE_STATES = ("08", "53", "57P", "42501")


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means the database cannot serve us (not a bug in a query)."""
    from sqlalchemy import exc as sa

    if isinstance(exc, (sa.OperationalError, sa.InterfaceError, sa.TimeoutError)):
        return True
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return True
        state = getattr(exc.orig, "sqlstate", None) or ""
        return state.startswith(_UNAVAILABLE_STATES)
    return False


def _database_error(exc: Exception) -> Response:
    from ..errors import _unexpected, error_response
    from .metrics import DB_ERRORS

    if not is_unavailable(exc):
        return _unexpected(exc)
    DB_ERRORS.labels("request").inc()
    log.error(
        "database unavailable on %s %s: %s",
        request.method,
        request.path,
        str(exc).splitlines()[0][:300],
    )
    resp = error_response(503, "database_unavailable", *DB_UNAVAILABLE)
    resp.headers["Retry-After"] = "30"
    return resp


def _limits_error(exc: Exception) -> Response:
    from ..errors import error_response
    from .metrics import REDIS_ERRORS

    REDIS_ERRORS.labels("closed").inc()
    log.error(
        "rate-limit storage unreachable (RATELIMIT_REDIS_DOWN=closed): refusing %s %s: %s",
        request.method,
        request.path,
        exc,
    )
    resp = error_response(
        503,
        "rate_limit_unavailable",
        "Hệ thống đếm lượt truy cập tạm thời gián đoạn; vui lòng thử lại sau ít phút.",
        "The rate-limit service is briefly unavailable; please try again in a few minutes.",
    )
    resp.headers["Retry-After"] = "10"
    return resp


def init_degraded(app: Flask) -> None:
    from limits.errors import StorageError
    from redis.exceptions import RedisError
    from sqlalchemy.exc import DBAPIError, TimeoutError

    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(TimeoutError, _database_error)
    app.register_error_handler(StorageError, _limits_error)
    app.register_error_handler(RedisError, _limits_error)
