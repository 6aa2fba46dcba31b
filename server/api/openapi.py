"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document of every route and schema.

Kept by hand next to the views it describes; a schemathesis test checks every response
against it, and a test asserts that every route of the app appears here.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from ..core import VERDICTS
from . import bp
from .http import json_response
from .reports import MAX_COMMENT, REPORT_KINDS

__all__ = ["document"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    texts = {
        400: "Bad input (stable error code in the body)",
        401: "Authentication required",
        403: "Not allowed",
        404: "Not found",
        413: "Body or batch too large",
        415: "Body is not JSON",
        429: "Rate limited (see Retry-After)",
    }
    return {str(s): _json(_ref("Error"), texts[s]) for s in statuses}


_STR = {"type": "string"}
_NULLABLE_STR = {"type": ["string", "null"]}
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
            "note": _STR,
            "review_by": {"type": ["string", "null"], "format": "date"},
        },
    },
    "CheckResult": {
        "type": "object",
        "required": ["url", "canonical_url", "host", "domain", "verdict", "reasons", "rule",
                     "chain", "imitates", "advice", "lists_version"],
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
                    {"type": "object", "required": ["domain", "name"],
                     "properties": {"domain": _STR, "name": _STR}},
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
                    },
                },
            },
            "categories": {"type": "object"},
            "platform_subdomains": {"type": "array", "items": _STR},
            "wrappers": {"type": "array", "items": {"type": "object"}},
            "shorteners": {"type": "array", "items": _STR},
            "tracking_params": {"type": "array", "items": _STR},
        },
    },
    "ReportRequest": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "maxLength": 8192},
            "verdict_seen": {"type": "string", "enum": ["", *VERDICTS]},
            "kind": {"type": "string", "enum": list(REPORT_KINDS)},
            "comment": {"type": "string", "maxLength": MAX_COMMENT},
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
        "content": {"application/json": {"schema": {
            "type": "object", "required": ["url"], "properties": {"url": _STR}}}},
    }
    return {
        "/api/v1/check": {
            "get": {
                "summary": "Check one URL",
                "operationId": "checkGet",
                "parameters": [
                    {"name": "url", "in": "query", "required": True, "schema": _STR},
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
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["urls"],
                    "properties": {"urls": {"type": "array", "maxItems": 1000}}}}}},
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
            "post": {
                "summary": "Report a URL (wrongly listed, missing, impersonation)",
                "operationId": "createReport",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("ReportRequest")}}},
                "responses": {
                    "201": _json(_ref("ReportCreated"), "Report received"),
                    **_errors(400, 413, 415, 429),
                },
            }
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
                "responses": {"200": _json(
                    {"type": "object", "required": ["status"], "properties": {"status": _STR}},
                    "Alive")},
            }
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
        "paths": {**_paths(), **EXTRA_PATHS},
        "components": {
            "schemas": {**SCHEMAS, **EXTRA_SCHEMAS},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """Serve the document."""
    return json_response(document())
