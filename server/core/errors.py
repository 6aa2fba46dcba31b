"""Errors the checking core raises, each with a stable code and messages in both languages."""

from __future__ import annotations

__all__ = ["InvalidRule", "InvalidURL", "KhongVoiError"]


class KhongVoiError(ValueError):
    """A refusal with a stable ``code`` and a Vietnamese ``message`` (English in ``message_en``)."""

    code = "invalid"

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message = message
        self.message_en = message_en

    def message_for(self, lang: str) -> str:
        """The message in ``lang`` (``"en"`` or Vietnamese for anything else)."""
        return self.message_en if lang == "en" else self.message


class InvalidURL(KhongVoiError):
    """What was given is not a web address the checker can judge."""


class InvalidRule(KhongVoiError):
    """A rule pattern or field that cannot go on a list."""
