"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document of every route and schema.

Kept by hand next to the views it describes; a schemathesis test checks every response
against it, and a test asserts that every route of the app appears here.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from ..core import VERDICTS
from ..core.urls import MAX_URL_LENGTH
from ..store.fields import TEXT_FIELDS
from . import bp
from .http import LIST_CHOICES, json_response
from .keys import MAX_KEY_NAME
from .report_triage import MAX_REASON, REPORT_STATUSES
from .reports import MAX_COMMENT, REPORT_KINDS

__all__ = ["document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Bad input (stable error code in the body)",
        401: "Authentication required (Authorization: Bearer <key>)",
        403: "Not allowed",
        404: "Not found",
        413: "Body or batch too large",
        409: "Conflicts with existing data",
        415: "Body is not JSON (or, where the route takes it, CSV)",
        429: "Rate limited (see Retry-After)",
    }
    return {str(s): _json(_ref("Error"), texts[s]) for s in statuses}


_STR = {"type": "string"}
_NULLABLE_STR = {"type": ["string", "null"]}
_TIME = {"type": "string", "format": "date-time", "description": "UTC, ISO 8601, ends in Z"}
_NULLABLE_TIME = {
    "type": ["string", "null"],
    "format": "date-time",
    "description": "UTC, ISO 8601, ends in Z; null when it never happened",
}
_URL = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_URL_LENGTH,
    "description": "The link as pasted (scheme optional). Empty → 400 empty_url; "
    f"longer than {MAX_URL_LENGTH} characters → 400 url_too_long; not a web address "
    "(javascript:, data:, file:, …) → 400 with its own code.",
}
#: In a query string the bound is left out of the schema: a URL of 8192 characters, each
#: percent-encoded as up to 12 bytes, is longer than HTTP servers accept in a request line
#: (they answer 414 before the app sees it). Long URLs go in a POST body.
_URL_QUERY = {k: v for k, v in _URL.items() if k != "maxLength"}
_BOOL_QUERY = {
    "type": "boolean",
    "description": "1/0, true/false, yes/no or on/off, any case; "
    "anything else → 400 invalid_<name>",
}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of messages: vi (default) or en; else Accept-Language decides.",
    "schema": {"type": "string", "enum": ["vi", "en"]},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": _STR, "message": _STR},
            }
        },
    },
    "Reason": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {"code": _STR, "message": _STR},
    },
    "Rule": {
        "type": "object",
        "required": ["pattern", "list", "name", "category", "scope", "evidence"],
        "properties": {
            "pattern": _STR,
            "list": {"type": "string", "enum": ["allow", "deny"]},
            "name": _STR,
            "category": _STR,
            "category_label": _STR,
            "scope": _STR,
            "evidence": _STR,
            "basis": {
                "type": ["string", "null"],
                "description": "Legal basis (licence, founding decision), or null",
            },
            "note": _STR,
            "review_by": {"type": ["string", "null"], "format": "date"},
        },
    },
    "CheckResult": {
        "type": "object",
        "required": [
            "url",
            "canonical_url",
            "host",
            "domain",
            "verdict",
            "reasons",
            "rule",
            "chain",
            "imitates",
            "advice",
            "lists_version",
        ],
        "properties": {
            "url": {"type": "string", "description": "As submitted"},
            "canonical_url": _STR,
            "share_url": {"type": "string", "description": "Canonical, without tracking"},
            "host": _STR,
            "host_unicode": _STR,
            "domain": {"type": "string", "description": "Registrable domain"},
            "verdict": {"type": "string", "enum": list(VERDICTS)},
            "verdict_label": _STR,
            "reasons": {"type": "array", "items": _ref("Reason")},
            "rule": {"oneOf": [_ref("Rule"), {"type": "null"}]},
            "chain": {"type": "array", "items": _STR, "minItems": 1},
            "imitates": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["domain", "name"],
                        "properties": {
                            "domain": {
                                "type": "string",
                                "description": "The official source imitated: a domain "
                                "(nhandan.vn), or host/path for a page on a shared platform "
                                "(facebook.com/ubndhiephoa)",
                            },
                            "name": _STR,
                        },
                    },
                    {"type": "null"},
                ]
            },
            "advice": {
                "type": "object",
                "required": ["summary", "five_khong"],
                "properties": {
                    "summary": _STR,
                    "five_khong": {"type": "array", "items": _STR, "minItems": 5, "maxItems": 5},
                },
            },
            "lists_version": {"type": "integer"},
        },
    },
    "BatchItemError": {
        "type": "object",
        "required": ["url", "error"],
        "properties": {
            "url": {},
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": _STR, "message": _STR},
            },
        },
    },
    "BatchResponse": {
        "type": "object",
        "required": ["results", "lists_version"],
        "properties": {
            "results": {
                "type": "array",
                "items": {"oneOf": [_ref("CheckResult"), _ref("BatchItemError")]},
            },
            "lists_version": {"type": "integer"},
        },
    },
    "ListsSnapshot": {
        "type": "object",
        "required": ["version", "generated_at", "rules"],
        "properties": {
            "version": {"type": "integer"},
            "generated_at": {"type": "string", "format": "date-time"},
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pattern", "list"],
                    "properties": {
                        "pattern": _STR,
                        "list": {"type": "string", "enum": ["allow", "deny"]},
                        "name": _STR,
                        "category": _STR,
                        "scope": _STR,
                        "basis": {**_STR, "description": "legal basis, only when the rule has one"},
                    },
                },
            },
            "categories": {"type": "object"},
            "platform_subdomains": {"type": "array", "items": _STR},
            "wrappers": {"type": "array", "items": {"type": "object"}},
            "shorteners": {"type": "array", "items": _STR},
            "tracking_params": {"type": "array", "items": _STR},
            "lookalike": {
                "type": "object",
                "description": "The lookalike detector's data, for clients that detect "
                "imitations offline (the extension's lib/lookalike.js); absent when the server "
                "runs without the detector. A client skips a format it does not know.",
                "required": [
                    "format",
                    "domains",
                    "names",
                    "brands",
                    "candidates",
                    "pages",
                    "words",
                    "plain",
                ],
                "properties": {
                    "format": {"type": "integer", "const": 1},
                    "domains": {
                        "type": "array",
                        "items": _STR,
                        "description": "official registrable domains (named by their own rule)",
                    },
                    "names": {
                        "type": "object",
                        "additionalProperties": _STR,
                        "description": "domain -> name, where its own rule does not name it",
                    },
                    "brands": {
                        "type": "object",
                        "additionalProperties": _STR,
                        "description": "brand label -> public suffix of its domain",
                    },
                    "candidates": {
                        "type": "array",
                        "items": _STR,
                        "description": "domains in the review queue: never imitations",
                    },
                    "pages": {
                        "type": "object",
                        "description": "official pages on shared platforms: domain -> "
                        "[[page name, rule pattern], …] in the detector's order",
                    },
                    "page_prefixes": {"type": "array", "items": _STR},
                    "words": {"type": "object", "description": "the detector's word lists"},
                    "plain": {
                        "type": "object",
                        "additionalProperties": _STR,
                        "description": "ASCII -> host characters read as it, as code point "
                        "runs (base 36: gap from the previous run's end, + length less one)",
                    },
                },
            },
        },
    },
    "ReportRequest": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": _URL,
            "verdict_seen": {
                "type": ["string", "null"],
                "enum": ["", *VERDICTS, None],
                "description": "The verdict the user saw (empty or null: none)",
            },
            "kind": {"type": "string", "enum": list(REPORT_KINDS)},
            "comment": {"type": ["string", "null"], "maxLength": MAX_COMMENT},
        },
    },
    "ReportCreated": {
        "type": "object",
        "required": ["id", "status"],
        "properties": {"id": {"type": "integer"}, "status": _STR},
    },
}


