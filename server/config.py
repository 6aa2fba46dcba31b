"""Configuration defaults.

``create_app()`` reads, in order: these defaults, then ``instance/config.py`` (if present),
then environment variables prefixed ``KHONGVOI_`` (values parsed as JSON when they can be,
e.g. ``KHONGVOI_RESOLVE_SHORTENERS=true``), then ``DATABASE_URL``, ``REDIS_URL`` and
``SECRET_KEY`` without prefix, then the ``test_config`` mapping given by tests. Nothing is
read at import time.
"""

from __future__ import annotations


class Defaults:
    """Settings every deployment starts from."""

    #: SQLAlchemy URL; None means ``sqlite:///<instance>/khongvoi.sqlite3``.
    DATABASE_URL: str | None = None
    #: Redis for rate-limit counters shared by several workers; None keeps them in memory.
    REDIS_URL: str | None = None
    #: Secret for sessions and CSRF; None makes one and keeps it in ``instance/secret_key``.
    SECRET_KEY: str | None = None
    #: How often (seconds) a worker asks the database whether the lists changed.
    LISTS_POLL_SECONDS = 1.0
    #: With REDIS_URL: publish a notice on every lists change and listen for the others'
    #: (Redis pub/sub on LISTS_CHANNEL), so other workers rebuild at once; the poll stays.
    LISTS_NOTIFY = True
    LISTS_CHANNEL = "khongvoi:lists"
    #: Responses cached per (URL, language) until the lists change: at most this many bytes
    #: per worker (about 40,000 typical responses); ``None`` bounds by CHECK_CACHE_SIZE.
    CHECK_CACHE_BYTES: int | None = 64 * 1024 * 1024
    #: Count bound, used only when CHECK_CACHE_BYTES is None.
    CHECK_CACHE_SIZE = 50_000
    #: Most URLs in one ``POST /api/v1/check/batch``.
    BATCH_MAX = 1000
    #: Largest request body: a full batch of long URLs fits.
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    #: Look for imitations of official sources (lookalike domains) on unlisted URLs.
    LOOKALIKE = True
    #: Follow URL shorteners over the network (SSRF-guarded); ``make run`` turns it on.
    RESOLVE_SHORTENERS = False
    #: Rate limits (Flask-Limiter syntax); ``RATELIMIT_ENABLED = False`` turns them off.
    RATELIMIT_ENABLED = True
    RATELIMIT_CHECK = "600 per minute"
    RATELIMIT_BATCH = "60 per minute"
    RATELIMIT_REPORTS = "10 per minute; 100 per day"
    #: Limit for callers with an API key (``check`` or ``admin`` scope), counted per key.
    RATELIMIT_WITH_KEY = "6000 per minute"
    #: Origins allowed by CORS besides browser extensions.
    CORS_ORIGINS: tuple[str, ...] | list[str] = ()
    #: Sign-in attempts per address (wrong passwords lock out for the rest of the window).
    RATELIMIT_LOGIN = "10 per minute; 50 per hour"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set true behind HTTPS (``KHONGVOI_SESSION_COOKIE_SECURE=true``); ``make run`` is plain HTTP.
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    #: Check counters are kept in memory and written at most this often (seconds).
    STATS_FLUSH_SECONDS = 30.0

    # -- operations (server/ops; README "Vận hành / Operations") ---------------------------
    #: ``json`` writes one JSON line per request and per error on standard error.
    LOG_FORMAT = "json"
    #: ``GET /metrics``; with a token it needs ``Authorization: Bearer <token>``, without one
    #: only the addresses below may read it.
    METRICS_ENABLED = True
    METRICS_TOKEN: str | None = None
    METRICS_ALLOW: tuple[str, ...] | list[str] = ("127.0.0.1/32", "::1/128")
    #: Proxies in front that set X-Forwarded-For / -Proto / -Host / -Port / -Prefix (0: ignore).
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    #: Redis unreachable: ``memory`` (count per instance), ``open`` (no limits), ``closed`` (503).
    RATELIMIT_REDIS_DOWN = "memory"
