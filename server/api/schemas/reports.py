"""Models of users' reports: sending one (public) and triaging them (admin)."""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import Field, field_validator, model_validator

from ...core.urls import MAX_URL_LENGTH
from .base import Answer, Body, FieldRefused, Refusal
from .check import URL_BOUNDS, URL_DESCRIPTION, Verdict

__all__ = [
    "MAX_BULK",
    "MAX_COMMENT",
    "MAX_REASON",
    "Report",
    "ReportBulk",
    "ReportBulkResult",
    "ReportCreated",
    "ReportKind",
    "ReportList",
    "ReportRequest",
    "ReportStatus",
    "ReportTriage",
]

ReportKind = Literal["wrongly_listed", "missing", "impersonation", "other"]
ReportStatus = Literal["open", "resolved", "rejected"]
MAX_COMMENT = 1000
MAX_REASON = 1000
MAX_BULK = 1000


def _has_control(text: str) -> bool:
    return any(not c.isprintable() and c not in "\n\t" for c in text)


_MISSING_URL = Refusal("invalid_url", "Thiếu liên kết cần báo cáo.")


class ReportRequest(Body):
    """``POST /api/v1/reports``: a user reports a URL (wrongly listed, missing,
    impersonation)."""

    url: str = Field(description=URL_DESCRIPTION, json_schema_extra=URL_BOUNDS)
    verdict_seen: Literal["", "official", "denied", "suspicious", "unknown"] | None = Field(
        default="", description="The verdict the user saw (empty or null: none)"
    )
    kind: ReportKind = "other"
    comment: str | None = Field(default="", json_schema_extra={"maxLength": MAX_COMMENT})

    refusals: ClassVar[dict[str, Refusal]] = {
        "url": Refusal("invalid_url", "“url” phải là chuỗi ký tự."),
        "url:missing": _MISSING_URL,
        "verdict_seen": Refusal(
            "invalid_verdict_seen",
            "“verdict_seen” phải là: official, denied, suspicious, unknown (hoặc để trống).",
        ),
        "kind": Refusal(
            "invalid_kind", "Loại báo cáo phải là: wrongly_listed, missing, impersonation, other."
        ),
        "comment": Refusal("invalid_comment", "Ghi chú phải là chuỗi ký tự."),
    }

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.strip():
            raise FieldRefused(_MISSING_URL.code, _MISSING_URL.vi, _MISSING_URL.en)
        if len(value) > MAX_URL_LENGTH:
            raise FieldRefused(
                "url_too_long",
                "Liên kết dài quá {MAX_URL_LENGTH} ký tự, không phải địa chỉ web thông thường.",
                MAX_URL_LENGTH=MAX_URL_LENGTH,
            )
        return value

    @model_validator(mode="after")
    def _text(self) -> Self:
        comment = self.comment or ""
        if _has_control(comment + self.url):
            raise FieldRefused(
                "invalid_comment" if _has_control(comment) else "invalid_url",
                "Liên kết hoặc ghi chú có ký tự điều khiển không hiển thị được.",
            )
        if len(comment) > MAX_COMMENT:
            raise FieldRefused(
                "invalid_comment", "Ghi chú tối đa {MAX_COMMENT} ký tự.", MAX_COMMENT=MAX_COMMENT
            )
        return self


class ReportCreated(Answer):
    """A report received."""

    id: int
    status: str


class Report(Answer):
    """A stored report."""

    id: int
    url: str
    canonical_url: str
    host: str
    verdict_seen: Literal["", "official", "denied", "suspicious", "unknown"]
    verdict_at_report: Verdict
    kind: ReportKind
    comment: str
    client_hash: str = Field(
        default="",
        description="Keyed hash of the reporter's address: groups one client's reports, "
        "never reveals it",
    )
    status: ReportStatus
    created_at: str = Field(
        json_schema_extra={"format": "date-time", "description": "UTC, ISO 8601, ends in Z"}
    )
    suggested_pattern: str = Field(
        default="",
        description="The narrowest rule that would cover it, canonical: the page on a "
        "platform (facebook.com/tentrang), else the registrable domain",
    )


class ReportList(Answer):
    """Reports, oldest first."""

    items: list[Report]


_REASON_REQUIRED = Refusal(
    "invalid_reason",
    "Cần ghi lý do (“reason”, chuỗi ký tự, tối đa {MAX_REASON} ký tự).",
    MAX_REASON=MAX_REASON,
)


class ReportBulk(Body):
    """``POST /api/v1/reports/bulk``: close several reports at once, all or nothing."""

    ids: list[int] = Field(
        min_length=1,
        max_length=MAX_BULK,
        json_schema_extra={"items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
    )
    status: Literal["resolved", "rejected"]
    reason: str = Field(min_length=1, max_length=MAX_REASON)

    refusals: ClassVar[dict[str, Refusal]] = {
        "ids": Refusal(
            "invalid_ids",
            "“ids” phải là danh sách số báo cáo (1 đến {MAX_BULK} số).",
            MAX_BULK=MAX_BULK,
        ),
        "status": Refusal("invalid_status", "“status” phải là resolved hoặc rejected."),
        "reason": _REASON_REQUIRED,
    }

    @field_validator("ids")
    @classmethod
    def _ids(cls, value: list[int]) -> list[int]:
        if not all(0 < i < 2**31 for i in value):
            bad = cls.refusals["ids"]
            raise FieldRefused(bad.code, bad.vi, bad.en)
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise FieldRefused(_REASON_REQUIRED.code, _REASON_REQUIRED.vi, _REASON_REQUIRED.en)
        return value.strip()


class ReportBulkResult(Answer):
    """What a bulk triage changed."""

    changed: list[int]
    items: list[Report]


class ReportTriage(Body):
    """``POST /api/v1/reports/{report_id}``: close a report, or reopen it."""

    status: ReportStatus = Field(
        description="resolved or rejected closes the report; open reopens it"
    )
    reason: str = Field(default="", max_length=MAX_REASON, description="Written to the audit log")

    refusals: ClassVar[dict[str, Refusal]] = {
        "status": Refusal("invalid_status", "“status” phải là: open, resolved, rejected."),
        "reason": Refusal(
            "invalid_reason",
            "“reason” phải là chuỗi ký tự, tối đa {MAX_REASON} ký tự.",
            MAX_REASON=MAX_REASON,
        ),
    }

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return value.strip()