def _paths() -> dict[str, Any]:
    check_ok = _json(_ref("CheckResult"), "The verdict and why")
    url_body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": ["url"], "properties": {"url": _URL}}
            }
        },
    }
    return {
        "/api/v1/check": {
            "get": {
                "summary": "Check one URL",
                "operationId": "checkGet",
                "parameters": [
                    {"name": "url", "in": "query", "required": True, "schema": _URL_QUERY},
                    _LANG,
                ],
                "responses": {"200": check_ok, **_errors(400, 429)},
            },
            "post": {
                "summary": "Check one URL (JSON body)",
                "operationId": "checkPost",
                "parameters": [_LANG],
                "requestBody": url_body,
                "responses": {"200": check_ok, **_errors(400, 413, 415, 429)},
            },
        },
        "/api/v1/check/batch": {
            "post": {
                "summary": "Check up to 1000 URLs; results in input order",
                "operationId": "checkBatch",
                "parameters": [_LANG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["urls"],
                                "properties": {"urls": {"type": "array", "maxItems": 1000}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("BatchResponse"), "One result or error per URL"),
                    **_errors(400, 413, 415, 429),
                },
            }
        },
        "/api/v1/lists": {
            "get": {
                "summary": "Versioned snapshot of every rule (ETag, If-None-Match, gzip)",
                "operationId": "lists",
                "responses": {
                    "200": _json(_ref("ListsSnapshot"), "All rules of this version"),
                    "304": {"description": "Unchanged since the ETag given"},
                },
            }
        },
        "/api/v1/reports": {
            "get": {
                "summary": "Reports from users (admin key)",
                "operationId": "listReports",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": list(REPORT_STATUSES)},
                    }
                ],
                "responses": {
                    "200": _json(_ref("ReportList"), "Reports, oldest first"),
                    **_errors(400, 401, 403),
                },
            },
            "post": {
                "summary": "Report a URL (wrongly listed, missing, impersonation)",
                "operationId": "createReport",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ReportRequest")}},
                },
                "responses": {
                    "201": _json(_ref("ReportCreated"), "Report received"),
                    **_errors(400, 413, 415, 429),
                },
            },
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
        "/healthz": {
            "get": {
                "summary": "Liveness",
                "operationId": "healthz",
                "responses": {
                    "200": _json(
                        {"type": "object", "required": ["status"], "properties": {"status": _STR}},
                        "Alive",
                    )
                },
            }
        },
    }


