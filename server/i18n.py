"""Vietnamese first, English from one gettext catalogue.

The service's own messages (refusals and errors raised by the web layer: :class:`ApiError`,
:class:`~server.refusals.Refused`) are written once, in Vietnamese, where they are raised;
the Vietnamese text is the gettext ``msgid`` and its English is the ``msgstr`` of
``server/locale/en/LC_MESSAGES/messages.po``, a standard PO file that translators' tools and
Babel (``pybabel extract -F babel.cfg``) read and update. Placeholders are ``str.format``
names (``{most}``), filled after the lookup, so a translation may put them anywhere.

Decisions: the catalogue is read with Babel's PO reader on first use (no compiled ``.mo``
to keep in step); a message missing from the catalogue answers in Vietnamese rather than
failing (``tests/unit/test_catalogue.py`` fails the build instead). The pure core keeps its
own table of reasons and refusals (``server/core/messages.py``): it imports no framework,
and the browser extension reads the same messages from the shared cases.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

__all__ = ["CATALOGUE", "N_", "english", "render"]

#: The English catalogue (msgid: Vietnamese, msgstr: English).
CATALOGUE = Path(__file__).with_name("locale") / "en" / "LC_MESSAGES" / "messages.po"


def N_(message: str) -> str:
    """Mark a Vietnamese message for the catalogue where it is not raised directly (tables)."""
    return message


@functools.cache
def _english() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as f:
        catalog = read_po(f)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def english(message: str) -> str:
    """The English of a Vietnamese ``message`` (the message itself when none is known)."""
    return _english().get(message, message)


def render(message: str, en: bool, params: dict[str, Any] | None = None) -> str:
    """``message`` in Vietnamese or English with its placeholders filled."""
    text = english(message) if en else message
    return text.format(**params) if params else text
