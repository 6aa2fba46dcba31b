"""Structured logs: one JSON line per request and JSON error lines with their stack trace.

Each request gets an id: the caller's ``X-Request-Id`` when it is sane (1–128 letters,
digits, ``._-``), else a new one; it is echoed in the response header and written on every
log line of that request. The access line carries the path only — never the query string,
which holds the checked URL (possibly with tokens), and never a header or a body.
``LOG_FORMAT = "json"`` (default) installs a JSON handler on standard error once per
process; ``"plain"`` leaves logging as the host configured it.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

__all__ = ["ACCESS", "RequestIdFilter", "init_logs", "json_formatter"]

ACCESS = logging.getLogger("khongvoi.access")
HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_MARK = "_khongvoi_json"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


_FILTER = RequestIdFilter()


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )


def _install_handler() -> None:
    root = logging.getLogger()
    if any(getattr(h, _MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler.addFilter(_FILTER)
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # we write the access lines
    logging.getLogger("flask-limiter").setLevel(logging.INFO)  # "storage recovered" lines


def _begin() -> None:
    given = request.headers.get(HEADER, "")
    g.request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(unmatched)"


def _end(response: Response) -> Response:
    rid = g.get("request_id")
    if rid:
        response.headers[HEADER] = rid
    started = g.get("started")
    duration = time.perf_counter() - started if started is not None else 0.0
    g.duration = duration
    ACCESS.info(
        "request",
        extra={
            "request_id": rid,
            "method": request.method,
            "route": _route(),
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration * 1000, 3),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def init_logs(app: Flask) -> None:
    ACCESS.setLevel(logging.INFO)
    ACCESS.addFilter(_FILTER)
    if str(app.config.get("LOG_FORMAT", "json")).lower() == "json":
        _install_handler()
    app.before_request(_begin)
    app.after_request(_end)
