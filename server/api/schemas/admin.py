"""Models of the other admin routes: API keys, the review queue, accounts, feeds, stats."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, RootModel, field_validator

from .base import Answer, Body, FieldRefused, Refusal, RuleContent

__all__ = [
    "MAX_KEY_NAME",
    "ApiKey",
    "ApiKeyCreated",
    "Feed",
    "FeedInput",
    "JsonObject",
    "KeyInput",
    "KeyList",
    "PasswordReset",
    "PendingDecision",
    "PendingEntry",
    "PendingList",
    "Stats",
    "Status",
    "User",
    "UserList",
    "UserUpdate",
]

MAX_KEY_NAME = 100
_TIME: dict[str, Any] = {"format": "date-time", "description": "UTC, ISO 8601, ends in Z"}
_NULLABLE_TIME: dict[str, Any] = {
    "format": "date-time",
    "description": "UTC, ISO 8601, ends in Z; null when it never happened",
}


class JsonObject(RootModel[dict[str, Any]]):
    """Any JSON object: the body of routes whose fields a service checks itself (the review
    queue's decisions, feed subscriptions); a list or a number is ``invalid_body``."""

    model_config = ConfigDict(strict=True)


_BAD_NAME = Refusal(
    "invalid_key",
    "Cần tên khóa (chuỗi ký tự, tối đa {MAX_KEY_NAME} ký tự) và phạm vi (check hoặc admin).",
    MAX_KEY_NAME=MAX_KEY_NAME,
)


class KeyInput(Body):
    """``POST /api/v1/keys``."""

    name: str = Field(json_schema_extra={"minLength": 1, "maxLength": MAX_KEY_NAME})
    scope: Literal["check", "admin"]

    refusals: ClassVar[dict[str, Refusal]] = {
        "name": _BAD_NAME,
        "scope": Refusal("invalid_key", "Phạm vi của khóa phải là check hoặc admin."),
    }

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = value.strip()
        if not name or len(name) > MAX_KEY_NAME:
            raise FieldRefused(_BAD_NAME.code, _BAD_NAME.vi, _BAD_NAME.en)
        return name


class ApiKey(Answer):
    """An API key (never its secret)."""

    id: int
    name: str
    prefix: str
    scope: Literal["check", "admin"]
    created_by: str
    created_at: str = Field(json_schema_extra=_TIME)
    last_used_at: str | None = Field(json_schema_extra=_NULLABLE_TIME)
    revoked_at: str | None = Field(json_schema_extra=_NULLABLE_TIME)


class ApiKeyCreated(ApiKey):
    """A new key with its secret."""

    secret: str = Field(description="Shown this once only")


class KeyList(Answer):
    """Every key."""

    items: list[ApiKey]


class PendingEntry(RuleContent):
    """An entry of the review queue."""

    origin: str = ""
    status: Literal["pending", "approved", "rejected"]
    decision_reason: str = ""
    created_at: str | None = Field(default=None, json_schema_extra=_NULLABLE_TIME)
    decided_at: str | None = Field(default=None, json_schema_extra=_NULLABLE_TIME)


class PendingList(Answer):
    """Entries still waiting, oldest first."""

    items: list[PendingEntry]


class PendingDecision(Body):
    """``POST /api/v1/pending/{entry_id}`` (checked by
    :meth:`server.lists_service.ListsService.decide_pending`,
    which gives each field its own code)."""

    decision: Literal["allow", "deny", "reject"]
    reason: str = Field(min_length=1, max_length=2000)
    evidence: str = Field(
        default="", max_length=2000, description="The reviewer's own evidence; required to approve"
    )
    basis: str = Field(default="", max_length=1000)
    note: str = Field(default="", max_length=2000)


class User(Answer):
    """An account (never its password)."""

    id: int
    username: str
    role: Literal["admin", "editor"]
    active: bool
    password_changed_at: str = Field(json_schema_extra=_TIME)
    scope: str = Field(description="The one province an editor curates; empty: all")


class UserList(Answer):
    """Every account."""

    items: list[User]


class UserUpdate(Body):
    """``POST /api/v1/users/{user_id}``: any of the fields; the scope is checked by
    :func:`server.scopes.check_scope` (``invalid_scope``)."""

    active: bool | None = None
    role: Literal["admin", "editor"] | None = None
    scope: Any = Field(default=None, json_schema_extra={"type": "string"})
    reason: str = Field(default="", max_length=1000)

    refusals: ClassVar[dict[str, Refusal]] = {
        "active": Refusal("invalid_active", "“active” phải là true hoặc false."),
        "role": Refusal("invalid_role", "“role” phải là admin hoặc editor."),
        "reason": Refusal("invalid_reason", "“reason” phải là chuỗi, tối đa 1000 ký tự."),
    }

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: object) -> object:
        from ...scopes import check_scope

        return value if value is None or value == "" else check_scope(value)


class PasswordReset(Body):
    """``POST /api/v1/users/{user_id}/password``."""

    password: str = Field(min_length=10, max_length=200)

    refusals: ClassVar[dict[str, Refusal]] = {
        "password": Refusal("invalid_password", "Mật khẩu cần từ 10 đến 200 ký tự."),
    }


class FeedInput(Body):
    """``POST /api/v1/feeds`` (checked by the feed registry, which gives its own codes)."""

    name: str
    source: str
    format: Literal["hosts", "domains", "abp"]
    list: Literal["deny"] = "deny"


class Feed(Answer):
    """A threat feed and its state."""

    name: str = ""
    source: str = ""
    format: str = ""
    list: str = ""
    last_error: str = ""
    refreshed_at: str = ""
    changed_at: str = ""
    created_at: str = ""
    entry_count: int = 0
    bad_lines: int = 0


class StatsDay(Answer):
    """Checks of one verdict on one day."""

    day: str
    verdict: str
    checks: int


class StatsTop(Answer):
    """One of the most checked domains or pages."""

    domain: str
    checks: int
    name_unicode: str | None = None
    verdict_now: str | None = None
    rule_id: int | None = None


class Stats(Answer):
    """Checks per day by verdict (14 days) and the most checked per verdict."""

    by_day: list[StatsDay]
    top: dict[str, list[StatsTop]]


class Status(Answer):
    """Liveness."""

    status: str
