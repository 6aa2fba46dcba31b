"""Models of the public routes: check, batch check, the lists snapshot, and the error shape."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from ...core.urls import MAX_URL_LENGTH
from .base import Answer, Body, Refusal

__all__ = [
    "URL_DESCRIPTION",
    "Advice",
    "BatchItemError",
    "BatchRequest",
    "BatchResponse",
    "CheckRequest",
    "CheckResult",
    "Error",
    "ErrorBody",
    "Imitates",
    "ListName",
    "ListsSnapshot",
    "Lookalike",
    "Reason",
    "Rule",
    "SnapshotRule",
    "Verdict",
]

Verdict = Literal["official", "denied", "suspicious", "unknown"]
ListName = Literal["allow", "deny"]

URL_DESCRIPTION = (
    "The link as pasted (scheme optional). Empty → 400 empty_url; "
    f"longer than {MAX_URL_LENGTH} characters → 400 url_too_long; not a web address "
    "(javascript:, data:, file:, …) → 400 with its own code."
)
#: The bounds the checking core enforces with its own codes (empty_url, url_too_long):
#: documented, not validated by the model.
URL_BOUNDS: dict[str, Any] = {"minLength": 1, "maxLength": MAX_URL_LENGTH}


class ErrorBody(Answer):
    """A stable code and a message in the asked language."""

    code: str
    message: str


class Error(Answer):
    """The one error shape."""

    error: ErrorBody


class CheckRequest(Body):
    """``POST /api/v1/check``."""

    url: str = Field(description=URL_DESCRIPTION, json_schema_extra=URL_BOUNDS)

    refusals: ClassVar[dict[str, Refusal]] = {
        "url": Refusal("invalid_url", "“url” phải là chuỗi ký tự."),
        "url:missing": Refusal("missing_url", "Thiếu tham số “url”."),
    }


class BatchRequest(Body):
    """``POST /api/v1/check/batch``: at most ``BATCH_MAX`` (1000) links; an item that is not
    a string gets its own error in the results."""

    urls: list[Any] = Field(json_schema_extra={"maxItems": 1000})

    refusals: ClassVar[dict[str, Refusal]] = {
        "urls": Refusal("invalid_urls", "“urls” phải là một danh sách liên kết."),
        "urls:missing": Refusal("missing_urls", "Thiếu danh sách “urls”."),
    }


class Reason(Answer):
    """Why the verdict: a stable code and a message."""

    code: str
    message: str


class Rule(Answer):
    """The rule that decided, as a check result shows it."""

    pattern: str
    list: ListName
    name: str
    category: str
    category_label: str = ""
    scope: str
    evidence: str
    basis: str | None = Field(
        default=None, description="Legal basis (licence, founding decision), or null"
    )
    note: str = ""
    review_by: str | None = Field(default=None, json_schema_extra={"format": "date"})


class Imitates(Answer):
    """The official source a lookalike imitates."""

    domain: str = Field(
        description="The official source imitated: a domain (nhandan.vn), or host/path for "
        "a page on a shared platform (facebook.com/ubndhiephoa)"
    )
    name: str


class Advice(Answer):
    """What to do, with the five "không" of sharing."""

    summary: str
    five_khong: list[str] = Field(min_length=5, max_length=5)


class CheckResult(Answer):
    """The verdict on one URL and why."""

    url: str = Field(description="As submitted")
    canonical_url: str
    share_url: str = Field(default="", description="Canonical, without tracking")
    host: str
    host_unicode: str = ""
    domain: str = Field(description="Registrable domain")
    verdict: Verdict
    verdict_label: str = ""
    reasons: list[Reason]
    rule: Rule | None
    chain: list[str] = Field(min_length=1)
    imitates: Imitates | None
    advice: Advice
    lists_version: int


class BatchItemError(Answer):
    """One batch item refused (not a string, not a web address)."""

    url: Any
    error: ErrorBody


class BatchResponse(Answer):
    """One result or error per URL, in input order."""

    results: list[CheckResult | BatchItemError]
    lists_version: int


class SnapshotRule(Answer):
    """A rule as offline clients get it."""

    pattern: str
    list: ListName
    name: str = ""
    category: str = ""
    scope: str = ""
    basis: str = Field(default="", description="legal basis, only when the rule has one")


class Lookalike(Answer):
    """The lookalike detector's data, for clients that detect imitations offline (the
    extension's lib/lookalike.js); absent when the server runs without the detector. A client
    skips a format it does not know."""

    format: Literal[1]
    domains: list[str] = Field(description="official registrable domains (named by their own rule)")
    names: dict[str, str] = Field(description="domain -> name, where its own rule does not name it")
    brands: dict[str, str] = Field(description="brand label -> public suffix of its domain")
    candidates: list[str] = Field(description="domains in the review queue: never imitations")
    pages: dict[str, Any] = Field(
        description="official pages on shared platforms: domain -> [[page name, rule "
        "pattern], …] in the detector's order"
    )
    page_prefixes: list[str] = Field(default_factory=list)
    words: dict[str, Any] = Field(description="the detector's word lists")
    plain: dict[str, str] = Field(
        description="ASCII -> host characters read as it, as code point runs (base 36: gap "
        "from the previous run's end, + length less one)"
    )


class ListsSnapshot(Answer):
    """Every rule of one lists version."""

    version: int
    generated_at: str = Field(json_schema_extra={"format": "date-time"})
    rules: list[SnapshotRule]
    categories: dict[str, Any] = Field(default_factory=dict)
    platform_subdomains: list[str] = Field(default_factory=list)
    wrappers: list[dict[str, Any]] = Field(default_factory=list)
    shorteners: list[str] = Field(default_factory=list)
    tracking_params: list[str] = Field(default_factory=list)
    lookalike: Lookalike | None = None
