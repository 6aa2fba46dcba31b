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

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core.rules import Rule
from .accounts import AccountsMixin, Actor, write_audit
from .base import Conflict, ImportResult, NotFound, RuleRecord, RuleRow
from .engine import FOLD_FROM, FOLD_TO, fold, make_engine, upgrade
from .queues import CurationMixin
from .records import RULE_FIELDS, now, rule_values
from .records import rule_record as _record
from .schema import lists_state, rules
from .undo import UndoMixin

__all__ = ["SQLStore", "now"]


def _snapshot_cursor(conn: Connection) -> Any:
    """A driver cursor over every rule as a :data:`RuleRow` (server-side on PostgreSQL)."""
    from .importer import review_text_sql

    raw = conn.connection.driver_connection
    named = conn.dialect.name == "postgresql"
    cursor = raw.cursor(name="khongvoi_load_rules") if named else raw.cursor()  # type: ignore[union-attr]
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


class SQLStore(AccountsMixin, CurationMixin, UndoMixin):
    """Rules, lists version, pending entries, reports, users, keys and the audit log."""

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

    def _read(self) -> Any:
        return self.engine.connect().execution_options(readonly=True)

    def is_empty(self) -> bool:
        """True when there is no rule at all."""
        with self._read() as conn:
            return conn.execute(select(rules.c.id).limit(1)).first() is None

    def lists_version(self) -> int:
        """The current lists version."""
        with self._read() as conn:
            return int(conn.execute(select(lists_state.c.version)).scalar_one())

    @staticmethod
    def _bump(conn: Connection) -> int:
        stmt = (
            update(lists_state)
            .where(lists_state.c.id == 1)
            .values(version=lists_state.c.version + 1, updated_at=now())
            .returning(lists_state.c.version)
        )
        return int(conn.execute(stmt).scalar_one())

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
            version = int(conn.execute(select(lists_state.c.version)).scalar_one())
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
        stmt = select(rules)
        if overdue:
            stmt = stmt.where(rules.c.review_by < dt.date.today())
        for column, value in (
            (rules.c.list, list),
            (rules.c.category, category),
            (rules.c.scope, scope),
        ):
            if value:
                stmt = stmt.where(column == value)
        if q:  # case- and diacritic-insensitive: "chinh phu" finds "Chính phủ"
            like = "%" + re.sub(r"([\\%_])", r"\\\1", fold(q.strip())) + "%"
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

    def _folded(self, column: Any) -> Any:
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
                self._bump(conn)
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
                self._bump(conn)
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
            self._bump(conn)
            write_audit(conn, actor, "delete", "rule", rule_id, before=_record(row))
        return _record(row)

    def export_rules(self, list: str | None = None) -> Iterator[Rule]:
        """Every rule (of ``list``) as a core :class:`Rule`, sorted by (list, pattern) in
        code-point order on every backend; streamed."""
        pattern = rules.c.pattern
        if self.engine.dialect.name == "postgresql":
            pattern = pattern.collate("C")  # not the database's locale order
        stmt = select(
            rules.c.pattern,
            rules.c.list,
            *(rules.c[f] for f in RULE_FIELDS),
            rules.c.review_by,
            rules.c.id,
        ).order_by(rules.c.list, pattern)
        fields = len(RULE_FIELDS)
        if list:
            stmt = stmt.where(rules.c.list == list)
        with self._read() as conn:
            result = conn.execution_options(stream_results=True, yield_per=10_000).execute(stmt)
            for r in result:
                described = dict(zip(RULE_FIELDS, r[2 : 2 + fields], strict=True))
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
        from .importer import run_import

        return run_import(self, rules_in, tuple(replace_lists), dry_run, actor)