_RULE_PROPS = {k: _STR for k in ("pattern", *TEXT_FIELDS)}
SCHEMAS.update(
    {
        "RuleInput": {
            "type": "object",
            "required": ["list", "pattern", "evidence"],
            "properties": {
                **_RULE_PROPS,
                "list": {"type": "string", "enum": ["allow", "deny"]},
                "review_by": {"type": "string"},
                "force": {"type": "boolean"},
                "reason": _STR,
            },
        },
        "RuleRecord": {
            "type": "object",
            "required": ["id", "list", "pattern", "created_at", "updated_at"],
            "properties": {
                **_RULE_PROPS,
                "id": {"type": "integer"},
                "list": _STR,
                "review_by": _STR,
                "created_at": _STR,
                "updated_at": _STR,
            },
        },
        "RulePage": {
            "type": "object",
            "required": ["total", "items"],
            "properties": {
                "total": {"type": "integer"},
                "items": {"type": "array", "items": _ref("RuleRecord")},
            },
        },
        "AuditEntry": {
            "type": "object",
            "required": ["id", "at", "actor", "action"],
            "properties": {
                "id": {"type": "integer"},
                "at": _STR,
                "actor": _STR,
                "ip": _STR,
                "action": _STR,
                "target_type": _STR,
                "target_id": {"type": ["integer", "null"]},
                "before": {"type": ["object", "null"]},
                "after": {"type": ["object", "null"]},
                "reason": _STR,
                "parent_id": {
                    "type": ["integer", "null"],
                    "description": "The import or undo this per-rule entry belongs to",
                },
            },
        },
        "AuditPage": {
            "type": "object",
            "required": ["total", "items"],
            "properties": {
                "total": {"type": "integer"},
                "items": {"type": "array", "items": _ref("AuditEntry")},
            },
        },
        "ImportResult": {
            "type": "object",
            "required": [
                "added",
                "changed",
                "unchanged",
                "removed",
                "version",
                "dry_run",
                "invalid",
            ],
            "properties": {
                "added": {"type": "integer"},
                "changed": {"type": "integer"},
                "unchanged": {"type": "integer"},
                "removed": {"type": "integer"},
                "version": {"type": "integer"},
                "dry_run": {"type": "boolean"},
                "entry": {
                    "type": ["integer", "null"],
                    "description": "The import's audit entry "
                    "(undo it with POST /api/v1/audit/{entry}/revert); null in a dry run "
                    "or when nothing changed",
                },
                "invalid": {"type": "array", "items": _ref("RowError")},
                "changes": {
                    "type": "array",
                    "description": "Dry run only: each added or changed "
                    "rule (at most 1000) with its fields before (null: new) and after",
                    "items": {
                        "type": "object",
                        "required": ["action", "list", "pattern", "after", "fields"],
                        "properties": {
                            "action": {"type": "string", "enum": ["add", "change"]},
                            "list": _STR,
                            "pattern": _STR,
                            "before": {"type": ["object", "null"]},
                            "after": {"type": "object"},
                            "fields": {"type": "array", "items": _STR},
                        },
                    },
                },
            },
        },
        "ImportReverted": {
            "type": "object",
            "required": ["entry", "reverted"],
            "description": "A whole import undone in one transaction",
            "properties": {
                "entry": {"type": "integer"},
                "reverted": {"type": "integer"},
                "added": {"type": "integer"},
                "changed": {"type": "integer"},
                "removed": {"type": "integer"},
                "version": {"type": "integer"},
            },
        },
        "RowError": {
            "type": "object",
            "required": ["line", "code", "message"],
            "properties": {
                "line": {"type": "integer", "description": "0: the whole file"},
                "code": _STR,
                "message": _STR,
            },
        },
        "ImportRefused": {
            "type": "object",
            "required": ["error"],
            "description": "The one error shape; with code invalid_rows, also every invalid row",
            "properties": {
                "error": SCHEMAS["Error"]["properties"]["error"],
                "invalid": {"type": "array", "items": _ref("RowError"), "minItems": 1},
            },
        },
        "ApiKey": {
            "type": "object",
            "required": [
                "id",
                "name",
                "prefix",
                "scope",
                "created_by",
                "created_at",
                "last_used_at",
                "revoked_at",
            ],
            "properties": {
                "id": {"type": "integer"},
                "name": _STR,
                "prefix": _STR,
                "scope": {"type": "string", "enum": ["check", "admin"]},
                "created_by": _STR,
                "created_at": _TIME,
                "last_used_at": _NULLABLE_TIME,
                "revoked_at": _NULLABLE_TIME,
            },
        },
        "ApiKeyCreated": {
            "allOf": [
                _ref("ApiKey"),
                {
                    "type": "object",
                    "required": ["secret"],
                    "properties": {
                        "secret": {"type": "string", "description": "Shown this once only"}
                    },
                },
            ]
        },
        "KeyInput": {
            "type": "object",
            "required": ["name", "scope"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_NAME},
                "scope": {"type": "string", "enum": ["check", "admin"]},
            },
        },
        "Report": {
            "type": "object",
            "required": [
                "id",
                "url",
                "canonical_url",
                "host",
                "verdict_seen",
                "verdict_at_report",
                "kind",
                "comment",
                "status",
                "created_at",
            ],
            "properties": {
                "id": {"type": "integer"},
                "url": _STR,
                "canonical_url": _STR,
                "host": _STR,
                "verdict_seen": {"type": "string", "enum": ["", *VERDICTS]},
                "verdict_at_report": {"type": "string", "enum": list(VERDICTS)},
                "kind": {"type": "string", "enum": list(REPORT_KINDS)},
                "comment": _STR,
                "client_hash": {
                    "type": "string",
                    "description": "Keyed hash of the reporter's "
                    "address: groups one client's reports, never reveals it",
                },
                "status": {"type": "string", "enum": list(REPORT_STATUSES)},
                "created_at": _TIME,
                "suggested_pattern": {
                    "type": "string",
                    "description": "The narrowest rule that "
                    "would cover it, canonical: the page on a platform "
                    "(facebook.com/tentrang), else the registrable domain",
                },
            },
        },
        "ReportBulk": {
            "type": "object",
            "required": ["ids", "status", "reason"],
            "properties": {
                "ids": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": {"type": "integer", "minimum": 1},
                },
                "status": {"type": "string", "enum": ["resolved", "rejected"]},
                "reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON},
            },
        },
        "ReportBulkResult": {
            "type": "object",
            "required": ["changed", "items"],
            "properties": {
                "changed": {"type": "array", "items": {"type": "integer"}},
                "items": {"type": "array", "items": _ref("Report")},
            },
        },
        "PendingEntry": {
            "type": "object",
            "required": ["id", "list", "pattern", "status"],
            "properties": {
                **_RULE_PROPS,
                "id": {"type": "integer"},
                "list": _STR,
                "review_by": _STR,
                "origin": _STR,
                "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
                "decision_reason": _STR,
                "created_at": _NULLABLE_TIME,
                "decided_at": _NULLABLE_TIME,
            },
        },
        "PendingList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("PendingEntry")}},
        },
        "PendingDecision": {
            "type": "object",
            "required": ["decision", "reason"],
            "properties": {
                "decision": {"type": "string", "enum": ["allow", "deny", "reject"]},
                "reason": {"type": "string", "minLength": 1, "maxLength": 2000},
                "evidence": {
                    "type": "string",
                    "maxLength": 2000,
                    "description": "The reviewer's own evidence; required to approve",
                },
                "basis": {"type": "string", "maxLength": 1000},
                "note": {"type": "string", "maxLength": 2000},
            },
        },
        "User": {
            "type": "object",
            "required": ["id", "username", "role", "active", "password_changed_at", "scope"],
            "properties": {
                "id": {"type": "integer"},
                "username": _STR,
                "role": {"type": "string", "enum": ["admin", "editor"]},
                "active": {"type": "boolean"},
                "password_changed_at": _TIME,
                "scope": {
                    "type": "string",
                    "description": "The one province an editor curates; empty: all",
                },
            },
        },
        "UserList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("User")}},
        },
        "UserUpdate": {
            "type": "object",
            "properties": {
                "active": {"type": "boolean"},
                "role": {"type": "string", "enum": ["admin", "editor"]},
                "scope": _STR,
                "reason": {"type": "string", "maxLength": 1000},
            },
        },
        "PasswordReset": {
            "type": "object",
            "required": ["password"],
            "properties": {"password": {"type": "string", "minLength": 10, "maxLength": 200}},
        },
        "RuleSaved": {
            "allOf": [
                _ref("RuleRecord"),
                {
                    "type": "object",
                    "properties": {
                        "resolved_reports": {
                            "type": "array",
                            "items": {"type": "integer"},
                            "description": "Open reports this rule covers, now resolved (audited)",
                        }
                    },
                },
            ]
        },
        "ReportList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("Report")}},
        },
        "ReportTriage": {
            "type": "object",
            "required": ["status"],
            "properties": {
                "status": {
                    "type": "string",
                    "enum": list(REPORT_STATUSES),
                    "description": "resolved or rejected closes the report; open reopens it",
                },
                "reason": {
                    "type": "string",
                    "maxLength": MAX_REASON,
                    "description": "Written to the audit log",
                },
            },
        },
    }
)
_SECURED = [{"bearer": []}]
_PAGE = [
    {"name": n, "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}}
    for n in ("offset", "limit")
]
_ID_SCHEMA = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}


