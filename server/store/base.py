"""The store interface: every method the service calls on storage, what each returns, what it
changes and what it raises.

One implementation, :class:`~.sql.SQLStore`, serves both backends (SQLite and PostgreSQL
through SQLAlchemy); one contract test suite (``tests/store/``) runs against each, in the
manner of Kinto's storage layer, and ``tests/store/test_interface.py`` checks that
``SQLStore`` has exactly these public methods with these signatures (mypy checks it too).

Conventions for every method below:

* **Transactions.** A method that changes anything does it in one transaction: when it raises,
  nothing has changed.
* **Lists version.** "Bumps" means the lists version (:meth:`Store.lists_version`) grows by
  one in the same transaction (checkers reload their rules when it moves); methods that do not
  say so never change it.
* **Audit log.** "Audited ``action`` on ``target``" means one entry is appended to the audit
  log in the same transaction, with ``actor`` (``Actor("system")`` when None), the data before
  and after where the method says so. Methods that do not say so write no entry.
* **Validation.** The store does not validate patterns, names or categories: callers pass
  rules built by the core (``make_rule``). It refuses what the schema refuses.
* **Errors.** :class:`NotFound`, :class:`Conflict`, :class:`CannotRevert` and
  :class:`AccountRefused` are :class:`StoreError`\\ s (``.errors``). ``ValueError`` is a
  programming error (an unknown role or key scope). Database failures come up as SQLAlchemy's
  errors.

The records (``RuleRecord`` …) live in ``.records``, ``Actor`` and ``AuditEntry`` in ``.audit``,
the errors in ``.errors``; those this module used to define are re-exported from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from ..core.rules import Rule
from .audit import Actor, AuditEntry
from .errors import Conflict, NotFound, StoreError
from .records import (
    ApiKey,
    ImportResult,
    PendingRecord,
    ReportRecord,
    RevertResult,
    RuleRecord,
    RuleRow,
    User,
)

__all__ = [
    "Conflict",
    "ImportResult",
    "NotFound",
    "PendingRecord",
    "ReportRecord",
    "RuleRecord",
    "RuleRow",
    "Store",
    "StoreError",
]


class Store(Protocol):
    """What the service needs from storage (see the module docstring for the conventions)."""

    # -- schema, lifecycle, version -----------------------------------------------------------
    def create_schema(self) -> None:
        """Create the schema or upgrade it to the newest migration (idempotent)."""

    def dispose(self) -> None:
        """Close every pooled connection (the store can still be used: it reconnects)."""

    def is_empty(self) -> bool:
        """True when there is no rule on either list."""

    def lists_version(self) -> int:
        """The current lists version (strictly increasing; 1 after ``create_schema``)."""

    def load_rules(self) -> tuple[int, Iterator[RuleRow]]:
        """``(version, rows)``: every rule as a :data:`RuleRow`, read in one consistent
        snapshot of that version, streamed. The connection is held until the iterator is
        exhausted or closed."""

    # -- rules ----------------------------------------------------------------------------
    def get_rule(self, rule_id: int) -> RuleRecord:
        """One rule. :class:`NotFound`."""

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
        """``(total, page)`` of the rules matching every filter given, ordered by (pattern,
        list). ``q``: in the pattern or the name, ignoring case and Vietnamese diacritics;
        ``overdue``: review-by date passed."""

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
        """:meth:`find_rules` limited to one unit (a province or ``national``): its scope,
        with or without a former-province note (``Thái Nguyên (cũ: Bắc Kạn)``); ``scope``
        is ignored then. Without ``unit``, exactly :meth:`find_rules`."""

    def add_rule(self, rule: Rule, actor: Actor | None = None) -> RuleRecord:
        """Store a new rule and return it. Bumps; audited ``create`` on ``rule`` (after).
        :class:`Conflict` when the pattern is already on that list or the row breaks a
        constraint (e.g. a list other than allow/deny)."""

    def update_rule(self, rule_id: int, rule: Rule, actor: Actor | None = None) -> RuleRecord:
        """Replace every field of a rule (even with the same values) and return it. Bumps;
        audited ``update`` on ``rule`` (before, after). :class:`NotFound`; :class:`Conflict`
        when another rule has that list and pattern."""

    def delete_rule(self, rule_id: int, actor: Actor | None = None) -> RuleRecord:
        """Delete a rule and return what it was. Bumps; audited ``delete`` on ``rule``
        (before). :class:`NotFound`."""

    def import_rules(
        self,
        rules_in: Iterable[Rule],
        *,
        replace_lists: Iterable[str] = (),
        dry_run: bool = False,
        actor: Actor | None = None,
    ) -> ImportResult:
        """Merge rules by (list, pattern), the last of duplicates winning; on each list of
        ``replace_lists``, delete the rules not imported. All or nothing. When something
        changes: bumps once, audited ``import`` on ``rules`` (after: the counts) with one
        child entry per rule added, changed or removed (``create``/``update``/``delete``,
        ``parent_id`` = the import's entry; undo with :meth:`revert`). A dry run, or an
        import that changes nothing, changes nothing (no bump, no entry; ``version`` is the
        current one, ``entry`` None) but gives the exact counts. Raises whatever
        ``rules_in`` raises, and SQLAlchemy's ``IntegrityError`` for a row the schema
        refuses; nothing changes then."""

    def export_rules(self, list: str | None = None) -> Iterator[Rule]:
        """Every rule (of ``list``) as a core :class:`Rule` with its ``id``, sorted by
        (list, pattern) in code-point order on every backend; streamed."""

    # -- review queue, reports, statistics ----------------------------------------------------
    def add_pending(self, entries: Iterable[Rule], origin: str) -> int:
        """Queue entries for review (status ``pending``); returns how many. Not audited."""

    def list_pending(self, status: str | None = "pending") -> list[PendingRecord]:
        """Queued entries with ``status`` (every one when None), oldest first."""

    def get_pending(self, entry_id: int) -> PendingRecord:
        """One queued entry, whatever its status. :class:`NotFound`."""

    def review_queue(self) -> list[PendingRecord]:
        """The pending entries, oldest first, without those whose pattern is on a list by
        now (they need no decision)."""

    def decide_pending(
        self,
        entry_id: int,
        approve: bool,
        reason: str,
        list_: str | None = None,
        actor: Actor | None = None,
        rule: Rule | None = None,
    ) -> RuleRecord | None:
        """Approve or reject a pending entry with ``reason``. Rejecting: audited ``reject`` on
        ``pending``; returns None; no bump. Approving: adds ``rule`` (or, when None, a rule from
        the entry's pattern, name, category, scope and review date on ``list_`` or the entry's
        list, with ``reason`` as evidence) and returns it; bumps; audited ``approve`` on
        ``pending`` and ``create`` on ``rule``. :class:`NotFound` when no entry with that id
        is pending; :class:`Conflict` when the rule is already on that list."""

    def add_report(self, **fields: str) -> int:
        """Store a user's report (``fields``: the ``reports`` columns but id, status and
        created_at), status ``open``; returns its id. Not audited."""

    def list_reports(self, status: str | None = None) -> list[ReportRecord]:
        """Reports with ``status`` (every one when None), oldest first."""

    def set_report_status(self, report_id: int, status: str, actor: Actor | None = None) -> None:
        """Set one report's status: :meth:`set_reports_status` for one report, audited the
        same way (the status it has already changes and logs nothing). :class:`NotFound`."""

    def set_reports_status(
        self,
        report_ids: Iterable[int],
        status: str,
        actor: Actor | None = None,
        link: Mapping[str, Any] | None = None,
    ) -> list[int]:
        """Set several reports' status; returns the ids changed (those with that status
        already are left alone). Audited ``<status>`` on ``report`` per report changed
        (before, after + ``link``: ``{"rule", "entry"}`` of the change that resolved them).
        :class:`NotFound` (for the smallest missing id) when one does not exist."""

    def reports_resolved_by(self, entry_id: int) -> list[int]:
        """The reports (sorted ids) that audit entry ``entry_id`` resolved (through
        ``link``) and that are still resolved."""

    def add_stats(self, counts: Mapping[tuple[str, str, str], int]) -> None:
        """Add check counters ``(day, verdict, domain) -> n`` (an upsert per key, so workers
        flushing at once add up). Not audited."""

    def stats_by_day(self, since: str) -> list[tuple[str, str, int]]:
        """``(day, verdict, checks)`` from ``since`` (ISO date) on, by day."""

    def top_domains(self, verdict: str, since: str, limit: int = 20) -> list[tuple[str, int]]:
        """``(domain, checks)``: the most-checked domains with ``verdict`` since a day."""

    # -- users and API keys -------------------------------------------------------------------
    def create_user(
        self, username: str, password: str, role: str, actor: Actor | None = None, scope: str = ""
    ) -> User:
        """A new active account (password hashed with Argon2); ``scope``: the one province
        an editor may curate (``""``: every rule). Audited ``create`` on ``user`` (after).
        :class:`Conflict` when the name is taken; ``ValueError`` for a role not in
        ``admin``/``editor``."""

    def get_user(self, user_id: int) -> User:
        """One account. :class:`NotFound`."""

    def get_user_by_name(self, username: str) -> User:
        """One account by name. :class:`NotFound`."""

    def authenticate(self, username: str, password: str) -> User | None:
        """The active account with this name and password, else None (same work either way:
        no timing oracle on usernames)."""

    def set_password(self, username: str, password: str, actor: Actor | None = None) -> User:
        """Change a password (the account's sessions end: ``password_changed_at`` moves).
        Audited ``password`` on ``user``. :class:`NotFound`."""

    def list_users(self) -> list[User]:
        """Every account, by name."""

    def update_user(
        self,
        username: str,
        *,
        active: bool | None = None,
        role: str | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> User:
        """Change what is given of active, role and scope; returns the account. Audited
        ``update`` on ``user`` (before, after) when something changes; nothing is written
        otherwise. :class:`NotFound`; :class:`AccountRefused` when no active administrator
        would be left; ``ValueError`` for an unknown role."""

    def delete_user(self, username: str, actor: Actor | None = None) -> User:
        """Delete an account and return what it was. Audited ``delete`` on ``user``
        (before). :class:`NotFound`; :class:`AccountRefused` for the last active admin."""

    def count_users(self) -> int:
        """How many accounts exist."""

    def create_key(self, name: str, scope: str, actor: Actor | None = None) -> tuple[ApiKey, str]:
        """A new API key and its secret (shown this once; only its SHA-256 is stored).
        Audited ``create`` on ``key`` (after). ``ValueError`` for a scope not in
        ``check``/``admin``."""

    def get_key(self, key_id: int) -> ApiKey:
        """One key's public data. :class:`NotFound`."""

    def list_keys(self) -> list[ApiKey]:
        """Every key, revoked ones included, newest first."""

    def verify_key(self, secret: str) -> ApiKey | None:
        """The unrevoked key for ``secret``, else None. Writes its last-used time, at most
        once a minute (not audited)."""

    def revoke_key(self, key_id: int, actor: Actor | None = None) -> ApiKey:
        """Revoke a key and return it. Audited ``revoke`` on ``key`` the first time only:
        revoking a revoked key changes nothing. :class:`NotFound`."""

    # -- audit log and undo -------------------------------------------------------------------
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
        """``(total, page)`` of the log, newest first, filtered by what is given;
        ``parent_id``: the per-rule entries of one import or undo; ``top_level``: without
        any per-rule child entry."""

    def count_children(self, entry_ids: list[int]) -> dict[int, int]:
        """``{entry id: number of child entries}`` for those of ``entry_ids`` that have any."""

    def get_audit(self, entry_id: int) -> AuditEntry:
        """One entry. :class:`NotFound`."""

    def undone_entries(self) -> dict[int, int]:
        """``{entry id: id of the entry that undid it}`` for every top-level entry undone and
        not redone since."""

    def revert(self, entry_id: int, actor: Actor | None = None) -> RuleRecord | RevertResult:
        """Undo an audit entry when every rule it touched is still as the entry left it.
        A rule's ``create``/``update``/``delete``: the rule as restored (or as deleted),
        audited with the inverse action on ``rule`` and ``after.reverted`` = ``entry_id``.
        An import or an undo of one: a :class:`RevertResult`, audited ``revert`` on ``rules``
        with a child entry per rule. Bumps. :class:`NotFound` for no such entry;
        :class:`CannotRevert` (with its ``reason``) when it cannot be undone."""
