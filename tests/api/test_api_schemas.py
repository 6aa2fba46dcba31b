"""The generated OpenAPI document and the request models it comes from: the document is valid
OpenAPI 3.1 whose every ``$ref`` resolves, it documents exactly the app's API routes, and
each request model's refusals reach clients over HTTP with the code the model declares."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs  # installed with schemathesis
import pytest
from pydantic import ValidationError
from schemathesis.specs.openapi.definitions import OPENAPI_31  # the official 3.1 schema

from server.api.schemas import Body, CheckRequest, ReportBulk, RuleInput, refusal
from server.api.schemas.paths import OPERATIONS

#: A body each model accepts (the route may still refuse it for what it names).
VALID: dict[str, dict[str, Any]] = {
    "CheckRequest": {"url": "vnexpress.net"},
    "BatchRequest": {"urls": ["vnexpress.net"]},
    "ReportRequest": {"url": "tin-gia-mao.com/a", "kind": "other"},
    "RuleInput": {"list": "deny", "pattern": "mau-thu.com", "name": "N", "evidence": "e"},
    "KeyInput": {"name": "bot", "scope": "check"},
    "ReportBulk": {"ids": [1], "status": "rejected", "reason": "trùng"},
    "ReportTriage": {"status": "rejected"},
    "UserUpdate": {"reason": "r"},
    "PasswordReset": {"password": "mot-mat-khau-dai"},
}
#: JSON values of every kind: for each field, some of them are refused.
WRONG: tuple[Any, ...] = (5, "bogus", True, [], {"a": 1}, "x" * 3000)


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def admin(app):
    secret = app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1]
    return {"Authorization": f"Bearer {secret}"}


def _refs(value: Any) -> list[str]:
    if isinstance(value, dict):
        own = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
        return own + [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_document_is_valid_openapi_31(doc):
    validator = jsonschema_rs.Draft202012Validator(OPENAPI_31)
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors[:5]
    assert doc["openapi"] == "3.1.0"


def test_every_component_is_a_json_schema_and_every_ref_resolves(doc):
    schemas = doc["components"]["schemas"]
    for name, schema in schemas.items():
        jsonschema_rs.meta.validate(schema)  # raises on an invalid JSON Schema 2020-12
        assert schema.get("type") == "object", name
    refs = _refs(doc)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    unused = set(schemas) - {r.rsplit("/", 1)[1] for r in refs}
    assert unused <= {"CheckRequest"}, unused  # CheckRequest is written out in its operation


def test_operation_ids_are_unique_and_path_parameters_declared(doc):
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in doc["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path))
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_documented_operations_are_exactly_the_apps_routes(app, doc):
    routes = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if path.startswith("/api/") or path == "/healthz":
            routes |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, m) for path, item in doc["paths"].items() for m in item}
    assert documented == routes


def test_admin_operations_declare_the_key_and_its_errors(doc):
    for op in OPERATIONS:
        item = doc["paths"][op.path][op.method]
        assert ("security" in item) is op.admin, op.op_id
        if op.admin:
            assert {"401", "403"} <= set(item["responses"]), op.op_id
        if op.body is not None:
            assert {"400", "413", "415"} <= set(item["responses"]), op.op_id


def _body_operations() -> list[tuple[str, str, type[Body]]]:
    out = []
    for op in OPERATIONS:
        if op.body is not None and op.body.__name__ in VALID:
            path = re.sub(r"\{\w+\}", "1", op.path)
            out.append((op.method, path, op.body))
    return out


def _refused_value(model: type[Body], field: str) -> Any:
    """A value of ``field`` that ``model`` refuses on that field (the others valid)."""
    for value in WRONG:
        try:
            model.model_validate({**VALID[model.__name__], field: value})
        except ValidationError as exc:
            if exc.errors()[0]["loc"][:1] == (field,):
                return value
    raise AssertionError(f"{model.__name__}.{field} takes every value tried")


@pytest.mark.parametrize(("method", "path", "model"), _body_operations())
def test_each_refusal_reaches_the_client_with_its_code(client, admin, method, path, model):
    if model is ReportBulk or path.startswith("/api/v1/reports/"):
        client.post("/api/v1/reports", json={"url": "tin-gia-mao.com/a"})  # report 1 exists
    seen = 0
    for key, expected in model.refusals.items():
        field, _, missing = key.partition(":")
        body = dict(VALID[model.__name__])
        if missing:
            body.pop(field, None)
        else:
            body[field] = _refused_value(model, field)
        for lang, message in (("vi", expected.vi), ("en", expected.en)):
            resp = client.open(
                f"{path}?lang={lang}", method=method.upper(), json=body, headers=admin
            )
            assert resp.status_code == 400, (key, resp.get_json())
            error = resp.get_json()["error"]
            assert error["code"] == expected.code, (key, body)
            if expected.code not in ("invalid_ids", "invalid_key"):  # several messages each
                assert error["message"] == message, key
        seen += 1
    if model.refusals:
        assert seen == len(model.refusals)
    for not_an_object in (b"[]", b"5", b"null", b'"x"'):
        resp = client.open(
            path,
            method=method.upper(),
            data=not_an_object,
            content_type="application/json",
            headers=admin,
        )
        assert resp.status_code == 400
        assert resp.get_json()["error"]["code"] == "invalid_body"


def test_a_body_field_of_every_json_type_is_never_a_500(client, admin):
    for method, path, model in _body_operations():
        for field in model.model_fields:
            for value in (*WRONG, None, -1, 2**70, 1.5, "\x00", "\u202e"):
                body = {**VALID[model.__name__], field: value}
                resp = client.open(path, method=method.upper(), json=body, headers=admin)
                assert resp.status_code < 500, (path, field, value)
                if resp.status_code == 400:
                    assert set(resp.get_json()) == {"error"} or path.endswith("/import")


def test_rule_fields_keep_the_shared_row_checks(client, admin):
    """A rule field refused by the checks imports use keeps their code and message."""
    base = VALID["RuleInput"]
    resp = client.post("/api/v1/sources?lang=en", json={**base, "name": 5}, headers=admin)
    assert resp.get_json()["error"] == {
        "code": "invalid_name",
        "message": "“name” (name) must be a string.",
    }
    resp = client.post("/api/v1/sources", json={**base, "note": "a\u202eb"}, headers=admin)
    assert resp.get_json()["error"]["code"] == "invalid_note"
    assert "U+202E" in resp.get_json()["error"]["message"]
    resp = client.post("/api/v1/sources", json={**base, "force": "true"}, headers=admin)
    assert resp.get_json()["error"]["code"] == "invalid_force"


def test_refusal_reads_the_first_error_in_field_order():
    with pytest.raises(ValidationError) as caught:
        ReportBulk.model_validate({"ids": "x", "status": "bogus", "reason": 5})
    assert refusal(caught.value).code == "invalid_ids"
    with pytest.raises(ValidationError) as caught:
        CheckRequest.model_validate({"url": None})
    assert refusal(caught.value).code == "missing_url"
    with pytest.raises(ValidationError) as caught:
        RuleInput.model_validate({"force": False, "pattern": "a\x00b"})
    assert refusal(caught.value).code == "invalid_pattern"  # the core's own refusal
    with pytest.raises(ValidationError) as caught:
        RuleInput.model_validate([])
    assert refusal(caught.value).code == "invalid_body"


def test_documented_required_fields_are_refused_when_missing(doc, client, admin):
    """A field a request schema requires is refused (400) when left out."""
    for method, path, model in _body_operations():
        schema = doc["components"]["schemas"][model.__name__]
        for field in schema.get("required", []):
            body = {k: v for k, v in VALID[model.__name__].items() if k != field}
            resp = client.open(path, method=method.upper(), json=body, headers=admin)
            assert resp.status_code == 400, (path, field)
