"""``ProxyFix`` from the ``PROXY_FIX_*`` settings: how many proxies set each header.

Behind one nginx set ``KHONGVOI_PROXY_FIX_X_FOR=1`` and ``KHONGVOI_PROXY_FIX_X_PROTO=1``: the
client address (rate limits, logs) then comes from ``X-Forwarded-For`` as written by that
proxy. Left at 0 (the default) the headers are ignored, so a client reaching the app
directly cannot forge its address.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

__all__ = ["init_proxy"]

_HEADERS = ("for", "proto", "host", "port", "prefix")


def init_proxy(app: Flask) -> None:
    counts = {h: int(app.config.get(f"PROXY_FIX_X_{h.upper()}", 0) or 0) for h in _HEADERS}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **{f"x_{h}": n for h, n in counts.items()})
