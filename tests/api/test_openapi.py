"""The OpenAPI document describes every API route of the app, and what they really answer."""

from __future__ import annotations

import re

import jsonschema_rs  # installed with schemathesis
import pytest


def test_document_is_openapi_31(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert "CheckResult" in doc["components"]["schemas"]


def test_every_route_documented(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
        for path, item in doc["paths"].items()
        for method in item
    }
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        if not (path.startswith("/api/") or path == "/healthz"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in openapi.json"


# -- the document against real answers (review 9, finding 17) -------------------------------


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def admin(app):
    secret = app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1]
    return {"Authorization": f"Bearer {secret}"}


def _conforms(doc, schema, instance):
    """``instance`` is valid against ``schema`` (refs into the document's components)."""
    validator = jsonschema_rs.Draft202012Validator({**schema, "components": doc["components"]})
    errors = [e.message for e in validator.iter_errors(instance)]
    assert not errors, errors


def _response_schema(doc, path, method, status):
    return doc["paths"][path][method]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]


def _param(doc, path, method, name):
    [param] = [p for p in doc["paths"][path][method].get("parameters", []) if p["name"] == name]
    return param


def test_delete_reason_is_documented_and_logged(doc, client, admin, app):
    assert _param(doc, "/api/v1/sources/{rule_id}", "delete", "reason")["in"] == "query"
    rule = client.get("/api/v1/sources?list=deny&limit=1", headers=admin).get_json()["items"][0]
    resp = client.delete(f"/api/v1/sources/{rule['id']}?reason=trùng lặp", headers=admin)
    assert resp.status_code == 200
    _conforms(
        doc, _response_schema(doc, "/api/v1/sources/{rule_id}", "delete", 200), resp.get_json()
    )
    _, entries = app.extensions["khongvoi.store"].list_audit(target_type="rule", limit=5)
    assert any(e.action == "delete" and e.reason == "trùng lặp" for e in entries)


def test_key_fields_the_document_requires_are_required(doc, client, admin):
    schema = doc["components"]["schemas"]["KeyInput"]
    assert set(schema["required"]) == {"name", "scope"}
    full = {"name": "bot", "scope": "check"}
    for field in schema["required"]:
        body = {k: v for k, v in full.items() if k != field}
        resp = client.post("/api/v1/keys", json=body, headers=admin)
        assert resp.status_code == 400, field
    made = client.post("/api/v1/keys", json=full, headers=admin)
    assert made.status_code == 201
    _conforms(doc, _response_schema(doc, "/api/v1/keys", "post", 201), made.get_json())
    listed = client.get("/api/v1/keys", headers=admin).get_json()
    _conforms(doc, _response_schema(doc, "/api/v1/keys", "get", 200), listed)
    revoked = client.delete(f"/api/v1/keys/{made.get_json()['id']}", headers=admin)
    _conforms(
        doc, _response_schema(doc, "/api/v1/keys/{key_id}", "delete", 200), revoked.get_json()
    )


