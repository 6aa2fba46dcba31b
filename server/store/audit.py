"""The audit log: who changed what, when, from where and why, with the data before and
after (append-only from the application's point of view).

Every change the store makes writes its entry with :func:`write_audit` inside the change's own
transaction, so the log and the data never disagree. An import or an undo writes one top-level
entry and one child entry per rule (``parent_id``); undoing an entry writes
``after.reverted`` = the undone entry's id, which is how :meth:`AuditMixin.undone_entries`
links the two.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select

from .errors import NotFound
from .records import iso, now
from .schema import audit_log

__all__ = ["Actor", "AuditEntry", "AuditMixin", "audit_entry", "write_audit"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, from where, and why (written to the audit log)."""

    name: str
    ip: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change: who, when, from where, what, before and after, why."""

    id: int
    at: str
    actor: str
    ip: str
    action: str
    target_type: str
    target_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    parent_id: int | None = None


def write_audit(
    conn: Connection,
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: int | None,
    before: Any = None,
    after: Any = None,
    parent_id: int | None = None,
) -> int:
    """Append an audit row inside the caller's transaction; returns its id."""
    if actor is None:
        actor = Actor("system")
    return int(
        conn.execute(
            insert(audit_log)
            .values(
                at=now(),
                actor=actor.name,
                ip=actor.ip,
                action=action,
                target_type=target_type,
                target_id=target_id,
                reason=actor.reason,
                parent_id=parent_id,
                before=None if before is None else orjson.dumps(_plain(before)).decode(),
                after=None if after is None else orjson.dumps(_plain(after)).decode(),
            )
            .returning(audit_log.c.id)
        ).scalar_one()
    )


def _plain(obj: Any) -> Any:
    return asdict(obj) if hasattr(obj, "__dataclass_fields__") else obj


class AuditMixin:
    """Reading the audit log, on :class:`~server.store.sql.SQLStore`."""

    def _read(self) -> Connection:  # provided by SQLStore
        raise NotImplementedError

    def list_audit(
        self,
        *,
        target_type: str | None = None,
        actor: str | None = None,
        target_id: int | None = None,
        parent_id: int | None = None,
        top_level: bool = False,
        offset: int = 0,
        limit: int = 50,
    ) -> tuple[int, list[AuditEntry]]:
        """``(total, page)`` of the log, newest first.

        ``target_id``: one object's history (with ``target_type``); ``parent_id``: the
        per-rule entries of one import or undo; ``top_level``: leave those out."""
        stmt = select(audit_log)
        if target_type:
            stmt = stmt.where(audit_log.c.target_type == target_type)
        if actor:
            stmt = stmt.where(audit_log.c.actor == actor)
        if target_id is not None:
            stmt = stmt.where(audit_log.c.target_id == target_id)
        if parent_id is not None:
            stmt = stmt.where(audit_log.c.parent_id == parent_id)
        if top_level:
            stmt = stmt.where(audit_log.c.parent_id.is_(None))
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            rows = conn.execute(stmt.order_by(audit_log.c.id.desc()).offset(offset).limit(limit))
            return int(total), [audit_entry(r) for r in rows]

    def count_children(self, entry_ids: list[int]) -> dict[int, int]:
        """How many per-rule entries each of ``entry_ids`` has (imports and their undos)."""
        if not entry_ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(
                select(audit_log.c.parent_id, func.count())
                .where(audit_log.c.parent_id.in_(entry_ids))
                .group_by(audit_log.c.parent_id)
            )
            return {int(r[0]): int(r[1]) for r in rows}

    def get_audit(self, entry_id: int) -> AuditEntry:
        """One entry or :class:`NotFound`."""
        with self._read() as conn:
            row = conn.execute(select(audit_log).where(audit_log.c.id == entry_id)).first()
        if row is None:
            raise NotFound(entry_id)
        return audit_entry(row)

    def undone_entries(self) -> dict[int, int]:
        """``{entry id: id of the entry that undid it}`` for every top-level entry undone
        and not redone since (undoing the undo makes the first entry undoable again).

        An undo is linked to what it undid by its ``after.reverted`` (written by the store
        itself, whichever door asked: a single rule's entry or an import undo's summary),
        never by its reason text."""
        stmt = (
            select(audit_log.c.id, audit_log.c.after)
            .where(audit_log.c.parent_id.is_(None), audit_log.c.after.like('%"reverted":%'))
            .order_by(audit_log.c.id)
        )
        undone: dict[int, int] = {}
        with self._read() as conn:
            for row in conn.execute(stmt):
                try:
                    target = orjson.loads(row.after).get("reverted")
                except (orjson.JSONDecodeError, AttributeError):
                    continue
                if isinstance(target, int) and not isinstance(target, bool):
                    undone[target] = row.id
        # an undo that was itself undone gives its target back
        return {target: by for target, by in undone.items() if by not in undone}


def audit_entry(r: Any) -> AuditEntry:
    """An ``audit_log`` row as an :class:`AuditEntry`."""
    return AuditEntry(
        r.id,
        iso(r.at),
        r.actor,
        r.ip,
        r.action,
        r.target_type,
        r.target_id,
        orjson.loads(r.before) if r.before else None,
        orjson.loads(r.after) if r.after else None,
        r.reason,
        r.parent_id,
    )
