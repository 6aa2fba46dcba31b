"""Undoing changes recorded in the audit log: one rule change, or a whole import (or the
undo of one) through its per-rule entries.

An entry can be undone while every rule it touched still is exactly as the entry left it,
compared field by field (list, pattern, name, category, scope, evidence, note, review date),
never by timestamps: after edit 1 and edit 2, undoing edit 2 brings the rule back to what
edit 1 left, so edit 1 can be undone next. Everything happens in one transaction, after the
lists version is bumped (which serialises writers): the checks, the inverse changes and
their audit rows, or nothing at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, NoReturn

import orjson
from sqlalchemy import Connection, Engine, bindparam, delete, exists, insert, select, update
from sqlalchemy.exc import IntegrityError

from .audit import Actor, AuditEntry, write_audit
from .audit import audit_entry as _audit
from .errors import CannotRevert, NotFound
from .fields import RULE_COLUMNS
from .records import RevertResult, RuleRecord, now
from .records import rule_record as _record
from .schema import audit_log, rules
from .version import bump_version

# CannotRevert (.errors) and RevertResult (.records) are re-exported for older imports.
__all__ = ["CannotRevert", "RevertResult", "UndoMixin"]

#: What decides whether a rule is "as the entry left it".
KEYS = RULE_COLUMNS
_INVERSE = {"create": "delete", "update": "update", "delete": "create"}


@dataclass(frozen=True, slots=True)
class _Step:
    rule_id: int
    expect: dict[str, Any] | None  # the rule as the entry left it (None: absent)
    restore: dict[str, Any] | None  # the rule as it was before (None: absent)


def _fields(data: Any) -> tuple[str, ...]:
    return tuple(str(data.get(k) or "") for k in KEYS)


def _step(entry: AuditEntry) -> _Step:
    if entry.target_id is None or entry.action not in _INVERSE:
        raise CannotRevert("not_revertable")
    before = entry.before if entry.action != "create" else None
    after = entry.after if entry.action != "delete" else None
    if (entry.action != "create" and not before) or (entry.action != "delete" and not after):
        raise CannotRevert("not_revertable")
    return _Step(entry.target_id, after, before)


def _values(data: dict[str, Any]) -> dict[str, Any]:
    values = {k: data.get(k) or "" for k in KEYS}
    values["scope"] = values["scope"] or "national"
    values["review_by"] = (
        dt.date.fromisoformat(values["review_by"]) if values["review_by"] else None
    )
    return values


def _created_at(data: dict[str, Any], stamp: dt.datetime) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(data.get("created_at") or ""))
    except ValueError:
        return stamp
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class UndoMixin:
    """``revert`` on :class:`~server.store.sql.SQLStore`."""

    engine: Engine

    def revert(self, entry_id: int, actor: Actor | None = None) -> RuleRecord | RevertResult:
        """Undo audit entry ``entry_id`` in one transaction (itself logged).

        A rule change gives back the rule as restored (or as deleted); an import, or the
        undo of one, gives a :class:`RevertResult` and logs a ``revert`` entry whose
        per-rule entries can in turn be undone. :class:`NotFound` for no such entry,
        :class:`CannotRevert` when it cannot be undone (nothing changes then)."""
        try:
            with self.engine.begin() as conn:
                version = bump_version(conn)
                row = conn.execute(select(audit_log).where(audit_log.c.id == entry_id)).first()
                if row is None:
                    raise NotFound(entry_id)
                entry = _audit(row)
                children = [
                    _audit(r)
                    for r in conn.execute(
                        select(audit_log)
                        .where(audit_log.c.parent_id == entry_id)
                        .order_by(audit_log.c.id.desc())
                    )
                ]
                if children:
                    return self._revert_batch(conn, entry, children, version, actor)
                if entry.target_type == "rules" and entry.action == "import":
                    raise CannotRevert("no_detail")
                if entry.target_type != "rule":
                    raise CannotRevert("not_revertable")
                step = _step(entry)
                _check(conn, [step], entry.id)
                return _apply(conn, step, actor, None, reverted=entry.id)
        except IntegrityError:
            raise CannotRevert("exists_again") from None

    def _revert_batch(
        self,
        conn: Connection,
        entry: AuditEntry,
        children: list[AuditEntry],
        version: int,
        actor: Actor | None,
    ) -> RevertResult:
        steps = [_step(c) for c in children]
        current = _check(conn, steps, entry.id)
        parent = write_audit(conn, actor, "revert", "rules", None)
        log = _BulkLog(conn, actor, parent)
        deletes = [s.rule_id for s in steps if s.restore is None]
        updates = [s for s in steps if s.restore is not None and s.expect is not None]
        creates = [s for s in steps if s.expect is None]
        for i in range(0, len(deletes), _CHUNK):
            conn.execute(delete(rules).where(rules.c.id.in_(deletes[i : i + _CHUNK])))
        log.add("delete", [(rid, current.by_id[rid], None) for rid in deletes])
        stamp = now()
        if updates:
            conn.execute(
                update(rules)
                .where(rules.c.id == bindparam("v_id"))
                .values({**{k: bindparam(f"v_{k}") for k in KEYS}, "updated_at": stamp}),
                [
                    {"v_id": s.rule_id, **{f"v_{k}": v for k, v in _values(s.restore).items()}}
                    for s in updates
                    if s.restore is not None
                ],
            )
            after = _rows_by_id(conn, [s.rule_id for s in updates])
            log.add(
                "update", [(s.rule_id, current.by_id[s.rule_id], after[s.rule_id]) for s in updates]
            )
        created = [_insert(conn, s.restore, s.rule_id, stamp) for s in creates if s.restore]
        log.add("create", [(rid, None, row) for rid, row in _rows_by_id(conn, created).items()])
        log.flush()
        result = RevertResult(parent, entry.id, len(creates), len(updates), len(deletes), version)
        summary = {k: v for k, v in asdict(result).items() if k != "entry"}
        conn.execute(
            update(audit_log)
            .where(audit_log.c.id == parent)
            .values(after=orjson.dumps(summary).decode())
        )
        return result


class _BulkLog:
    """Audit rows of one undo, written with one ``executemany``."""

    def __init__(self, conn: Connection, actor: Actor | None, parent: int) -> None:
        self.conn, self.parent = conn, parent
        self.actor = actor or Actor("system")
        self.rows: list[dict[str, Any]] = []

    def add(self, action: str, changes: list[tuple[int, Any, Any]]) -> None:
        at = now()
        for rid, before, after in changes:
            self.rows.append(
                {
                    "at": at,
                    "actor": self.actor.name,
                    "ip": self.actor.ip,
                    "action": action,
                    "target_type": "rule",
                    "target_id": rid,
                    "reason": self.actor.reason,
                    "parent_id": self.parent,
                    "before": None if before is None else _json(before),
                    "after": None if after is None else _json(after),
                }
            )

    def flush(self) -> None:
        if self.rows:
            self.conn.execute(insert(audit_log), self.rows)


def _json(row: Any) -> str:
    return orjson.dumps(asdict(_record(row))).decode()


def _rows_by_id(conn: Connection, ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for i in range(0, len(ids), _CHUNK):
        for row in conn.execute(select(rules).where(rules.c.id.in_(ids[i : i + _CHUNK]))):
            found[row.id] = row
    return found


def _insert(conn: Connection, data: dict[str, Any], rule_id: int, stamp: dt.datetime) -> int:
    """Re-create a deleted rule, under its old id when that is free; returns the id."""
    taken = conn.execute(select(rules.c.id).where(rules.c.id == rule_id)).first()
    ident = {} if taken else {"id": rule_id}
    return int(
        conn.execute(
            insert(rules)
            .values(
                **ident,
                **_values(data),
                created_at=_created_at(data, stamp),
                updated_at=stamp,
            )
            .returning(rules.c.id)
        ).scalar_one()
    )


_CHUNK = 500


class _Current:
    """The rules the steps touch, read in chunks: by id, and by (list, pattern)."""

    def __init__(self, conn: Connection, steps: list[_Step]) -> None:
        self.by_id: dict[int, Any] = {}
        self.by_key: dict[tuple[str, str], Any] = {}
        ids = [s.rule_id for s in steps if s.expect is not None]
        for i in range(0, len(ids), _CHUNK):
            for row in conn.execute(select(rules).where(rules.c.id.in_(ids[i : i + _CHUNK]))):
                self.by_id[row.id] = row
        keys = {
            (str(s.restore.get("list")), str(s.restore.get("pattern")))
            for s in steps
            if s.expect is None and s.restore is not None
        }
        patterns = sorted({p for _, p in keys})
        for i in range(0, len(patterns), _CHUNK):
            for row in conn.execute(
                select(rules).where(rules.c.pattern.in_(patterns[i : i + _CHUNK]))
            ):
                if (row.list, row.pattern) in keys:
                    self.by_key[(row.list, row.pattern)] = row


def _state(conn: Connection, step: _Step, entry_id: int, now_: _Current) -> str:
    """``ok`` (as the entry left it), ``restored`` (as it was before: already undone), or
    raises :class:`CannotRevert`."""
    if step.expect is None:  # undoing a deletion: the pattern must not be back
        assert step.restore is not None
        row = now_.by_key.get((str(step.restore.get("list")), str(step.restore.get("pattern"))))
        if row is None:
            return "ok"
        if _fields(asdict(_record(row))) == _fields(step.restore):
            return "restored"
        raise CannotRevert("exists_again", step.restore.get("pattern", ""), row.id)
    pattern = step.expect.get("pattern", "")
    row = now_.by_id.get(step.rule_id)
    if row is None:
        return "restored" if step.restore is None else _gone(step)
    current = _fields(asdict(_record(row)))
    if current == _fields(step.expect):
        return "ok"
    if step.restore is not None and current == _fields(step.restore):
        return "restored"
    if current[:2] != _fields(step.expect)[:2] and _deleted_since(conn, step.rule_id, entry_id):
        return _gone(step)
    raise CannotRevert("changed_since", pattern, step.rule_id)


def _gone(step: _Step) -> NoReturn:
    raise CannotRevert("gone", (step.expect or {}).get("pattern", ""), step.rule_id)


def _check(conn: Connection, steps: list[_Step], entry_id: int) -> _Current:
    """Refuse (:class:`CannotRevert`) unless every rule is as the entry left it; gives the
    rules as they are."""
    now_ = _Current(conn, steps)
    states = [_state(conn, step, entry_id, now_) for step in steps]
    if "ok" not in states:
        if len(steps) == 1 and steps[0].restore is None:  # a created rule that is gone
            _gone(steps[0])
        raise CannotRevert("already_reverted")
    if "restored" in states:  # part of it was undone on its own since
        step = steps[states.index("restored")]
        data = step.expect or step.restore or {}
        raise CannotRevert("changed_since", data.get("pattern", ""), step.rule_id)
    return now_


def _deleted_since(conn: Connection, rule_id: int, entry_id: int) -> bool:
    """Whether the rule ``rule_id`` was deleted after entry ``entry_id`` (its id then went
    to another rule: possible only for rules stored before ids stopped being reused)."""
    return bool(
        conn.execute(
            select(
                exists().where(
                    audit_log.c.target_type == "rule",
                    audit_log.c.target_id == rule_id,
                    audit_log.c.action == "delete",
                    audit_log.c.id > entry_id,
                )
            )
        ).scalar()
    )


def _apply(
    conn: Connection,
    step: _Step,
    actor: Actor | None,
    parent: int | None,
    reverted: int | None = None,
) -> RuleRecord:
    """Bring one rule back to ``step.restore`` and log it. ``reverted``: the entry this
    undoes, written as ``after.reverted`` (the link "already undone" is read from)."""
    link = {} if reverted is None else {"reverted": reverted}
    stamp = now()
    if step.restore is None:
        row = conn.execute(
            delete(rules).where(rules.c.id == step.rule_id).returning(*rules.c)
        ).one()
        write_audit(
            conn,
            actor,
            "delete",
            "rule",
            row.id,
            before=_record(row),
            after=link or None,
            parent_id=parent,
        )
        return _record(row)
    values = _values(step.restore)
    if step.expect is None:  # re-create a deleted rule, under its old id when it is free
        rid = _insert(conn, step.restore, step.rule_id, stamp)
        row = conn.execute(select(rules).where(rules.c.id == rid)).one()
        write_audit(
            conn,
            actor,
            "create",
            "rule",
            row.id,
            after={**asdict(_record(row)), **link},
            parent_id=parent,
        )
        return _record(row)
    old = conn.execute(select(rules).where(rules.c.id == step.rule_id)).one()
    row = conn.execute(
        update(rules)
        .where(rules.c.id == step.rule_id)
        .values(**values, updated_at=stamp)
        .returning(*rules.c)
    ).one()
    write_audit(
        conn,
        actor,
        "update",
        "rule",
        row.id,
        before=_record(old),
        after={**asdict(_record(row)), **link},
        parent_id=parent,
    )
    return _record(row)
