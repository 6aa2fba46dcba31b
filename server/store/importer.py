"""Bulk import of rules: diff against what is stored, apply in one transaction.

The version is bumped first (which takes the write lock), then existing rules are read and
compared, then inserts, updates and deletes are applied in bulk. Any exception — a bad row, a
constraint, a killed process — rolls the whole import back: the lists stay exactly as they
were. A dry run computes the same diff and rolls back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, select, update

from ..core.rules import Rule
from .accounts import Actor, write_audit
from .base import ImportResult
from .schema import rules

if TYPE_CHECKING:
    from .sql import SQLStore

__all__ = ["run_import"]

_CHUNK = 10_000


class _Rollback(Exception):
    """Raised to undo a dry run or a no-op import."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("rollback")
        self.result = result


def _key_values(rule: Rule) -> tuple[str, ...]:
    return (rule.name, rule.category, rule.scope, rule.evidence, rule.note, rule.review_by)


def _diff(
    existing: dict[tuple[str, str], tuple[int, tuple[str, ...]]],
    incoming: dict[tuple[str, str], Rule],
    replace_lists: tuple[str, ...],
) -> tuple[list[Rule], list[tuple[int, Rule]], int, list[int]]:
    added, changed, unchanged = [], [], 0
    for key, rule in incoming.items():
        old = existing.get(key)
        if old is None:
            added.append(rule)
        elif old[1] != _key_values(rule):
            changed.append((old[0], rule))
        else:
            unchanged += 1
    removed = [rid for key, (rid, _) in existing.items()
               if key[0] in replace_lists and key not in incoming]
    return added, changed, unchanged, removed


def _existing(conn: Any) -> dict[tuple[str, str], tuple[int, tuple[str, ...]]]:
    cols = [rules.c.id, rules.c.list, rules.c.pattern, rules.c.name, rules.c.category,
            rules.c.scope, rules.c.evidence, rules.c.note, rules.c.review_by]
    out = {}
    for r in conn.execute(select(*cols)):
        review = r[8].isoformat() if r[8] else ""
        out[(r[1], r[2])] = (r[0], (r[3], r[4], r[5], r[6], r[7], review))
    return out


def _apply(conn: Any, store: SQLStore, added: list[Rule], changed: list[tuple[int, Rule]],
           removed: list[int]) -> None:
    from .sql import _date, _rule_values, now

    stamp = now()
    # Plain DBAPI executemany with tuples: several times faster than dicts through Core.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO rules (list, pattern, name, category, scope, evidence, note, review_by,"
           f" created_at, updated_at) VALUES ({', '.join([mark] * 10)})")
    when = _bound(rules.c.created_at, conn, stamp)
    for i in range(0, len(added), _CHUNK):
        conn.exec_driver_sql(sql, [
            (r.list, r.pattern, r.name, r.category, r.scope, r.evidence, r.note,
             _bound(rules.c.review_by, conn, _date(r.review_by)), when, when)
            for r in added[i : i + _CHUNK]])
    if changed:
        stmt = (update(rules).where(rules.c.id == bindparam("rid"))
                .values({c: bindparam(c) for c in (
                    "name", "category", "scope", "evidence", "note", "review_by", "updated_at")}))
        conn.execute(stmt, [
            {**{k: v for k, v in _rule_values(r).items() if k not in ("list", "pattern")},
             "rid": rid, "updated_at": stamp} for rid, r in changed])
    for i in range(0, len(removed), _CHUNK):
        conn.execute(delete(rules).where(rules.c.id.in_(removed[i : i + _CHUNK])))


@contextlib.contextmanager
def _big_cache(conn: Any) -> Iterator[None]:
    """On SQLite, a 64 MiB page cache for this import only (indexes built in memory)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA cache_size=-65536")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA cache_size=-2000")


def _bound(column: Any, conn: Any, value: Any) -> Any:
    """``value`` as SQLAlchemy itself would bind it for ``column`` (dates on SQLite)."""
    if value is None:
        return None
    process = column.type.bind_processor(conn.dialect)
    return process(value) if process else value


def run_import(
    store: SQLStore, rules_in: Iterable[Rule], replace_lists: tuple[str, ...], dry_run: bool,
    actor: Actor | None = None,
) -> ImportResult:
    """Import ``rules_in`` into ``store`` (see the module docstring)."""
    incoming = {(r.list, r.pattern): r for r in rules_in}
    try:
        with store.engine.begin() as conn, _big_cache(conn):
            version = store._bump(conn)
            added, changed, unchanged, removed = _diff(_existing(conn), incoming, replace_lists)
            if dry_run or not (added or changed or removed):
                raise _Rollback(ImportResult(len(added), len(changed), unchanged, len(removed),
                                             version - 1))
            _apply(conn, store, added, changed, removed)
            result = ImportResult(len(added), len(changed), unchanged, len(removed), version)
            write_audit(conn, actor, "import", "rules", None, after=result)
            return result
    except _Rollback as rb:
        return rb.result
