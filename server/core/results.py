"""Check results: :class:`CheckResult` and :class:`Imitates` (named tuples).

A result for a listed host is built on the hot path without unpacking its rule: the packed
rule (``bytes``) sits in the ``rule`` slot and the ``reasons`` slot is ``None`` until the
``rule`` or ``reasons`` attribute is read, which unpacks it once (memoised per rule). So the
cost of a check does not depend on how many rules there are (with a million rules, hosts
seldom share a rule, and unpacking one costs more than the whole check). Readers see the
same fields as ever: ``result.rule`` is a :class:`Rule` or ``None``, ``result.reasons`` a
tuple of :class:`Reason`. This module stays uncompiled (named tuples are Python classes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple, cast

from .matching import meta_to_rule
from .messages import Advice, Reason, reason
from .rules import Rule
from .urls import share_url

__all__ = ["CheckResult", "Imitates", "listed", "raw_slots"]


class Imitates(NamedTuple):
    """The official source a suspicious URL imitates."""

    domain: str
    name: str


@functools.lru_cache(maxsize=4096)
def listed(meta: bytes) -> tuple[str, tuple[Reason, ...], Rule]:
    """``(verdict, reasons, rule)`` for a packed listed rule."""
    rule = meta_to_rule(meta)
    if rule.list == "deny":
        if rule.note[:5] == "feed:":  # a threat feed's entry: the feed is named, not the list
            return "denied", (reason("feed_listed", name=rule.name),), rule
        return "denied", (reason("deny_listed", name=rule.name or rule.pattern),), rule
    return "official", (reason("allow_listed", name=rule.name or rule.pattern),), rule


class _Fields(NamedTuple):
    url: str
    canonical_url: str
    host: str
    domain: str
    verdict: str
    reasons: tuple[Reason, ...] | None  # None: derived from the packed rule
    rule: Rule | bytes | None  # bytes: a packed rule, unpacked when read
    chain: tuple[str, ...]
    imitates: Imitates | None
    advice: Advice
    lists_version: int
    #: True when the final host is a URL shortener and no rule decided: where the link
    #: leads is hidden (the service may resolve it, see ``server/unmask.py``).
    is_shortener: bool = False


# The raw slots under the ``rule`` and ``reasons`` properties (no Python frame per read).
_rule_slot = cast("Callable[[_Fields], Rule | bytes | None]", itemgetter(6))
_reasons_slot = cast("Callable[[_Fields], tuple[Reason, ...] | None]", itemgetter(5))
#: ``(reasons, rule)`` as stored: a listed result keeps its packed rule and ``None`` for its
#: reasons, so results decided by one rule share these values (a memo key for what a
#: verdict says, see ``server/core/answers.py``).
raw_slots = cast(
    "Callable[[_Fields], tuple[tuple[Reason, ...] | None, Rule | bytes | None]]",
    itemgetter(5, 6),
)


class CheckResult(_Fields):
    """A verdict and everything that explains it (the JSON response's fields)."""

    __slots__ = ()

    @property
    def rule(self) -> Rule | None:
        """The deciding rule, ``None`` when no rule decided."""
        value = _rule_slot(self)
        return listed(value)[2] if isinstance(value, bytes) else value

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why: the listing, redirects followed, imitation signs (in that order)."""
        value = _reasons_slot(self)
        if value is not None:
            return value
        packed = _rule_slot(self)
        assert isinstance(packed, bytes)  # no reasons given: a listed rule, packed
        return listed(packed)[1]

    @property
    def share_url(self) -> str:
        """The final URL without tracking parameters: the link to copy and share."""
        return share_url(self.canonical_url)

    def _asdict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def _replace(self, **changes: Any) -> CheckResult:
        values = self._asdict()
        values.update(changes)
        return CheckResult(**values)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"CheckResult({fields})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CheckResult):
            return tuple(self._asdict().values()) == tuple(other._asdict().values())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(tuple(self._asdict().values()))
