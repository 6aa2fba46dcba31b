"""Users and API keys (every change to them is written to the audit log, ``.audit``).

Passwords are hashed with Argon2 (argon2-cffi). API keys are random 256-bit tokens shown
once; only their SHA-256 is stored (a fast hash is right for high-entropy secrets).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .audit import Actor, AuditEntry, write_audit
from .errors import AccountRefused, Conflict, NotFound
from .records import ApiKey, User, iso, now
from .schema import api_keys, users

# Actor, AuditEntry, write_audit (.audit), User, ApiKey (.records) and AccountRefused
# (.errors) are re-exported: code written before they moved imports them from here.
__all__ = [
    "AccountRefused",
    "AccountsMixin",
    "Actor",
    "ApiKey",
    "AuditEntry",
    "User",
    "hash_key",
    "write_audit",
]

ROLES = ("admin", "editor")
SCOPES = ("check", "admin")
_hasher = PasswordHasher()


def _user(r: Any) -> User:
    return User(
        r.id, r.username, r.role, bool(r.active), _iso(r.password_changed_at), r.scope or ""
    )


def hash_key(secret: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _iso(value: Any) -> str:
    return iso(value)


class AccountsMixin:
    """Users and keys on :class:`~server.store.sql.SQLStore`."""

    engine: Engine

    def _read(self) -> Connection:  # provided by SQLStore
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
