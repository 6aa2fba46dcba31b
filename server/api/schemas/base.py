"""The two kinds of models the API declares, and how a refused request body is answered.

* :class:`Body` — a request body, validated strictly (no coercion: ``"true"`` is not a
  boolean, ``1`` is not a string; unknown fields are ignored). Each model says, in
  ``refusals``, which stable error code and messages a bad field gets, so that a
  :class:`pydantic.ValidationError` becomes the API's one error shape in one place
  (:func:`refusal`, called by the handler in :mod:`server.errors`).
* :class:`Answer` — a response, declared for the OpenAPI document only: views build their
  JSON as before (the check route serialises cached bytes), nothing validates it at run time.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ...core.errors import KhongVoiError
from ...i18n import render

__all__ = ["Answer", "Body", "FieldRefused", "Refusal", "RuleContent", "refusal"]


class Refusal:
    """A stable error code with its message: ``vi`` is the Vietnamese (placeholders filled
    from ``params``), ``en`` its English from the catalogue (:mod:`server.i18n`) unless given
    (a refusal passed through from the core, which has its own pair)."""

    __slots__ = ("code", "en", "vi")

    def __init__(self, code: str, vi: str, en: str | None = None, **params: Any) -> None:
        self.code = code
        self.vi = render(vi, False, params)
        self.en = render(vi, True, params) if en is None else en

    def __repr__(self) -> str:
        return f"Refusal({self.code!r})"


class FieldRefused(KhongVoiError):
    """Raised by a model's validator: pydantic wraps it (it is a ``ValueError``) and
    :func:`refusal` answers with its code and messages (as :class:`Refusal`'s)."""

    def __init__(
        self, code: str, message: str, message_en: str | None = None, **params: Any
    ) -> None:
        refusal = Refusal(code, message, message_en, **params)
        super().__init__(code, refusal.vi, refusal.en)


_MODELS: dict[str, type[Body]] = {}

#: The body is not a JSON object (a list, a number, …).
NOT_AN_OBJECT = Refusal("invalid_body", "Nội dung gửi lên phải là một đối tượng JSON.")


class Body(BaseModel):
    """A request body. ``refusals`` maps a field name to what a bad value gets, and
    ``"<field>:missing"`` to what a missing (or ``null``) one gets when that differs."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    refusals: ClassVar[dict[str, Refusal]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _MODELS[cls.__name__] = cls


class Answer(BaseModel):
    """A response body, declared for the document."""

    model_config = ConfigDict(extra="allow")


class RuleContent(Answer):
    """A rule's content as stored (``server.store.fields.RULE_COLUMNS``), shared by the
    answers that carry one (a rule, a queued entry)."""

    id: int
    list: str
    pattern: str
    name: str = ""
    category: str = ""
    scope: str = ""
    evidence: str = ""
    basis: str = ""
    note: str = ""
    review_by: str = ""


def _generic(field: str) -> Refusal:
    return Refusal(f"invalid_{field}", "Trường “{field}” không hợp lệ.", field=field)


def refusal(exc: ValidationError) -> Refusal:
    """What to answer for ``exc``: its first error, in the model's field order (the order
    the hand-written checks had). A :class:`~server.core.errors.KhongVoiError` raised inside
    a validator (the shared rule checks, :class:`FieldRefused`) keeps its own code and messages."""
    errors = exc.errors(include_url=False)
    if not errors:
        return NOT_AN_OBJECT
    first = errors[0]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, KhongVoiError):
        return Refusal(cause.code, cause.message, cause.message_en)
    loc = first["loc"]
    if not loc or first["type"] in ("model_type", "model_attributes_type", "dict_type"):
        return NOT_AN_OBJECT
    field = str(loc[0])
    table = _MODELS[exc.title].refusals if exc.title in _MODELS else {}
    if first["type"] == "missing" or (len(loc) == 1 and first.get("input", 0) is None):
        missing = table.get(f"{field}:missing")
        if missing is not None:
            return missing
    return table.get(field) or _generic(field)
