"""The fields of a rule, named once, derived from the core's :class:`~server.core.rules.Rule`.

Every place that lists a rule's fields (the ``rules`` columns, the import's staging table, the
undo comparison, the CSV columns, the API and the admin form) uses these tuples, so a field
added to ``Rule`` reaches all of them (``tests/store/test_fields.py`` checks that the ``rules``
table has a column for each).

Order: the ``Rule``'s declaration order, except that ``basis`` sits right after ``evidence``
(where the CSV files and forms have it: the legal basis next to where it can be read).
``Rule`` declares ``basis`` last only because it was added after ``id`` and positional
construction had to keep working. This module imports nothing but the pure core.
"""

from __future__ import annotations

import dataclasses

from ..core.rules import Rule

__all__ = ["EDITABLE_FIELDS", "KEY_FIELDS", "RULE_COLUMNS", "TEXT_FIELDS"]

#: What identifies a rule on the lists: one pattern per list.
KEY_FIELDS: tuple[str, ...] = ("list", "pattern")
#: Fields placed after another one rather than in declaration order (see the docstring).
_PLACED_AFTER = {"basis": "evidence"}
#: Fields that are not a rule's content: the database id, the date (not text).
_NOT_TEXT = frozenset(("id", "review_by"))


def _text_fields() -> tuple[str, ...]:
    names = [
        f.name
        for f in dataclasses.fields(Rule)
        if f.name not in KEY_FIELDS and f.name not in _NOT_TEXT
    ]
    for name, after in _PLACED_AFTER.items():
        names.remove(name)
        names.insert(names.index(after) + 1, name)
    return tuple(names)


#: The descriptive text fields (``name`` … ``note``): stored as ``NOT NULL`` text, ``""``
#: when empty.
TEXT_FIELDS: tuple[str, ...] = _text_fields()
#: Everything an editor sets besides the key: the text fields and ``review_by``.
EDITABLE_FIELDS: tuple[str, ...] = (*TEXT_FIELDS, "review_by")
#: A rule's stored content, key first: what decides whether two rules are the same.
RULE_COLUMNS: tuple[str, ...] = (*KEY_FIELDS, *EDITABLE_FIELDS)
