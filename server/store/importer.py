"""Bulk import of rules: staged in a temporary table, merged by SQL, in one transaction.

The version is bumped first (which takes the write lock). The incoming rules are then
bulk-loaded into a temporary table below SQLAlchemy, through the driver (``COPY … FROM
STDIN`` on PostgreSQL with psycopg 3, ``executemany`` over a generator on SQLite), and merged
with three set-based statements: ``UPDATE … FROM`` the rows whose fields differ, ``INSERT …
SELECT … ON CONFLICT DO NOTHING`` the new ones, ``DELETE`` what ``replace_lists`` no longer
holds. The database does the diff, so memory stays flat however many rules are stored, and a
million rules take seconds.

Every rule the import adds, changes or removes gets its own audit row (``create``,
``update`` or ``delete``, with the rule before and after, written by the same set-based
statements), linked by ``parent_id`` to the import's own entry: the rule's history stays
complete, and the whole import can be undone (``SQLStore.revert``).

Any exception — a bad row, a constraint, a killed process — rolls the whole import back: the
lists stay exactly as they were. A dry run (and an import that changes nothing) runs the same
statements and rolls back, so its counts are exactly what applying would do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from sqlalchemy import BindParameter, Connection, Engine, bindparam, text, update
from sqlalchemy.exc import DBAPIError

from ..core.rules import Rule
from .audit import Actor, write_audit
from .fields import EDITABLE_FIELDS, KEY_FIELDS, RULE_COLUMNS, TEXT_FIELDS
from .records import ImportResult, now
from .schema import audit_log, rules
from .sql_fragments import rule_json_sql
from .version import bump_version

__all__ = ["run_import"]

_STAGE = "import_rules"
_FIELDS = EDITABLE_FIELDS
_COLUMNS = RULE_COLUMNS
#: A rule's staged values but ``review_by``, in ``_COLUMNS`` order (one C call per rule).
_TEXT_VALUES = operator.attrgetter(*KEY_FIELDS, *TEXT_FIELDS)


class _Rollback(Exception):
    """Raised to undo a dry run or a no-op import."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("rollback")
        self.result = result


def _by_key(rules_in: Iterable[Rule]) -> dict[str, dict[str, Rule]]:
    """The incoming rules per list and pattern (the last of duplicates wins)."""
    by_list: dict[str, dict[str, Rule]] = {}
    for r in rules_in:
        by_list.setdefault(r.list, {})[r.pattern] = r
    return by_list


def _rows(conn: Connection, incoming: dict[str, dict[str, Rule]]) -> Iterator[tuple[Any, ...]]:
    """Tuples for the staging table (dates as the driver wants them)."""
    to_date: Any = None if conn.dialect.name == "sqlite" else dt.date.fromisoformat
    for by_pattern in incoming.values():
        for r in by_pattern.values():
            review = r.review_by or None
            if review and to_date:
                review = to_date(review)
            yield (*_TEXT_VALUES(r), review)


def _stage(conn: Connection, incoming: dict[str, dict[str, Rule]]) -> None:
    """Create the temporary staging table and bulk-load the incoming rules into it."""
    pg = conn.dialect.name == "postgresql"
    text, date = ("varchar", "date") if pg else ("TEXT", "DATE")
    cols = ", ".join(
        f"{c} {date if c == 'review_by' else text}" + ("" if c == "review_by" else " NOT NULL")
        for c in _COLUMNS
    )
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {_STAGE} ({cols})" + (" ON COMMIT DROP" if pg else "")
    )
    raw: Any = conn.connection.driver_connection  # the driver's own (psycopg, sqlite3)
    with _driver_errors(conn, f"INSERT INTO {_STAGE}"):
        if conn.dialect.driver == "psycopg":
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {_STAGE} ({', '.join(_COLUMNS)}) FROM STDIN") as copy,
            ):
                for row in _rows(conn, incoming):
                    copy.write_row(row)
        else:
            marks = ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * len(_COLUMNS))
            with contextlib.closing(raw.cursor()) as cur:
                cur.executemany(f"INSERT INTO {_STAGE} VALUES ({marks})", _rows(conn, incoming))
    conn.exec_driver_sql(f"CREATE UNIQUE INDEX ix_{_STAGE} ON {_STAGE} (list, pattern)")
    if pg:
        conn.exec_driver_sql(f"ANALYZE {_STAGE}")


@contextlib.contextmanager
def _driver_errors(conn: Connection, statement: str) -> Iterator[None]:
    """Driver errors raised as SQLAlchemy's (``IntegrityError`` …), as through Core."""
    try:
        yield
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error) from exc


def _merge_sql(dialect: str, replace_lists: tuple[str, ...]) -> tuple[str, str, str | None]:
    """The UPDATE, INSERT and (with ``replace_lists``) DELETE of a merge."""
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    same_key = f"rules.list = {_STAGE}.list AND rules.pattern = {_STAGE}.pattern"
    update = (
        f"UPDATE rules SET {', '.join(f'{c} = {_STAGE}.{c}' for c in _FIELDS)}, "
        f"updated_at = :stamp FROM {_STAGE} WHERE {same_key} AND "
        f"({', '.join(f'rules.{c}' for c in _FIELDS)}) {differs} "
        f"({', '.join(f'{_STAGE}.{c}' for c in _FIELDS)})"
    )
    insert = (
        f"INSERT INTO rules ({', '.join(_COLUMNS)}, created_at, updated_at) "
        f"SELECT {', '.join(_COLUMNS)}, :stamp, :stamp FROM {_STAGE} WHERE true "
        "ON CONFLICT (list, pattern) DO NOTHING"
    )
    delete = None
    if replace_lists:
        delete = (
            f"DELETE FROM rules WHERE list IN :lists AND NOT EXISTS "
            f"(SELECT 1 FROM {_STAGE} WHERE {same_key})"
        )
    return update, insert, delete


