"""Models of the rule routes: create/replace a rule, rule records, the audit log, imports."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from ...rule_files import MAX_LENGTHS, check_text
from ...store.fields import KEY_FIELDS, TEXT_FIELDS
from .base import Answer, Body, Refusal, RuleContent
from .check import ErrorBody, ListName

__all__ = [
    "AuditEntry",
    "AuditPage",
    "ImportChange",
    "ImportRefused",
    "ImportResult",
    "ImportReverted",
    "RowError",
    "RuleInput",
    "RulePage",
    "RuleRecord",
    "RuleSaved",
]

#: The fields of a rule as :func:`server.rule_files.build_rule` reads them.
RULE_FIELDS = (*KEY_FIELDS, *TEXT_FIELDS)


def _text(name: str, **extra: Any) -> Any:
    return Field(
        default=None,
        json_schema_extra={"maxLength": MAX_LENGTHS[name], **extra},
    )


class RuleInput(Body):
    """``POST /api/v1/sources`` and ``PUT /api/v1/sources/{rule_id}``.

    Every text field goes through the checks an imported row gets
    (:func:`server.rule_files.check_text`: a string, no control character, within its
    length; ``invalid_<field>``); the rule itself is then built by
    :func:`server.rule_files.build_rule` (pattern, list, name, evidence, category, and
    scope codes)."""

    force: bool = Field(
        default=False, description="Accept a host-only rule on a shared platform (facebook.com)"
    )
    list: str | None = _text("list", enum=["allow", "deny"])
    pattern: str | None = _text("pattern")
    name: str | None = _text("name")
    category: str | None = _text("category")
    scope: str | None = _text("scope", description="national, or one of the 34 provinces")
    evidence: str | None = _text("evidence")
    basis: str | None = _text("basis")
    note: str | None = _text("note")
    review_by: str | None = _text("review_by", description="yyyy-mm-dd")
    reason: str | None = _text("reason", description="Written to the audit log")

    model_config = ConfigDict(json_schema_extra={"required": ["list", "pattern", "evidence"]})

    refusals: ClassVar[dict[str, Refusal]] = {
        "force": Refusal("invalid_force", "“force” phải là true hoặc false."),
    }

    @field_validator(*RULE_FIELDS, "review_by", "reason", mode="before")
    @classmethod
    def _checked_text(cls, value: object, info: ValidationInfo) -> str:
        return check_text(info.field_name or "", value)

    def rule_values(self) -> dict[str, object]:
        """The fields :func:`server.rule_files.build_rule` takes."""
        return {k: getattr(self, k) for k in (*RULE_FIELDS, "review_by")}


class RuleRecord(RuleContent):
    """A stored rule."""

    created_at: str
    updated_at: str


class RuleSaved(RuleRecord):
    """A created or replaced rule."""

    resolved_reports: list[int] = Field(
        default=[], description="Open reports this rule covers, now resolved (audited)"
    )


class RulePage(Answer):
    """A page of rules."""

    total: int
    items: list[RuleRecord]


class AuditEntry(Answer):
    """One entry of the audit log."""

    id: int
    at: str
    actor: str
    ip: str = ""
    action: str
    target_type: str = ""
    target_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""
    parent_id: int | None = Field(
        default=None, description="The import or undo this per-rule entry belongs to"
    )


class AuditPage(Answer):
    """A page of audit entries."""

    total: int
    items: list[AuditEntry]


class RowError(Answer):
    """An invalid row of an import."""

    line: int = Field(description="0: the whole file")
    code: str
    message: str


class ImportChange(Answer):
    """A rule a dry run would add or change."""

    action: Literal["add", "change"]
    list: str
    pattern: str
    before: dict[str, Any] | None = None
    after: dict[str, Any]
    fields: list[str]


class ImportResult(Answer):
    """What an import changed (or would, in a dry run)."""

    added: int
    changed: int
    unchanged: int
    removed: int
    version: int
    dry_run: bool
    entry: int | None = Field(
        default=None,
        description="The import's audit entry (undo it with POST "
        "/api/v1/audit/{entry}/revert); null in a dry run or when nothing changed",
    )
    invalid: list[RowError]
    changes: list[ImportChange] = Field(
        default=[],
        description="Dry run only: each added or changed rule (at most 1000) with its "
        "fields before (null: new) and after",
    )


class ImportReverted(Answer):
    """A whole import undone in one transaction."""

    entry: int
    reverted: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    version: int = 0


class ImportRefused(Answer):
    """The one error shape; with code invalid_rows, also every invalid row."""

    error: ErrorBody
    invalid: list[RowError] = Field(default=[], min_length=1)


__all__ += ["ListName"]
