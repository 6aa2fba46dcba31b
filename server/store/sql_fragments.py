"""Raw SQL text shared by the store's set-based statements (import, snapshot load).

These fragments give the database's own rows in the store's external forms without a Python
round trip: ``review_by`` as ISO text, a whole ``rules`` row as the JSON an audit entry holds.
Each takes the dialect name (``sqlite`` or ``postgresql``).
"""

from __future__ import annotations

from .fields import TEXT_FIELDS

__all__ = ["review_text_sql", "rule_json_sql", "sqlite_stamp_sql"]


def review_text_sql(dialect: str) -> str:
    """SQL giving ``review_by`` as ``'YYYY-MM-DD'`` or ``''`` (so rows need no conversion)."""
    if dialect == "postgresql":
        return "COALESCE(to_char(review_by, 'YYYY-MM-DD'), '')"
    return "COALESCE(review_by, '')"  # SQLite stores dates as ISO text


def rule_json_sql(dialect: str, table: str = "rules") -> str:
    """SQL giving a ``rules`` row as the JSON text the audit log holds for a rule (the
    fields of :class:`~.records.RuleRecord`, times in ISO 8601)."""
    cols = ", ".join(f"'{c}', {table}.{c}" for c in ("id", "list", "pattern", *TEXT_FIELDS))
    if dialect == "postgresql":

        def stamp(c: str) -> str:
            return f"to_char({table}.{c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

        return (
            f"json_build_object({cols}, 'review_by', "
            f"COALESCE(to_char({table}.review_by, 'YYYY-MM-DD'), ''), "
            f"'created_at', {stamp('created_at')}, 'updated_at', {stamp('updated_at')})::text"
        )
    return (
        f"json_object({cols}, 'review_by', COALESCE({table}.review_by, ''), "
        f"'created_at', {sqlite_stamp_sql(table + '.created_at')}, "
        f"'updated_at', {sqlite_stamp_sql(table + '.updated_at')})"
    )


def sqlite_stamp_sql(column: str) -> str:
    """SQLite's stored UTC time as the store's ISO text (``…T13:22:05.378510Z``)."""
    return f"replace(replace({column}, ' ', 'T'), '+00:00', '') || 'Z'"