def test_url_bounds_match_the_answers(doc, client):
    query = _param(doc, "/api/v1/check", "get", "url")["schema"]
    assert query["minLength"] == 1 and "url_too_long" in query["description"]
    assert client.get("/api/v1/check?url=").get_json()["error"]["code"] == "empty_url"
    body = doc["paths"]["/api/v1/check"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["properties"]["url"]
    most = body["maxLength"]
    ok = client.post("/api/v1/check", json={"url": "vnexpress.net/" + "a" * (most - 14)})
    assert ok.status_code == 200
    long = client.post("/api/v1/check", json={"url": "vnexpress.net/" + "a" * (most - 13)})
    assert long.status_code == 400 and long.get_json()["error"]["code"] == "url_too_long"


def test_check_answers_conform(doc, client):
    for url in (
        "https://xaydungchinhsach.baochinhphu.vn/abc",
        "https://nhan-dan.vn/",
        "https://www.facebook.com/ubndthunghiemm",
        "http://0x7f.1/",
    ):
        resp = client.get("/api/v1/check", query_string={"url": url})
        assert resp.status_code == 200
        _conforms(doc, _response_schema(doc, "/api/v1/check", "get", 200), resp.get_json())


@pytest.mark.parametrize(
    ("path", "name"), [("/api/v1/sources/import", "dry_run"), ("/api/v1/sources/import", "force")]
)
def test_yes_no_parameters_are_booleans(doc, path, name):
    assert _param(doc, path, "post", name)["schema"]["type"] == "boolean"


def _enum_params(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for p in op.get("parameters", []):
                if p["in"] == "query" and "enum" in p["schema"]:
                    yield path, method, p["name"], p["schema"]["enum"]


def test_enums_on_import_export_and_search(doc):
    enums = {(path, name): values for path, _, name, values in _enum_params(doc)}
    for path in ("/api/v1/sources", "/api/v1/sources/import", "/api/v1/sources/export"):
        assert enums[(path, "list")] == ["allow", "deny"]
    assert enums[("/api/v1/sources/export", "format")] == ["csv", "json"]
    assert enums[("/api/v1/reports", "status")] == ["open", "resolved", "rejected"]


def _call(client, path, method, query, headers):
    path = (
        path.replace("{rule_id}", "1")
        .replace("{key_id}", "1")
        .replace("{entry_id}", "1")
        .replace("{report_id}", "1")
    )
    if path == "/api/v1/sources/import":
        return client.post(
            path,
            query_string=query,
            headers=headers,
            content_type="text/csv",
            data=b"pattern,name,evidence\nenum-thu.vn,T,e\n",
        )
    kwargs = {"json": {}} if method in ("post", "put") else {}
    return client.open(path, method=method.upper(), query_string=query, headers=headers, **kwargs)


def test_every_enum_parameter_is_enforced(doc, client, admin):
    """Outside its enum a documented query parameter gets 400; every listed value is taken."""
    seen = 0
    for path, method, name, values in _enum_params(doc):
        if method == "post" and path != "/api/v1/sources/import":
            continue  # JSON bodies are refused before: covered by their own tests
        base = {"url": "vnexpress.net"} if path == "/api/v1/check" else {}
        if path == "/api/v1/sources/import":
            base = {"dry_run": "1"}
        bad = _call(client, path, method, {**base, name: "bogus"}, admin)
        assert bad.status_code == 400, (method, path, name)
        assert bad.get_json()["error"]["code"] == f"invalid_{name}"
        for value in values:
            good = _call(client, path, method, {**base, name: value}, admin)
            assert good.status_code != 400 or good.get_json()["error"]["code"] != (
                f"invalid_{name}"
            ), (method, path, name, value)
        seen += 1
    assert seen >= 6


def test_import_answers_conform(doc, client, admin):
    path = "/api/v1/sources/import"
    dry = client.post(
        f"{path}?list=allow&dry_run=1",
        headers=admin,
        content_type="text/csv",
        data=b"pattern,name,evidence\nmoi-thu.vn,M,e\nfacebook.com,F,e\n",
    )
    assert dry.status_code == 200
    _conforms(doc, _response_schema(doc, path, "post", 200), dry.get_json())
    refused = client.post(
        f"{path}?list=allow",
        headers=admin,
        content_type="text/csv",
        data=b"pattern,name,evidence\nfacebook.com,F,e\n",
    )
    assert refused.status_code == 400
    _conforms(doc, _response_schema(doc, path, "post", 400), refused.get_json())


def test_report_answers_conform(doc, client, admin):
    made = client.post("/api/v1/reports", json={"url": "tin-gia-mao.com/a", "comment": None})
    _conforms(doc, _response_schema(doc, "/api/v1/reports", "post", 201), made.get_json())
    rid = made.get_json()["id"]
    listed = client.get("/api/v1/reports", headers=admin).get_json()
    _conforms(doc, _response_schema(doc, "/api/v1/reports", "get", 200), listed)
    closed = client.post(f"/api/v1/reports/{rid}", json={"status": "rejected"}, headers=admin)
    _conforms(
        doc, _response_schema(doc, "/api/v1/reports/{report_id}", "post", 200), closed.get_json()
    )


def test_every_documented_error_status_uses_the_error_shape(doc):
    for item in doc["paths"].values():
        for op in item.values():
            for status, resp in op["responses"].items():
                if status.startswith("4") and status != "400":
                    schema = resp["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}


def test_descriptions_are_markdown_without_code_references(doc):
    """Model docstrings become descriptions: what readers of the document see is Markdown
    (code spans), not reStructuredText literals or references into the Python code."""
    texts: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "description" and isinstance(v, str):
                    texts.append(v)
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(doc)
    assert len(texts) > 20
    for text in texts:
        assert "``" not in text and ":meth:" not in text and ":class:" not in text, text
    batch = doc["components"]["schemas"]["BatchRequest"]["description"]
    assert batch.startswith("`POST /api/v1/check/batch`: at most `BATCH_MAX` (1000) links")
    pending = " ".join(doc["components"]["schemas"]["PendingDecision"]["description"].split())
    assert "(checked by `decide_pending`, which gives each field its own code)" in pending
