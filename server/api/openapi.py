"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated.

Its schemas are the JSON Schema pydantic writes for the request and response models of
:mod:`server.api.schemas` (the same models validate the request bodies); its paths come from
the declarative table :data:`server.api.schemas.paths.OPERATIONS`. Built once per process.
A test asserts that every route of the app is in it, schemathesis drives the API from it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Response
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from .blueprint import bp
from .http import json_response
from .schemas import Body, Error
from .schemas.operations import Op, Param, Schema
from .schemas.paths import OPERATIONS

__all__ = ["document"]

_REF = "#/components/schemas/{model}"

_ERROR_TEXTS = {
    400: "Bad input (stable error code in the body)",
    401: "Authentication required (Authorization: Bearer <key>)",
    403: "Not allowed",
    404: "Not found",
    409: "Conflicts with existing data",
    413: "Body or batch too large",
    415: "Body is not JSON (or, where the route takes it, CSV)",
    429: "Rate limited (see Retry-After)",
}


def _models(value: object) -> list[type[BaseModel]]:
    """The models named in ``value`` (a model, or a JSON Schema that holds some)."""
    if isinstance(value, type) and issubclass(value, BaseModel):
        return [value]
    if isinstance(value, dict):
        return [m for v in value.values() for m in _models(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _models(v)]
    return []


def _refs(value: Any) -> Any:
    """``value`` with every model replaced by a ``$ref`` to its component."""
    if isinstance(value, type) and issubclass(value, BaseModel):
        return {"$ref": _REF.format(model=value.__name__)}
    if isinstance(value, dict):
        return {k: _refs(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_refs(v) for v in value]
    return value


_ROLE = re.compile(r":(?:meth|func|class|mod|attr|data|exc):`~?(?:[\w.]+\.)?([^`.]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def _markdown(value: Any) -> Any:
    """``value`` with every ``description`` text (a model's docstring) in Markdown, which
    OpenAPI descriptions are: reStructuredText literals become code spans, and a reference
    to the code (``:meth:`a.b.c``) the code span of its last name."""
    if isinstance(value, dict):
        return {
            k: _LITERAL.sub(r"`\1`", _ROLE.sub(r"`\1`", v))
            if k == "description" and isinstance(v, str)
            else _markdown(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_markdown(v) for v in value]
    return value


def _components() -> dict[str, Any]:
    """Every model's JSON Schema: request bodies as validated, responses as serialised."""
    models = {Error}
    for op in OPERATIONS:
        models.update(_models(op.body))
        for schema, _ in op.ok.values():
            models.update(_models(schema))
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (m, "validation" if issubclass(m, Body) else "serialization")
        for m in sorted(models, key=lambda m: m.__name__)
    ]
    _, top = models_json_schema(pairs, ref_template=_REF)
    return _markdown(dict(sorted(top.get("$defs", {}).items())))  # type: ignore[no-any-return]


def _json(schema: Schema, description: str) -> dict[str, Any]:
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": _refs(schema)}}}


def _param(p: Param) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.where, "required": p.required}
    if p.description:
        out["description"] = p.description
    return {**out, "schema": p.schema}


def _operation(op: Op, schemas: dict[str, Any]) -> dict[str, Any]:
    responses = {str(s): _json(schema, text) for s, (schema, text) in op.ok.items()}
    for status, content in op.content.items():
        responses[str(status)]["content"] = content
    for status in sorted({*((401, 403) if op.admin else ()), *op.errors}):
        responses.setdefault(str(status), _json(Error, _ERROR_TEXTS[status]))
    out: dict[str, Any] = {"summary": op.summary, "operationId": op.op_id}
    if op.admin:
        out["security"] = [{"bearer": []}]
    if op.params:
        out["parameters"] = [_param(p) for p in op.params]
    if op.body_content is not None:
        out["requestBody"] = {"required": True, "content": op.body_content}
    elif op.body is not None:
        schema = schemas[op.body.__name__] if op.inline_body else _refs(op.body)
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    out["responses"] = dict(sorted(responses.items()))
    return out


@functools.cache
def document() -> dict[str, Any]:
    """The whole OpenAPI document (built once; do not change the returned dict)."""
    schemas = _components()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Không Vội API",
            "version": "1.0.0",
            "description": "Kiểm tra nguồn tin chính thống trước khi chia sẻ. "
            "Checks whether a link comes from an official Vietnamese source.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.route("/openapi.json", methods=["GET"])
def openapi() -> Response:
    """Serve the document."""
    return json_response(document())
