"""The building blocks of the operations table (:mod:`.paths`): an operation, a parameter,
and the parameters many operations share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

__all__ = [
    "BOOL",
    "COUNT",
    "ID",
    "LANG",
    "LIST",
    "PAGE",
    "STR",
    "WRITE",
    "Op",
    "Param",
    "Schema",
    "path_param",
    "yes_no",
]

#: A response's schema: a model (a ``$ref`` to its component), an inline JSON Schema, or
#: ``None`` for an answer without a body.
Schema = type[BaseModel] | dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Param:
    """A query or path parameter."""

    name: str
    schema: dict[str, Any]
    where: str = "query"
    required: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Op:
    """One operation. ``ok``: status → (schema, description); ``errors``: statuses answered
    with the error shape; ``admin``: needs an admin key (adds 401 and 403)."""

    path: str
    method: str
    op_id: str
    summary: str
    ok: dict[int, tuple[Schema, str]]
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    params: tuple[Param, ...] = ()
    admin: bool = False
    #: The request body written out in the operation instead of as a ``$ref``.
    inline_body: bool = False
    #: Request body content written by hand (several media types).
    body_content: dict[str, Any] | None = field(default=None)
    #: Response content written by hand, per status (several media types).
    content: dict[int, dict[str, Any]] = field(default_factory=dict)


BOOL = {
    "type": "boolean",
    "description": "1/0, true/false, yes/no or on/off, any case; "
    "anything else → 400 invalid_<name>",
}
ID = {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}
COUNT = {"type": "integer", "minimum": 0}
STR = {"type": "string"}

LANG = Param(
    "lang",
    {"type": "string", "enum": ["vi", "en"]},
    description="Language of messages: vi (default) or en; else Accept-Language decides.",
)
LIST = Param("list", {"type": "string", "enum": ["allow", "deny"]})
PAGE = (Param("offset", COUNT), Param("limit", COUNT))


def path_param(name: str) -> Param:
    return Param(name, ID, where="path", required=True)


def yes_no(name: str, description: str) -> Param:
    return Param(name, BOOL, description=description)


#: The errors of a route taking a JSON body: bad, too large, not JSON.
WRITE = (400, 413, 415)
