"""Packed rules: one rule as one UTF-8 ``bytes`` value, the form the rule index holds.

Its fields are joined by ``\\x1f`` in a fixed order: list, pattern, name, category, scope,
evidence, note, review_by, id, basis. The list comes first, so ``meta[:1] == b"d"`` means
deny. A packed rule takes half the memory of a :class:`Rule` of ``str`` fields holding
Vietnamese text, and CPython's garbage collector does not track ``bytes`` (see
:mod:`.matching`). Rules from every origin (a :class:`Rule`, a store row, a threat feed's
entry) are packed here and only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .rules import Rule

__all__ = ["FIELD_SEP", "pack_row", "pack_rule", "packed_pattern", "unpack_rule"]

FIELD_SEP = "\x1f"
_SEP = b"\x1f"


def _pack(fields: Iterable[str]) -> bytes:
    return FIELD_SEP.join(fields).encode("utf-8")


def pack_rule(rule: Rule) -> bytes:
    """A :class:`Rule`, packed."""
    return _pack(
        (
            rule.list,
            rule.pattern,
            rule.name,
            rule.category,
            rule.scope,
            rule.evidence,
            rule.note,
            rule.review_by,
            "" if rule.id is None else str(rule.id),
            rule.basis,
        )
    )


def pack_row(row: tuple[Any, ...]) -> bytes:
    """A store row ``(id, list, pattern, name, category, scope, evidence, note, review_by,
    basis)``, packed (``None`` fields as empty, the review date as ISO text)."""
    rid, lst, pattern, name, category, scope, evidence, note, review_by, basis = row
    return _pack(
        (
            lst,
            pattern,
            name or "",
            category or "",
            scope or "",
            evidence or "",
            note or "",
            str(review_by or ""),
            str(rid),
            basis or "",
        )
    )


def packed_pattern(meta: bytes) -> str:
    """The pattern of a packed rule, without unpacking the rest."""
    first = meta.index(_SEP)
    return meta[first + 1 : meta.index(_SEP, first + 1)].decode("utf-8")


def unpack_rule(meta: bytes) -> Rule:
    """The :class:`Rule` of :func:`pack_rule` or :func:`pack_row`."""
    lst, pattern, name, category, scope, evidence, note, review_by, rid, basis = meta.decode(
        "utf-8"
    ).split(FIELD_SEP)
    return Rule(
        pattern,
        lst,
        name,
        category,
        scope,
        evidence,
        note,
        review_by,
        int(rid) if rid else None,
        basis,
    )
