"""The OpenAPI document describes every API route of the app."""

from __future__ import annotations

import re


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
