"""The one error the write service raises for a refused change: an HTTP status, a stable
code and the reason in Vietnamese and English. Flask-free; ``create_app`` answers it in the
one error shape (JSON under ``/api/``, a plain page elsewhere)."""

from __future__ import annotations

__all__ = ["Refused"]


class Refused(Exception):
    """A write (or its preparation) refused: nothing was changed."""

    def __init__(self, status: int, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{status} {code}: {message_en}")
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
