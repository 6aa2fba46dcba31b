"""The one error the write service raises for a refused change: an HTTP status, a stable
code and the reason in Vietnamese and English. Flask-free; ``create_app`` answers it in the
one error shape (JSON under ``/api/``, a plain page elsewhere)."""

from __future__ import annotations

from typing import Any

from .i18n import render

__all__ = ["Refused"]


class Refused(Exception):
    """A write (or its preparation) refused: nothing was changed."""

    def __init__(
        self, status: int, code: str, message: str, message_en: str | None = None, **params: Any
    ) -> None:
        """``message`` is Vietnamese with ``{name}`` placeholders filled from ``params``; its
        English comes from the catalogue (:mod:`server.i18n`) unless ``message_en`` is given
        (a message passed through from the core, which has its own pair)."""
        self.status = status
        self.code = code
        self.message = render(message, False, params)
        if message_en is None:
            self.message_en = render(message, True, params)
        else:
            self.message_en = message_en.format(**params) if params else message_en
        super().__init__(f"{status} {code}: {self.message_en}")
