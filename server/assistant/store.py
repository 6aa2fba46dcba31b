"""The assistant's data in the database: feeds and their entries, health results, proposals.

Feed entries live in ``feed_entries`` by (feed, generation), never among the curated rules.
A refresh writes its entries as a new generation first (long, but no reader waits on it), then
flips ``current_gen`` in one short transaction that also bumps ``feeds_state.version`` and
writes the audit row; the previous generation is kept, so the refresh can be undone. Removing a
feed only marks it removed (undo brings it back with its entries).

Every change is audited in its own transaction; the assistant's own acts carry the actor
``assistant``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core.rules import Rule
from ..store.accounts import Actor, write_audit
from ..store.base import Conflict, NotFound
from ..store.records import iso, now, rule_values
from ..store.schema import (
    feed_entries,
    feeds,
    feeds_state,
    health_checks,
    pending_entries,
    rules,
)

__all__ = ["FeedRecord", "FeedStore"]

_BATCH = 5000


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """A subscribed feed and the state of its last refresh."""

    id: int
    name: str
    source: str
    format: str
    list: str
    entry_count: int
    bad_lines: int
    last_error: str
    refreshed_at: str
    changed_at: str
    created_at: str
    removed_at: str
    etag: str
    last_modified: str
    digest: str
    current_gen: int
    previous_gen: int

    def public(self) -> dict[str, Any]:
        """The fields shown to admins (API, page)."""
        return {
            k: getattr(self, k)
            for k in (
                "name",
                "source",
                "format",
                "list",
                "entry_count",
                "bad_lines",
                "last_error",
                "refreshed_at",
                "changed_at",
                "created_at",
            )
        }


def _feed(row: Any) -> FeedRecord:
    return FeedRecord(
        row.id,
        row.name,
        row.source,
        row.format,
        row.list,
        row.entry_count,
        row.bad_lines,
        row.last_error,
        iso(row.refreshed_at),
        iso(row.changed_at),
        iso(row.created_at),
        iso(row.removed_at),
        row.etag,
        row.last_modified,
        row.digest,
        row.current_gen,
        row.previous_gen,
    )


class FeedStore:
    """Feeds, entries, health results and the assistant's proposals on one engine."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def _read(self) -> Any:
        return self.engine.connect().execution_options(readonly=True)

    @staticmethod
    def _bump(conn: Connection) -> int:
        return int(
            conn.execute(
                update(feeds_state)
                .where(feeds_state.c.id == 1)
                .values(version=feeds_state.c.version + 1, updated_at=now())
                .returning(feeds_state.c.version)
            ).scalar_one()
        )

    # -- feeds --------------------------------------------------------------------------
    def version(self) -> int:
        """The feeds version (moves whenever the active entries change)."""
        with self._read() as conn:
            return int(conn.execute(select(feeds_state.c.version)).scalar_one())

    def list_feeds(self, removed: bool = False) -> list[FeedRecord]:
        """Active feeds by name (and removed ones when ``removed``)."""
        stmt = select(feeds).order_by(feeds.c.name)
        if not removed:
            stmt = stmt.where(feeds.c.removed_at.is_(None))
        with self._read() as conn:
            return [_feed(r) for r in conn.execute(stmt)]

    def get_feed(self, name: str) -> FeedRecord:
        """The active feed called ``name`` (:class:`NotFound`)."""
        with self._read() as conn:
            row = conn.execute(
                select(feeds).where(feeds.c.name == name, feeds.c.removed_at.is_(None))
            ).first()
        if row is None:
            raise NotFound(name)
        return _feed(row)

    def add_feed(self, name: str, source: str, fmt: str, actor: Actor) -> FeedRecord:
        """Subscribe (:class:`Conflict` if an active feed has that name). A removed feed of
        the same name is dropped for good."""
        try:
            with self.engine.begin() as conn:
                old = conn.execute(
                    select(feeds.c.id).where(feeds.c.name == name, feeds.c.removed_at.is_not(None))
                ).scalar()
                if old is not None:
                    conn.execute(delete(feed_entries).where(feed_entries.c.feed_id == old))
                    conn.execute(delete(feeds).where(feeds.c.id == old))
                row = conn.execute(
                    insert(feeds)
                    .values(
                        name=name,
                        source=source,
                        format=fmt,
                        list="deny",
                        etag="",
                        last_modified="",
                        digest="",
                        current_gen=0,
                        previous_gen=0,
                        entry_count=0,
                        bad_lines=0,
                        last_error="",
                        created_at=now(),
                    )
                    .returning(*feeds.c)
                ).one()
                write_audit(conn, actor, "create", "feed", row.id, after=_feed(row).public())
        except IntegrityError:
            raise Conflict(name) from None
        return _feed(row)

    def remove_feed(self, name: str, actor: Actor) -> FeedRecord:
        """Unsubscribe: its entries stop counting at once (kept for undo)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                update(feeds)
                .where(feeds.c.name == name, feeds.c.removed_at.is_(None))
                .values(removed_at=now())
                .returning(*feeds.c)
            ).first()
            if row is None:
                raise NotFound(name)
            self._bump(conn)
            write_audit(conn, actor, "delete", "feed", row.id, before=_feed(row).public())
        return _feed(row)

    def write_generation(self, feed: FeedRecord, hosts: Iterable[str]) -> int:
        """Store ``hosts`` as a new generation of ``feed`` (not active yet); its number."""
        gen = max(feed.current_gen, feed.previous_gen) + 1
        with self.engine.begin() as conn:  # leftovers of an interrupted refresh go first
            conn.execute(
                delete(feed_entries).where(
                    feed_entries.c.feed_id == feed.id,
                    feed_entries.c.generation.not_in((feed.current_gen, feed.previous_gen)),
                )
            )
        batch: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            for host in hosts:
                batch.append({"feed_id": feed.id, "generation": gen, "host": host})
                if len(batch) >= _BATCH:
                    conn.execute(insert(feed_entries), batch)
                    batch = []
            if batch:
                conn.execute(insert(feed_entries), batch)
        return gen

    def activate(
        self,
        feed: FeedRecord,
        gen: int,
        count: int,
        bad: int,
        meta: dict[str, str],
        summary: dict[str, Any],
        actor: Actor,
    ) -> int:
        """Make ``gen`` current (the old current becomes previous); returns the audit id."""
        stamp = now()
        with self.engine.begin() as conn:
            conn.execute(
                delete(feed_entries).where(
                    feed_entries.c.feed_id == feed.id,
                    feed_entries.c.generation != gen,
                    feed_entries.c.generation != feed.current_gen,
                )
            )
            conn.execute(
                update(feeds)
                .where(feeds.c.id == feed.id)
                .values(
                    current_gen=gen,
                    previous_gen=feed.current_gen,
                    entry_count=count,
                    bad_lines=bad,
                    last_error="",
                    refreshed_at=stamp,
                    changed_at=stamp,
                    **meta,
                )
            )
            self._bump(conn)
            return write_audit(
                conn,
                actor,
                "refresh",
                "feed",
                feed.id,
                before={"generation": feed.current_gen, "entry_count": feed.entry_count},
                after={"generation": gen, "entry_count": count, **summary},
            )

    def note_refresh(
        self, feed: FeedRecord, error: str, actor: Actor, meta: dict[str, str] | None = None
    ) -> int:
        """A refresh that changed no entry: unchanged (``error`` ``""``) or failed."""
        with self.engine.begin() as conn:
            conn.execute(
                update(feeds)
                .where(feeds.c.id == feed.id)
                .values(last_error=error, refreshed_at=now(), **(meta or {}))
            )
            return write_audit(
                conn,
                actor,
                "refresh_failed" if error else "refresh_same",
                "feed",
                feed.id,
                after={"error": error} if error else None,
            )

    def load_entries(self) -> tuple[int, tuple[tuple[str, str, str], ...]]:
        """``(version, ((host, feed name, feed source), …))`` of every active feed (tuples of
        str, which CPython's cyclic garbage collector does not track: a list would be walked
        entry by entry by any full collection while the feed index is built)."""
        stmt = (
            select(feed_entries.c.host, feeds.c.name, feeds.c.source)
            .join(
                feeds,
                and_(
                    feeds.c.id == feed_entries.c.feed_id,
                    feeds.c.current_gen == feed_entries.c.generation,
                ),
            )
            .where(feeds.c.removed_at.is_(None))
            .order_by(feeds.c.name)
        )
        with self._read() as conn:
            version = int(conn.execute(select(feeds_state.c.version)).scalar_one())
            rows = tuple([tuple(r) for r in conn.execute(stmt)])
        return version, rows  # type: ignore[return-value]

    def entries(self, feed: FeedRecord) -> Iterator[str]:
        """The current entries of ``feed``."""
        with self._read() as conn:
            yield from conn.execute(
                select(feed_entries.c.host).where(
                    feed_entries.c.feed_id == feed.id, feed_entries.c.generation == feed.current_gen
                )
            ).scalars()

    # -- proposals ----------------------------------------------------------------------
    def propose(self, rule: Rule, origin: str, actor: Actor) -> int | None:
        """Queue ``rule`` for review unless it is already a rule or pending; the entry id."""
        with self.engine.begin() as conn:
            if conn.execute(
                select(rules.c.id).where(rules.c.pattern == rule.pattern, rules.c.list == rule.list)
            ).first():
                return None
            if conn.execute(
                select(pending_entries.c.id).where(
                    pending_entries.c.pattern == rule.pattern, pending_entries.c.status == "pending"
                )
            ).first():
                return None
            pid = int(
                conn.execute(
                    insert(pending_entries)
                    .values(
                        **rule_values(rule),
                        origin=origin,
                        status="pending",
                        decision_reason="",
                        created_at=now(),
                    )
                    .returning(pending_entries.c.id)
                ).scalar_one()
            )
            write_audit(
                conn,
                actor,
                "propose",
                "pending",
                pid,
                after={
                    "pattern": rule.pattern,
                    "list": rule.list,
                    "name": rule.name,
                    "evidence": rule.evidence,
                    "note": rule.note,
                    "origin": origin,
                },
            )
        return pid

    # -- health -------------------------------------------------------------------------
    def save_health(self, results: list[dict[str, Any]], actor: Actor) -> int:
        """Store one health run (replacing none: runs are kept); its run id."""
        stamp = now()
        import orjson

        with self.engine.begin() as conn:
            last = conn.execute(
                select(health_checks.c.run_id).order_by(health_checks.c.run_id.desc()).limit(1)
            ).scalar()
            run = int(last or 0) + 1
            if results:
                conn.execute(
                    insert(health_checks),
                    [
                        {
                            "run_id": run,
                            "rule_id": r.get("rule_id"),
                            "pattern": r["pattern"],
                            "checked_at": stamp,
                            "flags": ",".join(f["code"] for f in r["flags"]),
                            "detail": orjson.dumps(r).decode(),
                        }
                        for r in results
                    ],
                )
            flagged = sum(1 for r in results if r["flags"])
            write_audit(
                conn,
                actor,
                "health_run",
                "health",
                run,
                after={"checked": len(results), "flagged": flagged},
            )
        return run

    def latest_health(self) -> tuple[int, list[dict[str, Any]]]:
        """``(run id, results)`` of the newest health run (``(0, [])`` before any)."""
        import orjson

        with self._read() as conn:
            run = conn.execute(
                select(health_checks.c.run_id).order_by(health_checks.c.run_id.desc()).limit(1)
            ).scalar()
            if run is None:
                return 0, []
            rows = conn.execute(
                select(health_checks.c.detail)
                .where(health_checks.c.run_id == run)
                .order_by(health_checks.c.pattern)
            ).scalars()
            return int(run), [orjson.loads(d) for d in rows]

    # -- undo ---------------------------------------------------------------------------
    def undo_feed(
        self, conn: Connection, action: str, feed_id: int, after: dict[str, Any] | None
    ) -> str:
        """Undo one feed entry inside ``conn``; returns what was done (or raises ValueError
        with a stable reason)."""
        row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        if row is None:
            raise ValueError("gone")
        if action == "create":
            if row.removed_at is not None:
                raise ValueError("already_reverted")
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(removed_at=now()))
        elif action == "delete":
            if row.removed_at is None:
                raise ValueError("already_reverted")
            if conn.execute(
                select(feeds.c.id).where(feeds.c.name == row.name, feeds.c.removed_at.is_(None))
            ).first():
                raise ValueError("exists_again")
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(removed_at=None))
        elif action == "refresh":
            gen = (after or {}).get("generation")
            if row.current_gen != gen or not row.previous_gen:
                raise ValueError("changed_since")
            count = conn.execute(
                select(feed_entries.c.host).where(
                    feed_entries.c.feed_id == feed_id, feed_entries.c.generation == row.previous_gen
                )
            ).all()
            conn.execute(
                update(feeds)
                .where(feeds.c.id == feed_id)
                .values(
                    current_gen=row.previous_gen,
                    previous_gen=0,
                    entry_count=len(count),
                    etag="",
                    last_modified="",
                    digest="",
                    changed_at=now(),
                )
            )
            conn.execute(
                delete(feed_entries).where(
                    feed_entries.c.feed_id == feed_id, feed_entries.c.generation == gen
                )
            )
        else:
            raise ValueError("not_revertable")
        self._bump(conn)
        return action

    def undo_proposal(self, conn: Connection, pending_id: int) -> None:
        """Withdraw a proposal that is still pending (ValueError otherwise)."""
        done = conn.execute(
            update(pending_entries)
            .where(pending_entries.c.id == pending_id, pending_entries.c.status == "pending")
            .values(status="rejected", decision_reason="undone", decided_at=now())
        ).rowcount
        if not done:
            raise ValueError("changed_since")