_AUDIT_COLUMNS = (
    "INSERT INTO audit_log (at, actor, ip, action, target_type, target_id, "
    "before, after, reason, parent_id) "
)


def _audit_sql(dialect: str, replace_lists: tuple[str, ...]) -> dict[str, str]:
    """The statements writing one audit row per changed, added and removed rule."""
    row = rule_json_sql(dialect)
    same_key = f"rules.list = {_STAGE}.list AND rules.pattern = {_STAGE}.pattern"
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    head = ":at, :actor, :ip"
    sql = {
        "update": (
            f"{_AUDIT_COLUMNS}SELECT {head}, 'update', 'rule', rules.id, {row}, NULL, "
            f":reason, :parent FROM rules JOIN {_STAGE} ON {same_key} WHERE "
            f"({', '.join(f'rules.{c}' for c in _FIELDS)}) {differs} "
            f"({', '.join(f'{_STAGE}.{c}' for c in _FIELDS)})"
        ),
        "after": (
            f"UPDATE audit_log SET after = (SELECT {row} FROM rules WHERE "
            "rules.id = audit_log.target_id) WHERE parent_id = :parent "
            "AND action = 'update'"
        ),
        "create": (
            f"{_AUDIT_COLUMNS}SELECT {head}, 'create', 'rule', rules.id, NULL, {row}, "
            ":reason, :parent FROM rules WHERE rules.id > :highest "
            "AND rules.created_at = :stamp"
        ),
    }
    if replace_lists:
        sql["delete"] = (
            f"{_AUDIT_COLUMNS}SELECT {head}, 'delete', 'rule', rules.id, {row}, "
            f"NULL, :reason, :parent FROM rules WHERE list IN :lists AND NOT EXISTS "
            f"(SELECT 1 FROM {_STAGE} WHERE {same_key})"
        )
    return sql


def _apply(
    conn: Connection, replace_lists: tuple[str, ...], parent: int | None, actor: Actor | None
) -> tuple[int, int, int]:
    """Merge the staged rules into ``rules``: ``(added, changed, removed)``; with a
    ``parent`` audit entry, each change is logged under it first."""
    dialect = conn.dialect.name
    update_sql, insert_sql, delete_sql = _merge_sql(dialect, replace_lists)
    stamp_value = now()
    stamp = bindparam("stamp", stamp_value, type_=rules.c.updated_at.type)
    lists: BindParameter[list[str]] = bindparam("lists", list(replace_lists), expanding=True)
    audit = _audit_sql(dialect, replace_lists) if parent is not None else {}
    who = actor or Actor("system")
    params = {
        "at": stamp_value,
        "actor": who.name,
        "ip": who.ip,
        "reason": who.reason,
        "parent": parent,
    }
    at = bindparam("at", type_=audit_log.c.at.type)

    def log(kind: str, **extra: Any) -> None:
        sql = audit.get(kind)
        if sql is None:
            return
        stmt = text(sql)
        for name, param in (("at", at), ("stamp", stamp), ("lists", lists)):
            if f":{name}" in sql:
                stmt = stmt.bindparams(param)
        conn.execute(stmt, {k: v for k, v in {**params, **extra}.items() if f":{k}" in sql})

    highest = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM rules")).scalar_one()
    log("update")
    changed = conn.execute(text(update_sql).bindparams(stamp)).rowcount
    log("after")
    added = conn.execute(text(insert_sql).bindparams(stamp)).rowcount
    log("create", highest=highest)
    removed = 0
    if delete_sql:
        log("delete")
        removed = conn.execute(text(delete_sql).bindparams(lists)).rowcount
    if dialect == "sqlite":
        conn.exec_driver_sql(f"DROP TABLE temp.{_STAGE}")
    return added, changed, removed


@contextlib.contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """On SQLite, a 64 MiB page cache for this import only (indexes built in memory)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("PRAGMA main.cache_size=-65536")
    conn.exec_driver_sql("PRAGMA temp.cache_size=-65536")
    try:
        yield
    finally:
        conn.exec_driver_sql("PRAGMA main.cache_size=-2000")
        conn.exec_driver_sql("PRAGMA temp.cache_size=-2000")


def run_import(
    engine: Engine,
    rules_in: Iterable[Rule],
    replace_lists: tuple[str, ...],
    dry_run: bool,
    actor: Actor | None = None,
) -> ImportResult:
    """Import ``rules_in`` through ``engine`` (see the module docstring)."""
    incoming = _by_key(rules_in)
    total = sum(len(by_pattern) for by_pattern in incoming.values())
    try:
        with engine.begin() as conn, _big_cache(conn):
            version = bump_version(conn)
            _stage(conn, incoming)
            parent = None if dry_run else write_audit(conn, actor, "import", "rules", None)
            added, changed, removed = _apply(conn, tuple(replace_lists), parent, actor)
            unchanged = total - added - changed
            if dry_run or not (added or changed or removed):
                raise _Rollback(ImportResult(added, changed, unchanged, removed, version - 1))
            result = ImportResult(added, changed, unchanged, removed, version, parent)
            summary = {
                "added": added,
                "changed": changed,
                "unchanged": unchanged,
                "removed": removed,
                "version": version,
            }
            conn.execute(
                update(audit_log)
                .where(audit_log.c.id == parent)
                .values(after=orjson.dumps(summary).decode())
            )
            return result
    except _Rollback as rb:
        return rb.result
