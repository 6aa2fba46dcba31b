"""Không Vội: the Flask service. ``create_app()`` is the one place that wires the parts.

Run it with ``flask --app server run`` (development) or ``gunicorn "server:create_app()"``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Defaults

if TYPE_CHECKING:
    from flask import Flask, Response


__all__ = ["create_app"]


def _secret_key(instance: Path) -> str:
    """The instance's secret key, created on first start (never committed)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KHONGVOI")
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if test_config is not None:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'khongvoi.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)


def _resolver(app: Flask) -> Any:
    if not app.config["RESOLVE_SHORTENERS"]:
        return None
    from .unmask import LinkResolver

    return LinkResolver()


#: The largest id a database integer column holds (SQLite INTEGER, PostgreSQL BIGINT).
MAX_ID = 2**63 - 1


def _refuse_huge_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A ``<int:…>`` id above :data:`MAX_ID` names nothing: 404 before any view runs, never
    an ``OverflowError`` from the database driver (a 500). (A bounded URL converter would
    not do: werkzeug then answers 405 when the same path has other methods.)"""
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        from werkzeug.exceptions import NotFound

        raise NotFound()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: config, store, checker service, blueprints, CLI."""
    from flask import Flask, Response  # here, so that ``server.core`` imports without Flask

    app = Flask(__name__, instance_relative_config=True)
    app.url_value_preprocessor(_refuse_huge_ids)
    _configure(app, test_config)

    from flask_wtf.csrf import CSRFProtect

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .check_service import CheckerService
    from .cli import register_cli
    from .cors import init_cors
    from .errors import register_error_handlers
    from .limits import init_limiter
    from .lists_service import ListsService
    from .public import bp as public_bp
    from .store import SQLStore

    store = SQLStore(app.config["DATABASE_URL"])
    app.extensions["khongvoi.store"] = store
    checker = app.extensions["khongvoi.checker"] = CheckerService(
        store,
        poll_seconds=float(app.config["LISTS_POLL_SECONDS"]),
        cache_size=int(app.config["CHECK_CACHE_SIZE"]),
        lookalike=bool(app.config["LOOKALIKE"]),
        resolver=_resolver(app),
        stats_flush_seconds=float(app.config["STATS_FLUSH_SECONDS"]),
        cache_bytes=app.config.get("CHECK_CACHE_BYTES"),
    )
    app.extensions["khongvoi.lists"] = ListsService(store, checker)  # every write goes here
    from .assistant.wiring import init_assistant

    init_assistant(app)
    register_error_handlers(app)
    from .ops import init_ops

    init_ops(app)
    init_cors(app)
    init_limiter(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(public_bp)  # /, /share, the web app
    csrf = CSRFProtect(app)
    csrf.exempt(api_bp)  # the API uses bearer keys, not cookies
    csrf.exempt("server.public.views.index")  # a check changes nothing (the form posts
    csrf.exempt("server.public.views.share")  # only because long messages need it)
    register_cli(app)

    @app.get("/healthz")
    def healthz() -> Response:  # type: ignore[valid-type]
        return Response(b'{"status":"ok"}', mimetype="application/json")

    return app
