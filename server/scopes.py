"""Where a rule applies: ``national`` or one of the 34 provincial units of
``sources/scopes.csv``, optionally noted with the former province it now covers
(``Thái Nguyên (cũ: Bắc Kạn)``). Shared by the API, the web admin, imports and the CLI."""

from __future__ import annotations

import csv
import functools
import unicodedata
from pathlib import Path

from .core import InvalidRule
from .core.tables import SOURCES_DIR

__all__ = ["SCOPE_NOTE", "check_scope", "scope_unit", "scopes"]

SCOPE_NOTE = " (cũ: "


@functools.lru_cache(maxsize=4)
def scopes(directory: str = "") -> tuple[str, ...]:
    """``national`` then the 34 provincial units of ``sources/scopes.csv``, in Vietnamese
    alphabetical order (as the file has them)."""
    path = Path(directory) if directory else SOURCES_DIR
    with (path / "scopes.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = [row["scope"].strip() for row in csv.DictReader(fh) if row.get("scope")]
    return ("national", *sorted((n for n in names if n != "national"), key=_vi_key))


def _vi_key(name: str) -> tuple[str, str]:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D~").replace("đ", "d~"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower(), name


def scope_unit(scope: str) -> str:
    """The province (or ``national``) a scope names: ``Thái Nguyên`` for ``Thái Nguyên
    (cũ: Bắc Kạn)``."""
    return scope.split(SCOPE_NOTE, 1)[0].strip() if scope else "national"


def check_scope(value: object) -> str:
    """A valid scope, or :class:`~server.core.InvalidRule` ``invalid_scope``. Valid are
    ``national``, one of the 34 provinces and cities of ``sources/scopes.csv``, or one of
    them followed by the former province it now covers, as the lists write it:
    ``Thái Nguyên (cũ: Bắc Kạn)``. Empty means ``national``."""
    text = value.strip() if isinstance(value, str) else value
    if text in (None, ""):
        return "national"
    if isinstance(text, str):
        unit = scope_unit(text)
        note_ok = text == unit or (text.endswith(")") and len(text) > len(unit) + 8)
        if unit in scopes() and note_ok and len(text) <= 128:
            return text
    raise InvalidRule(
        "invalid_scope",
        f"Phạm vi “{value}” không hợp lệ: hãy chọn national (toàn quốc) hoặc một trong 34 "
        "tỉnh, thành phố (sources/scopes.csv), có thể kèm “(cũ: tên tỉnh cũ)”.",
        f"The scope “{value}” is not valid: use national or one of the 34 provinces and "
        "cities (sources/scopes.csv), optionally followed by “(cũ: former province)”.",
    )
