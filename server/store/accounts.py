"""Users, API keys and the audit log (append-only from the application's point of view).

Passwords are hashed with Argon2 (argon2-cffi). API keys are random 256-bit tokens shown
once; only their SHA-256 is stored (a fast hash is right for high-entropy secrets).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from typing import Any

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .base import Conflict, NotFound, StoreError
from .records import iso, now
from .schema import api_keys, audit_log, users

__all__ = ["AccountRefused", "AccountsMixin", "Actor", "ApiKey", "AuditEntry", "User", "hash_key"]

ROLES = ("admin", "editor")
SCOPES = ("check", "admin")
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, from where, and why (written to the audit log)."""

    name: str
    ip: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class User:
    """An admin or editor account (never carries the password)."""

    id: int
    username: str
    role: str
    active: bool
    password_changed_at: str
    #: An editor limited to one province's rules ("" for every rule).
    scope: str = ""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key's public data (the secret is shown only when created)."""

    id: int
    name: str
    prefix: str
    scope: str
    created_by: str
    created_at: str
    last_used_at: str
    revoked_at: str


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


class AccountRefused(StoreError):
    """A change that would leave no active administrator (``reason`` = ``last_admin``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _user(r: Any) -> User:
    return User(
        r.id, r.username, r.role, bool(r.active), _iso(r.password_changed_at), r.scope or ""
    )


def hash_key(secret: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(value: Any) -> str:
    return iso(value)


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


class AccountsMixin:
    """Users, keys and audit on :class:`~server.store.sql.SQLStore`."""

    engine: Any

    def _read(self) -> Any:  # provided by SQLStore
        raise NotImplementedError

    # -- users ------------------------------------------------------------------------------
    def create_user(
        self, username: str, password: str, role: str, actor: Actor | None = None, scope: str = ""
    ) -> User:
        """A new account (:class:`Conflict` if the name is taken); ``scope``: the one
        province an editor may curate ("" for every rule)."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        stamp = now()
        try:
            with self.engine.begin() as conn:
                uid = conn.execute(
                    insert(users)
                    .values(
                        username=username,
                        password_hash=_hasher.hash(password),
                        role=role,
                        active=True,
                        created_at=stamp,
                        password_changed_at=stamp,
                        scope=scope,
                    )
                    .returning(users.c.id)
                ).scalar_one()
                write_audit(
                    conn,
                    actor,
                    "create",
                    "user",
                    uid,
                    after={"username": username, "role": role, "scope": scope},
                )
        except IntegrityError:
            raise Conflict(username) from None
        return self.get_user(uid)

    def get_user(self, user_id: int) -> User:
        """One user or :class:`NotFound`."""
        with self._read() as conn:
            row = conn.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFound(user_id)
        return _user(row)

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user with this name and password, else None."""
        with self._read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None or not row.active:
            _hasher.hash(password)  # same work either way: no timing oracle on usernames
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(row)

    def set_password(self, username: str, password: str, actor: Actor | None = None) -> User:
        """Change a password; every session of that user ends (:class:`NotFound`)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(
                    password_hash=_hasher.hash(password),
                    password_changed_at=now(),
                )
                .returning(users.c.id)
            ).first()
            if row is None:
                raise NotFound(username)
            write_audit(conn, actor, "password", "user", row.id, after={"username": username})
        return self.get_user(row.id)

    def list_users(self) -> list[User]:
        """Every account, by name."""
        with self._read() as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).all()
        return [_user(r) for r in rows]

    def get_user_by_name(self, username: str) -> User:
        """One user by name or :class:`NotFound`."""
        with self._read() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(username)
        return _user(row)

    def update_user(
        self,
        username: str,
        *,
        active: bool | None = None,
        role: str | None = None,
        scope: str | None = None,
        actor: Actor | None = None,
    ) -> User:
        """Enable or disable an account, change its role or its province (audited, one
        entry with before and after; no entry when nothing changes). A disabled account
        cannot sign in and its sessions end at their next request. :class:`NotFound`;
        :class:`AccountRefused` when no active administrator would be left."""
        if role is not None and role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        with self.engine.begin() as conn:
            row = conn.execute(
                select(users).where(users.c.username == username).with_for_update()
            ).first()
            if row is None:
                raise NotFound(username)
            values: dict[str, Any] = {}
            if active is not None and bool(row.active) != active:
                values["active"] = active
            if role is not None and row.role != role:
                values["role"] = role
            if scope is not None and (row.scope or "") != scope:
                values["scope"] = scope
            if not values:
                return _user(row)
            stays_admin = values.get("role", row.role) == "admin" and values.get(
                "active", bool(row.active)
            )
            if row.role == "admin" and row.active and not stays_admin:
                self._keep_an_admin(conn, row.id)
            conn.execute(update(users).where(users.c.id == row.id).values(**values))
            before = {
                k: (bool(row.active) if k == "active" else getattr(row, k) or "") for k in values
            }
            write_audit(
                conn,
                actor,
                "update",
                "user",
                row.id,
                before={"username": username, **before},
                after={"username": username, **values},
            )
        return self.get_user(row.id)

    def delete_user(self, username: str, actor: Actor | None = None) -> User:
        """Delete an account (audited; its sessions end). :class:`NotFound`;
        :class:`AccountRefused` for the last active administrator."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(users).where(users.c.username == username).with_for_update()
            ).first()
            if row is None:
                raise NotFound(username)
            if row.role == "admin" and row.active:
                self._keep_an_admin(conn, row.id)
            conn.execute(users.delete().where(users.c.id == row.id))
            write_audit(
                conn,
                actor,
                "delete",
                "user",
                row.id,
                before={
                    "username": username,
                    "role": row.role,
                    "active": bool(row.active),
                    "scope": row.scope or "",
                },
            )
        return _user(row)

    @staticmethod
    def _keep_an_admin(conn: Connection, user_id: int) -> None:
        others = conn.execute(
            select(func.count())
            .select_from(users)
            .where(users.c.role == "admin", users.c.active.is_(True), users.c.id != user_id)
        ).scalar_one()
        if not others:
            raise AccountRefused("last_admin")

    def count_users(self) -> int:
        """How many accounts exist."""
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    # -- API keys ---------------------------------------------------------------------------
    def create_key(self, name: str, scope: str, actor: Actor | None = None) -> tuple[ApiKey, str]:
        """A new key and its secret (shown once, stored hashed)."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}")
        secret = "kv_" + secrets.token_urlsafe(32)
        creator = actor.name if actor else "system"
        with self.engine.begin() as conn:
            kid = conn.execute(
                insert(api_keys)
                .values(
                    name=name,
                    prefix=secret[:10],
                    key_hash=hash_key(secret),
                    scope=scope,
                    created_by=creator,
                    created_at=now(),
                )
                .returning(api_keys.c.id)
            ).scalar_one()
            write_audit(conn, actor, "create", "key", kid, after={"name": name, "scope": scope})
        return self.get_key(kid), secret

    def get_key(self, key_id: int) -> ApiKey:
        """One key's public data or :class:`NotFound`."""
        with self._read() as conn:
            row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
        if row is None:
            raise NotFound(key_id)
        return _key(row)

    def list_keys(self) -> list[ApiKey]:
        """Every key, newest first."""
        with self._read() as conn:
            return [_key(r) for r in conn.execute(select(api_keys).order_by(api_keys.c.id.desc()))]

    def verify_key(self, secret: str) -> ApiKey | None:
        """The live key for ``secret``, else None. Its last-used time is written at most once
        a minute, so that busy keys do not turn every check into a database write."""
        digest = hash_key(secret)
        with self._read() as conn:
            row = conn.execute(
                select(api_keys).where(
                    api_keys.c.key_hash == digest, api_keys.c.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        stamp = now()
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=stamp.tzinfo)
        if last is None or (stamp - last).total_seconds() > 60:
            with self.engine.begin() as conn:
                conn.execute(
                    update(api_keys).where(api_keys.c.id == row.id).values(last_used_at=stamp)
                )
            return self.get_key(row.id)
        return _key(row)

    def revoke_key(self, key_id: int, actor: Actor | None = None) -> ApiKey:
        """Revoke a key (:class:`NotFound`). Revoking a revoked key changes nothing: its
        revocation time stays and no second audit entry is written."""
        with self.engine.begin() as conn:
            row = conn.execute(
                update(api_keys)
                .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
                .values(revoked_at=now())
                .returning(*api_keys.c)
            ).first()
            if row is None:
                row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).first()
                if row is None:
                    raise NotFound(key_id)
                return _key(row)
            write_audit(conn, actor, "revoke", "key", key_id, after={"revoked": True})
        return _key(row)

    # -- audit ------------------------------------------------------------------------------
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
            return int(total), [_audit(r) for r in rows]

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
        return _audit(row)


def _key(r: Any) -> ApiKey:
    return ApiKey(
        r.id,
        r.name,
        r.prefix,
        r.scope,
        r.created_by,
        _iso(r.created_at),
        _iso(r.last_used_at),
        _iso(r.revoked_at),
    )


def _audit(r: Any) -> AuditEntry:
    return AuditEntry(
        r.id,
        _iso(r.at),
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
