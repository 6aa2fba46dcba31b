"""Operations: health, metrics, structured logs, degraded modes, proxy headers.

``init_ops(app)`` is called once by ``create_app()``; each part reads its settings from the
app config (see ``server.config.Defaults`` and README "Vận hành / Operations").
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask, Response

__all__ = ["init_ops", "json_error"]


def json_error(
    status: int, code: str, message: str, message_en: str | None = None, **extra: Any
) -> Response:
    """The one JSON error shape for the operations routes (which live outside ``/api/``);
    the English of ``message`` comes from the catalogue (:mod:`server.i18n`) unless given."""
    from ..errors import wants_english
    from ..i18n import english

    text = message
    if wants_english():
        text = english(message) if message_en is None else message_en
    body: dict[str, Any] = {"error": {"code": code, "message": text}}
    body.update(extra)
    return Response(orjson.dumps(body), status=status, mimetype="application/json")


def init_ops(app: Flask) -> None:
    """Wire proxy headers, request logs, metrics, /readyz and the degraded-mode handlers."""
    from . import degraded, health, lists_notify, logs, metrics, proxy

    proxy.init_proxy(app)
    logs.init_logs(app)
    metrics.init_metrics(app)
    health.init_health(app)
    degraded.init_degraded(app)
    lists_notify.init_lists_notify(app)