def _path_id(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": _ID_SCHEMA}]


_ID = _path_id("rule_id")
_LIST = {
    "name": "list",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": list(LIST_CHOICES)},
}


def _admin(
    summary: str, op_id: str, ok: dict[str, Any], *errors: int, **extra: Any
) -> dict[str, Any]:
    return {
        "summary": summary,
        "operationId": op_id,
        "security": _SECURED,
        "responses": {**ok, **_errors(401, 403, *errors)},
        **extra,
    }


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": _STR} for n in names]


def _admin_paths() -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": _ref("RuleInput")}}}
    record = _json(_ref("RuleRecord"), "The rule")
    filters = [_LIST, *_query("category", "scope", "q")]
    return {
        "/api/v1/sources": {
            "get": _admin(
                "Search rules (admin key)",
                "listSources",
                {"200": _json(_ref("RulePage"), "A page of rules")},
                400,
                parameters=[*filters, *_PAGE],
            ),
            "post": _admin(
                "Add a rule (admin key)",
                "createSource",
                {"201": _json(_ref("RuleSaved"), "Created")},
                400,
                409,
                413,
                415,
                requestBody=body,
            ),
        },
        "/api/v1/sources/{rule_id}": {
            "get": _admin("One rule", "getSource", {"200": record}, 404, parameters=_ID),
            "put": _admin(
                "Replace a rule",
                "updateSource",
                {"200": _json(_ref("RuleSaved"), "The rule")},
                400,
                404,
                409,
                413,
                415,
                parameters=_ID,
                requestBody=body,
            ),
            "delete": _admin(
                "Delete a rule",
                "deleteSource",
                {"200": record},
                400,
                404,
                parameters=[
                    *_ID,
                    {
                        "name": "reason",
                        "in": "query",
                        "required": True,
                        "description": "Why (written to the audit log)",
                        "schema": _STR,
                    },
                ],
            ),
        },
        "/api/v1/sources/import": {
            "post": _admin(
                "Import CSV or JSON (dry_run=1 for the diff only)",
                "importSources",
                {
                    "200": _json(
                        _ref("ImportResult"),
                        "What changed (or would, in a dry run); "
                        "in a dry run, invalid rows are listed too",
                    ),
                    "400": _json(
                        _ref("ImportRefused"),
                        "Bad parameter, or invalid rows (nothing imported): each with "
                        "its line, code and message",
                    ),
                },
                413,
                415,
                parameters=[
                    {
                        "name": "dry_run",
                        "in": "query",
                        "required": False,
                        "schema": _BOOL_QUERY,
                        "description": "Only compute the diff; change nothing",
                    },
                    {
                        "name": "force",
                        "in": "query",
                        "required": False,
                        "schema": _BOOL_QUERY,
                        "description": "Accept host-only rules on shared platforms (facebook.com, "
                        "…) for every row",
                    },
                    {**_LIST, "description": "The list of every row (else a list column)"},
                    _LANG,
                ],
                requestBody={
                    "required": True,
                    "content": {
                        "text/csv": {"schema": _STR},
                        "application/json": {"schema": {"type": ["object", "array"]}},
                    },
                },
            ),
        },
        "/api/v1/sources/export": {
            "get": _admin(
                "Export all rules (format=csv|json)",
                "exportSources",
                {
                    "200": {
                        "description": "Canonical CSV or JSON",
                        "content": {
                            "text/csv": {"schema": _STR},
                            "application/json": {"schema": {}},
                        },
                    }
                },
                400,
                parameters=[
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["csv", "json"]},
                    },
                    _LIST,
                    {
                        "name": "bom",
                        "in": "query",
                        "required": False,
                        "schema": _BOOL_QUERY,
                        "description": "CSV: start with a UTF-8 byte order mark (for Excel)",
                    },
                ],
            ),
        },
        "/api/v1/reports/bulk": {
            "post": _admin(
                "Close several reports at once, with a reason; all or nothing (admin key)",
                "triageReports",
                {"200": _json(_ref("ReportBulkResult"), "What changed")},
                400,
                404,
                413,
                415,
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ReportBulk")}},
                },
            ),
        },
        "/api/v1/reports/{report_id}": {
            "get": _admin(
                "One report (admin key)",
                "getReport",
                {"200": _json(_ref("Report"), "The report")},
                404,
                parameters=_path_id("report_id"),
            ),
            "post": _admin(
                "Triage a report: close it as resolved or rejected, or reopen it; "
                "logged (admin key)",
                "triageReport",
                {"200": _json(_ref("Report"), "The report as it is now")},
                400,
                404,
                413,
                415,
                parameters=_path_id("report_id"),
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("ReportTriage")}},
                },
            ),
        },
        "/api/v1/pending": {
            "get": _admin(
                "The review queue: entries still waiting (admin key)",
                "listPending",
                {"200": _json(_ref("PendingList"), "Entries, oldest first")},
            ),
        },
        "/api/v1/pending/{entry_id}": {
            "post": _admin(
                "Approve (with one's own evidence) or reject a queued entry",
                "decidePending",
                {
                    "201": _json(_ref("RuleRecord"), "Approved: the new rule"),
                    "200": _json(_ref("PendingEntry"), "Rejected: the entry"),
                },
                400,
                404,
                409,
                413,
                415,
                parameters=_path_id("entry_id"),
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("PendingDecision")}},
                },
            ),
        },
        "/api/v1/users": {
            "get": _admin(
                "Accounts (admin key)", "listUsers", {"200": _json(_ref("UserList"), "Accounts")}
            ),
        },
        "/api/v1/users/{user_id}": {
            "post": _admin(
                "Disable, enable, change role or province of an account",
                "updateUser",
                {"200": _json(_ref("User"), "The account now")},
                400,
                404,
                409,
                413,
                415,
                parameters=_path_id("user_id"),
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("UserUpdate")}},
                },
            ),
            "delete": _admin(
                "Delete an account",
                "deleteUser",
                {"200": _json(_ref("User"), "The deleted account")},
                404,
                409,
                parameters=_path_id("user_id"),
            ),
        },
        "/api/v1/users/{user_id}/password": {
            "post": _admin(
                "Reset an account's password (its sessions end)",
                "resetPassword",
                {"200": _json(_ref("User"), "The account")},
                400,
                404,
                413,
                415,
                parameters=_path_id("user_id"),
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("PasswordReset")}},
                },
            ),
        },
        "/api/v1/review": {
            "get": _admin(
                "Rules whose review date has passed",
                "reviewQueue",
                {"200": _json(_ref("RulePage"), "A page of rules")},
                400,
                parameters=_PAGE,
            ),
        },
        "/api/v1/stats": {
            "get": _admin(
                "Checks per day by verdict; most-checked domains",
                "getStats",
                {"200": _json({"type": "object"}, "Statistics")},
            ),
        },
        "/api/v1/keys": {
            "get": _admin(
                "API keys (never the secrets)",
                "listKeys",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["items"],
                            "properties": {"items": {"type": "array", "items": _ref("ApiKey")}},
                        },
                        "Keys",
                    )
                },
            ),
            "post": _admin(
                "Create an API key (the secret is shown once)",
                "createKey",
                {"201": _json(_ref("ApiKeyCreated"), "The key and its secret")},
                400,
                413,
                415,
                requestBody={
                    "required": True,
                    "content": {"application/json": {"schema": _ref("KeyInput")}},
                },
            ),
        },
        "/api/v1/keys/{key_id}": {
            "delete": _admin(
                "Revoke an API key (again: no change, no second log entry)",
                "revokeKey",
                {"200": _json(_ref("ApiKey"), "The revoked key")},
                404,
                parameters=_path_id("key_id"),
            ),
        },
        "/api/v1/audit": {
            "get": _admin(
                "Audit log, newest first",
                "listAudit",
                {"200": _json(_ref("AuditPage"), "A page of entries")},
                400,
                parameters=[
                    *_query("target_type", "actor"),
                    *(
                        {
                            "name": n,
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                        for n in ("target_id", "parent_id")
                    ),
                    *_PAGE,
                ],
            ),
        },
        "/api/v1/audit/{entry_id}/revert": {
            "post": _admin(
                "Undo one rule change, or a whole import (logged)",
                "revertAudit",
                {
                    "200": _json(
                        {"anyOf": [_ref("RuleRecord"), _ref("ImportReverted")]},
                        "The rule as restored, or what the undone import changed back",
                    )
                },
                400,
                404,
                409,
                parameters=[
                    *_path_id("entry_id"),
                    {
                        "name": "confirm",
                        "in": "query",
                        "required": False,
                        "schema": _BOOL_QUERY,
                        "description": "Required when the undo touches more than 20 "
                        "rules (else 409 confirm_required, nothing changes)",
                    },
                ],
            ),
        },
    }


#: Extra path items other blueprints (admin API) add when they register.
EXTRA_PATHS: dict[str, Any] = {}
EXTRA_SCHEMAS: dict[str, Any] = {}


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Không Vội API",
            "version": "1.0.0",
            "description": "Kiểm tra nguồn tin chính thống trước khi chia sẻ. "
            "Checks whether a link comes from an official Vietnamese source.",
        },
        "paths": {**_paths(), **_admin_paths(), **EXTRA_PATHS},
        "components": {
            "schemas": {**SCHEMAS, **EXTRA_SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """Serve the document."""
    return json_response(document())
