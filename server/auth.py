"""API authentication: ``Authorization: Bearer <key>`` with a scope (``check`` or ``admin``).

A ``check`` key raises the caller's rate limits; an ``admin`` key opens the admin API.
Missing or unknown keys on admin routes get 401, keys of the wrong scope 403, both in the one
JSON error shape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request

from .errors import ApiError
from .store.accounts import Actor, ApiKey

__all__ = ["actor", "check_scope", "current_key", "require_scope"]


def current_key() -> ApiKey | None:
    """The request's valid API key, if it sent one (looked up once per request)."""
    if "api_key" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.strip().partition(" ")
        key = None
        if scheme.lower() == "bearer" and token.strip() and len(header) < 200:  # RFC 7235 §2.1
            key = current_app.extensions["khongvoi.store"].verify_key(token.strip())
        g.api_key = key
    return g.api_key  # type: ignore[no-any-return]


def check_scope(scope: str) -> ApiKey:
    """The request's key if it is live and has ``scope``; else 401 (no or unknown key) or
    403 (another scope)."""
    key = current_key()
    if key is None:
        raise ApiError(401, "unauthorized", "Cần khóa API hợp lệ (Authorization: Bearer …).")
    if key.scope != scope:
        raise ApiError(403, "forbidden", "Khóa API này không có quyền “{scope}”.", scope=scope)
    return key


def require_scope(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the view unless the request carries a live key with ``scope``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            check_scope(scope)
            return view(*args, **kwargs)

        inner.required_scope = scope  # type: ignore[attr-defined]
        return inner

    return decorate


def actor(reason: str = "") -> Actor:
    """Who is acting, for the audit log: the key's name and id, and the client address."""
    key = current_key()
    name = f"key:{key.id}:{key.name}" if key else "anonymous"
    return Actor(name, request.remote_addr or "", reason)
