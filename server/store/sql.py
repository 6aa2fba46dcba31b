"""The SQL store (SQLite by default, PostgreSQL for scale-out) behind :class:`~.base.Store`.

Every change to the rules bumps the lists version in the same transaction (an ``UPDATE``
that also serialises writers on PostgreSQL), so the version is strictly increasing and a
reader that sees version *n* sees exactly the rules of version *n*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core.rules import Rule
from .accounts import AccountsMixin
from .audit import Actor, AuditMixin, write_audit
from .base import Store
from .engine import FOLD_FROM, FOLD_TO, fold, make_engine, upgrade
from .errors import Conflict, NotFound
from .fields import TEXT_FIELDS
from .importer import run_import
from .queues import CurationMixin
from .records import ImportResult, RuleRecord, RuleRow, now, rule_values
from .records import rule_record as _record
from .schema import rules
from .sql_fragments import review_text_sql
from .undo import UndoMixin
from .version import bump_version, read_version

__all__ = ["SQLStore", "now"]


def _snapshot_cursor(conn: Connection) -> Any:
    """A driver cursor over every rule as a :data:`RuleRow` (server-side on PostgreSQL)."""
    raw: Any = conn.connection.driver_connection  # the driver's own (psycopg, sqlite3)
    named = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name="khongvoi_load_rules") if named else raw.cursor()
    cursor.execute(
        "SELECT id, list, pattern, name, category, scope, evidence, note, "
        f"{review_text_sql(conn.dialect.name)}, basis FROM rules"
    )
    return cursor


def _stream(conn: Connection, cursor: Any, batch: int = 20_000) -> Iterator[RuleRow]:
    try:
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()
        conn.close()


class SQLStore(AccountsMixin, AuditMixin, CurationMixin, UndoMixin):
    """Rules, lists version, pending entries, reports, users, keys and the audit log: the
    :class:`~.base.Store` on SQLite or PostgreSQL (what each method does is documented
    there)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    # -- schema and version -------------------------------------------------------------
    def create_schema(self) -> None:
        """Create or upgrade the schema (Alembic migrations)."""
        upgrade(self.engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def _read(self) -> Connection:
        return self.engine.connect().execution_options(readonly=True)

    def is_empty(self) -> bool:
        """True when there is no rule at all."""
        with self._read() as conn:
            return conn.execute(select(rules.c.id).limit(1)).first() is None

    def lists_version(self) -> int:
        """The current lists version."""
        with self._read() as conn:
            return read_version(conn)

    def load_rules(self) -> tuple[int, Iterator[RuleRow]]:
        """``(version, rows)``: a consistent snapshot, streamed in batches.

        Rows come straight from the driver's cursor as plain tuples (``review_by`` already
        ISO text or ``""``), so a million rules cost no per-row Python work here. The
        connection is released when the iterator is exhausted or closed."""
        conn = self._read()
        if self.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        try:
            version = read_version(conn)
            cursor = _snapshot_cursor(conn)
        except BaseException:
            conn.close()
            raise
        return version, _stream(conn, cursor)

    # -- rules ----------------------------------------------------------------------------
    def get_rule(self, rule_id: int) -> RuleRecord:
        """One rule, or :class:`NotFound`."""
        with self._read() as conn:
            row = conn.execute(select(rules).where(rules.c.id == rule_id)).first()
        if row is None:
            raise NotFound(rule_id)
        return _record(row)

    def find_rules(
        self,
        *,
        list: str | None = None,
        category: str | None = None,
        scope: str | None = None,
        q: str | None = None,
        overdue: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[RuleRecord]]:
        """``(total, page)`` of rules matching the filters, ordered by pattern.

        ``overdue``: only rules whose review-by date has passed."""
        where = [rules.c.scope == scope] if scope else []
        return self._find(where, list, category, q, overdue, offset, limit)

    def find_rules_by_unit(
        self,
        *,
        unit: str | None = None,
        list: str | None = None,
        category: str | None = None,
        scope: str | None = None,
        q: str | None = None,
        overdue: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[RuleRecord]]:
        """:meth:`find_rules` where ``unit`` (a province, or ``national``) matches the rule's
        scope with or without its former-province note: ``Thái Nguyên`` finds ``Thái
        Nguyên`` and ``Thái Nguyên (cũ: Bắc Kạn)``; ``scope`` is then ignored. Without
        ``unit``, plain find_rules."""
        if not unit:
            return self.find_rules(
                list=list,
                category=category,
                scope=scope,
                q=q,
                overdue=overdue,
                offset=offset,
                limit=limit,
            )
        like_unit = _escape_like(unit) + " (cũ: %"
        where = [or_(rules.c.scope == unit, rules.c.scope.like(like_unit, escape="\\"))]
        return self._find(where, list, category, q, overdue, offset, limit)

    def _find(
        self,
        where: Iterable[ColumnElement[bool]],
        list_: str | None,
        category: str | None,
        q: str | None,
        overdue: bool,
        offset: int,
        limit: int,
    ) -> tuple[int, list[RuleRecord]]:
        stmt: Select[Any] = select(rules).where(*where)
        if overdue:
            stmt = stmt.where(rules.c.review_by < dt.date.today())
        for column, value in ((rules.c.list, list_), (rules.c.category, category)):
            if value:
                stmt = stmt.where(column == value)
        if q:  # case- and diacritic-insensitive: "chinh phu" finds "Chính phủ"
            like = "%" + _escape_like(fold(q.strip())) + "%"
            stmt = stmt.where(
                or_(
                    rules.c.pattern.like(like, escape="\\"),
                    self._folded(rules.c.name).like(like, escape="\\"),
                )
            )
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            page = conn.execute(
                stmt.order_by(rules.c.pattern, rules.c.list).offset(offset).limit(limit)
            ).all()
        return int(total), [_record(r) for r in page]

    def _folded(self, column: ColumnElement[str]) -> ColumnElement[str]:
        """``column`` lower-cased without Vietnamese diacritics, in SQL."""
        if self.engine.dialect.name == "sqlite":
            return func.kv_fold(column)
        return func.translate(func.lower(column), FOLD_FROM, FOLD_TO)

    def add_rule(self, rule: Rule, actor: Actor | None = None) -> RuleRecord:
        """Insert a rule (:class:`Conflict` if the pattern is already on that list)."""
        stamp = now()
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    insert(rules)
                    .values(**rule_values(rule), created_at=stamp, updated_at=stamp)
                    .returning(*rules.c)
                ).one()
                bump_version(conn)
                write_audit(conn, actor, "create", "rule", row.id, after=_record(row))
        except IntegrityError:
            raise Conflict(f"{rule.list}:{rule.pattern}") from None
        return _record(row)

    def update_rule(self, rule_id: int, rule: Rule, actor: Actor | None = None) -> RuleRecord:
        """Replace a rule's fields (:class:`NotFound`, :class:`Conflict`)."""
        try:
            with self.engine.begin() as conn:
                old = conn.execute(select(rules).where(rules.c.id == rule_id)).first()
                row = conn.execute(
                    update(rules)
                    .where(rules.c.id == rule_id)
                    .values(**rule_values(rule), updated_at=now())
                    .returning(*rules.c)
                ).first()
                if row is None or old is None:
                    raise NotFound(rule_id)
                bump_version(conn)
                write_audit(
                    conn, actor, "update", "rule", rule_id, before=_record(old), after=_record(row)
                )
        except IntegrityError:
            raise Conflict(f"{rule.list}:{rule.pattern}") from None
        return _record(row)

    def delete_rule(self, rule_id: int, actor: Actor | None = None) -> RuleRecord:
        """Delete a rule and return what it was (:class:`NotFound`)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                delete(rules).where(rules.c.id == rule_id).returning(*rules.c)
            ).first()
            if row is None:
                raise NotFound(rule_id)
            bump_version(conn)
            write_audit(conn, actor, "delete", "rule", rule_id, before=_record(row))
        return _record(row)

    def export_rules(self, list: str | None = None) -> Iterator[Rule]:
        """Every rule (of ``list``) as a core :class:`Rule`, sorted by (list, pattern) in
        code-point order on every backend; streamed."""
        pattern: ColumnElement[str] = rules.c.pattern
        if self.engine.dialect.name == "postgresql":
            pattern = pattern.collate("C")  # not the database's locale order
        stmt = select(
            rules.c.pattern,
            rules.c.list,
            *(rules.c[f] for f in TEXT_FIELDS),
            rules.c.review_by,
            rules.c.id,
        ).order_by(rules.c.list, pattern)
        fields = len(TEXT_FIELDS)
        if list:
            stmt = stmt.where(rules.c.list == list)
        with self._read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=10_000).execute(stmt)
            for r in result:
                described = dict(zip(TEXT_FIELDS, r[2 : 2 + fields], strict=True))
                review = r[2 + fields]
                yield Rule(
                    r[0],
                    r[1],
                    **described,
                    review_by=review.isoformat() if review else "",
                    id=r[3 + fields],
                )

    def import_rules(
        self,
        rules_in: Iterable[Rule],
        *,
        replace_lists: Iterable[str] = (),
        dry_run: bool = False,
        actor: Actor | None = None,
    ) -> ImportResult:
        """Merge rules in one transaction (all or nothing); ``replace_lists`` drops the rest."""
        return run_import(self.engine, rules_in, tuple(replace_lists), dry_run, actor)


def _escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards (and the escape character) escaped by ``\\``."""
    return re.sub(r"([\\%_])", r"\\\1", text)


def _conforms(store: SQLStore) -> Store:
    """Never called: mypy checks here that :class:`SQLStore` satisfies :class:`Store`."""
    return store
