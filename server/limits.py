"""Rate limits (Flask-Limiter): per client IP, counters in memory or in Redis.

Limits are read from the app config at request time (``RATELIMIT_CHECK``, …), so a
deployment or a test changes them without code. ``REDIS_URL`` makes several workers share
the counters. A refused request gets 429 with ``Retry-After`` in the one JSON error shape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

__all__ = ["init_limiter", "limit", "limiter"]


def _client() -> str:
    """Who spends the budget: the API key when one is given, else the client address."""
    from .auth import current_key

    key = current_key()
    return f"key:{key.id}" if key is not None else get_remote_address()


limiter = Limiter(key_func=_client, headers_enabled=True)


def limit(
    config_key: str, deduct_when: Callable[[Response], bool] | None = None
) -> Callable[[Any], Any]:
    """Decorate a view with the limit named by ``config_key`` in the app config.

    ``deduct_when(response)``: count a request only when it is true (for example, only
    accepted reports), while a caller over the limit is still refused.
    When ``RATELIMIT_ENABLED`` is false the view is called directly, without Flask-Limiter's
    bookkeeping (which otherwise costs as much as the check itself).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        limited = limiter.limit(lambda: _limit_for(config_key), deduct_when=deduct_when)(view)

        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if current_app.config["RATELIMIT_ENABLED"]:
                return limited(*args, **kwargs)
            return view(*args, **kwargs)

        return inner

    return decorate


def _limit_for(config_key: str) -> str:
    """The configured limit, or the higher ``RATELIMIT_WITH_KEY`` for callers with a key."""
    from .auth import current_key

    if current_key() is not None:
        return current_app.config["RATELIMIT_WITH_KEY"]  # type: ignore[no-any-return]
    return current_app.config[config_key]  # type: ignore[no-any-return]


def init_limiter(app: Flask) -> None:
    """Configure storage from ``REDIS_URL`` (else memory) and attach to ``app``."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "khongvoi")
    if redis_url:  # Redis down: see server/ops/degraded.py (memory | open | closed)
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS",
            {"socket_connect_timeout": 1, "socket_timeout": 1, "wrap_exceptions": True},
        )
        mode = str(app.config.get("RATELIMIT_REDIS_DOWN", "memory")).lower()
        if mode not in ("memory", "open", "closed"):
            raise ValueError(f"RATELIMIT_REDIS_DOWN must be memory, open or closed: {mode!r}")
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", mode == "memory")
        app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", mode == "open")
    limiter.init_app(app)
