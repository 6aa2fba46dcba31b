"""HTTP edges of the API: ids too large for the database, HEAD, ``/api`` without a slash, the
case of the ``Bearer`` scheme (review 9, findings 10, 16 and 18)."""

from __future__ import annotations

import re

import pytest

HUGE_IDS = ("9223372036854775808", "99999999999999999999999")


@pytest.fixture
def admin(app):
    secret = app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1]
    return {"Authorization": f"Bearer {secret}"}


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if "<int:" in rule.rule:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def test_every_int_route_answers_404_for_ids_beyond_the_database(app, client, admin):
    routes = list(_int_routes(app))
    assert {r for _, r in routes} >= {
        "/api/v1/sources/<int:rule_id>",
        "/api/v1/keys/<int:key_id>",
        "/api/v1/audit/<int:entry_id>/revert",
    }
    assert any(not r.startswith("/api/") for _, r in routes)  # the web admin's too
    body = {"list": "allow", "pattern": "a.vn", "evidence": "x", "status": "resolved"}
    for huge in HUGE_IDS:
        for method, rule in routes:
            path = re.sub(r"<int:\w+>", huge, rule)
            resp = client.open(path, method=method, json=body, headers=admin)
            assert resp.status_code == 404, (method, path, resp.status_code)
            if path.startswith("/api/"):
                assert resp.get_json()["error"]["code"] == "not_found"


def test_largest_database_id_is_an_ordinary_missing_rule(client, admin):
    resp = client.get("/api/v1/sources/9223372036854775807", headers=admin)
    assert resp.status_code == 404
    assert "9223372036854775807" in resp.get_json()["error"]["message"]


def test_head_check_is_answered_like_get(client):
    head = client.head("/api/v1/check", query_string={"url": "vnexpress.net/abc"})
    get = client.get("/api/v1/check", query_string={"url": "vnexpress.net/abc"})
    assert head.status_code == get.status_code == 200
    assert head.mimetype == "application/json" and head.data == b""
    assert client.head("/api/v1/check").status_code == 400  # missing url, as GET


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/v2/check"])
def test_everything_under_api_answers_json_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.mimetype == "application/json"
    assert resp.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_bearer_scheme_is_case_insensitive(app, client, scheme):
    secret = app.extensions["khongvoi.store"].create_key("bot", "admin")[1]
    resp = client.get("/api/v1/keys", headers={"Authorization": f"{scheme} {secret}"})
    assert resp.status_code == 200


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer ", "Token kv_x", "kv_x"])
def test_other_authorization_forms_are_refused(client, header):
    resp = client.get("/api/v1/keys", headers={"Authorization": header})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
