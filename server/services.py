"""How views and commands reach the write service ``create_app`` built: :func:`lists`."""

from __future__ import annotations

from flask import current_app

from .lists_service import ListsService

__all__ = ["lists"]


def lists() -> ListsService:
    """The app's :class:`~server.lists_service.ListsService` (inside an app context): the one
    door for every change to the lists and their queues, and its ``store`` for reads."""
    return current_app.extensions["khongvoi.lists"]  # type: ignore[no-any-return]
