"""Admin API: keys and scopes, rules CRUD with audit, revert, and route security."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_RULES
from tests.live import make_test_app


@pytest.fixture
def keys(app):
    store = app.extensions["khongvoi.store"]
    return {
        "admin": store.create_key("CMS tỉnh", "admin")[1],
        "check": store.create_key("Chat bot", "check")[1],
    }


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


NEW_RULE = {
    "list": "allow",
    "pattern": "https://www.Bao-Moi-Thu.vn/",
    "name": "Báo Mới Thử",
    "category": "press_local",
    "scope": "Hà Nội",
    "evidence": "Quyết định 1/QĐ",
    "basis": "Giấy phép số 1/GP-BTTTT",
    "reason": "thêm báo mới",
}


def test_every_state_changing_api_route_refuses_anonymous_and_check_keys(app, client, keys):
    public = {
        ("POST", "/api/v1/reports"),
        ("GET", "/api/v1/check"),
        ("POST", "/api/v1/check"),
        ("POST", "/api/v1/check/batch"),
        ("GET", "/api/v1/lists"),
        ("GET", "/api/v1/openapi.json"),
    }
    seen = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, rule.rule) in public:
                continue  # every other /api/ route is admin-only
            seen += 1
            anon = client.open(path, method=method, json={})
            assert anon.status_code == 401, (method, path)
            assert anon.get_json()["error"]["code"] == "unauthorized"
            scoped = client.open(path, method=method, json={}, headers=auth(keys["check"]))
            assert scoped.status_code == 403, (method, path)
            bogus = client.open(path, method=method, json={}, headers=auth("kv_nope"))
            assert bogus.status_code == 401, (method, path)
    assert seen >= 12


def test_crud_is_audited_applied_at_once_and_revertible(app, client, keys):
    h = auth(keys["admin"])
    created = client.post("/api/v1/sources", json=NEW_RULE, headers=h)
    assert created.status_code == 201, created.get_json()
    rule = created.get_json()
    assert rule["pattern"] == "bao-moi-thu.vn" and rule["basis"] == "Giấy phép số 1/GP-BTTTT"
    check = lambda: client.get("/api/v1/check", query_string={"url": "bao-moi-thu.vn/a"})  # noqa: E731
    assert check().get_json()["verdict"] == "official"
    assert check().get_json()["rule"]["basis"] == "Giấy phép số 1/GP-BTTTT"

    edited = client.put(
        f"/api/v1/sources/{rule['id']}",
        headers=h,
        json={**NEW_RULE, "list": "deny", "name": "Đã đổi"},
    )
    assert edited.status_code == 200 and edited.get_json()["name"] == "Đã đổi"
    assert check().get_json()["verdict"] == "denied"

    assert client.delete(f"/api/v1/sources/{rule['id']}?reason=trùng", headers=h).status_code == 200
    assert check().get_json()["verdict"] == "unknown"
    assert client.get(f"/api/v1/sources/{rule['id']}", headers=h).status_code == 404

    log = client.get("/api/v1/audit", query_string={"target_type": "rule"}, headers=h).get_json()
    actions = [(e["action"], e["target_id"]) for e in log["items"][:3]]
    assert actions == [("delete", rule["id"]), ("update", rule["id"]), ("create", rule["id"])]
    newest = log["items"][0]
    assert newest["actor"].startswith("key:") and "CMS tỉnh" in newest["actor"]
    assert newest["before"]["name"] == "Đã đổi" and newest["after"] is None
    assert log["items"][2]["reason"] == "thêm báo mới"

    undone = client.post(f"/api/v1/audit/{newest['id']}/revert", headers=h)
    assert undone.status_code == 200, undone.get_json()
    assert check().get_json()["verdict"] == "denied"  # the deleted (deny) rule is back
    again = client.get("/api/v1/audit", headers=h).get_json()["items"][0]
    assert again["action"] == "create" and "hoàn tác" in again["reason"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**NEW_RULE, "evidence": ""}, "missing_evidence"),
        ({**NEW_RULE, "pattern": "facebook.com"}, "platform_host_rule"),
        ({**NEW_RULE, "pattern": "a b.vn"}, "invalid_pattern"),
        ({**NEW_RULE, "list": "maybe"}, "invalid_list"),
        ({**NEW_RULE, "review_by": "31/12/2027"}, "invalid_review_by"),
    ],
)
def test_bad_rules_refused_and_nothing_changes(app, client, keys, body, code):
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    resp = client.post("/api/v1/sources", json=body, headers=auth(keys["admin"]))
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
    assert store.lists_version() == version


def test_conflict_and_forced_platform_rule(client, keys):
    h = auth(keys["admin"])
    dup = client.post(
        "/api/v1/sources", headers=h, json={**NEW_RULE, "pattern": "tin-chinh-thong.vn"}
    )
    assert dup.status_code == 409 and dup.get_json()["error"]["code"] == "conflict"
    forced = client.post(
        "/api/v1/sources", headers=h, json={**NEW_RULE, "pattern": "zalo.me", "force": True}
    )
    assert forced.status_code == 201


def test_search_and_paging(client, keys):
    h = auth(keys["admin"])
    page = client.get("/api/v1/sources", query_string={"list": "deny", "limit": 5}, headers=h)
    body = page.get_json()
    assert body["total"] >= 19 and len(body["items"]) == 5
    found = client.get("/api/v1/sources", query_string={"q": "chính phủ"}, headers=h).get_json()
    assert any(r["pattern"] == "baochinhphu.vn" for r in found["items"])


def test_revoked_key_refused(app, client, keys):
    store = app.extensions["khongvoi.store"]
    key = store.list_keys()[-1]  # the admin key, created first
    store.revoke_key(key.id)
    assert client.get("/api/v1/sources", headers=auth(keys["admin"])).status_code == 401


def test_check_key_gets_its_own_higher_limit(tmp_path):
    app = make_test_app(
        tmp_path,
        TEST_RULES,
        config={
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_CHECK": "2 per minute",
            "RATELIMIT_WITH_KEY": "5 per minute",
        },
    )
    client = app.test_client()
    _, secret = app.extensions["khongvoi.store"].create_key("bot", "check")
    q = {"url": "baochinhphu.vn"}
    anon = [client.get("/api/v1/check", query_string=q).status_code for _ in range(3)]
    keyed = [
        client.get("/api/v1/check", query_string=q, headers=auth(secret)).status_code
        for _ in range(6)
    ]
    assert anon == [200, 200, 429]
    assert keyed == [200] * 5 + [429]
    assert app.extensions["khongvoi.store"].list_keys()[0].last_used_at
    app.extensions["khongvoi.store"].dispose()


def test_cli_refuses_blank_names_and_taken_names_before_the_password(app, runner):
    store = app.extensions["khongvoi.store"]
    for name in ("", "   ", "hai từ"):
        got = runner.invoke(
            args=["users", "create", name, "--role", "admin"],
            input="mật-khẩu-dài-123\nmật-khẩu-dài-123\n",
        )
        assert got.exit_code == 1 and "1–64 ký tự" in got.output, name
    assert store.list_users() == []
    store.create_user("da-co", "mật-khẩu-dài-123", "editor")
    taken = runner.invoke(args=["users", "create", "da-co", "--role", "admin"], input="")
    assert taken.exit_code == 1 and "đã có" in taken.output
    assert "Password" not in taken.output  # refused before any prompt


def test_cli_users_and_keys(app, runner):
    weak = runner.invoke(args=["users", "create", "an", "--role", "admin"], input="short\nshort\n")
    assert weak.exit_code == 1
    ok = runner.invoke(
        args=["users", "create", "an", "--role", "admin"],
        input="mật-khẩu-dài-123\nmật-khẩu-dài-123\n",
    )
    assert ok.exit_code == 0, ok.output
    store = app.extensions["khongvoi.store"]
    assert store.authenticate("an", "mật-khẩu-dài-123").role == "admin"
    assert store.authenticate("an", "sai") is None
    made = runner.invoke(args=["keys", "create", "CMS", "--scope", "admin"])
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("kv_") and store.verify_key(secret).scope == "admin"
    listed = runner.invoke(args=["keys", "list"])
    assert "CMS" in listed.output and secret not in listed.output
    key_id = store.verify_key(secret).id
    assert runner.invoke(args=["keys", "revoke", str(key_id)]).exit_code == 0
    assert store.verify_key(secret) is None


def test_import_export_stats_keys(app, client, keys):
    h = auth(keys["admin"])
    csv_body = "pattern,name,evidence\nnhap-api.vn,Nhập API,GP 3\nfacebook.com,Sai,x\n"
    dry = client.post(
        "/api/v1/sources/import?list=allow&dry_run=1",
        data=csv_body.encode(),
        content_type="text/csv",
        headers=h,
    )
    assert dry.status_code == 200
    body = dry.get_json()
    assert body["added"] == 1 and body["dry_run"] and body["invalid"][0]["line"] == 3
    refused = client.post(
        "/api/v1/sources/import?list=allow",
        data=csv_body.encode(),
        content_type="text/csv",
        headers=h,
    )
    assert refused.status_code == 400 and refused.get_json()["invalid"]
    ok = client.post(
        "/api/v1/sources/import?list=allow",
        headers=h,
        content_type="text/csv",
        data=b"pattern,name,evidence\nnhap-api.vn,Nhap API,GP 3\n",
    )
    assert ok.status_code == 200 and ok.get_json()["added"] == 1
    assert (
        client.get("/api/v1/check", query_string={"url": "nhap-api.vn"}).get_json()["verdict"]
        == "official"
    )
    exported = client.get("/api/v1/sources/export?format=csv", headers=h)
    assert b"nhap-api.vn,Nhap API" in exported.data
    stats = client.get("/api/v1/stats", headers=h).get_json()
    assert any(r["verdict"] == "official" for r in stats["by_day"])
    made = client.post("/api/v1/keys", json={"name": "bot 2", "scope": "check"}, headers=h)
    assert made.status_code == 201 and made.get_json()["secret"].startswith("kv_")
    listed = client.get("/api/v1/keys", headers=h).get_json()["items"]
    assert "secret" not in listed[0] and listed[0]["name"] == "bot 2"
    gone = client.delete(f"/api/v1/keys/{listed[0]['id']}", headers=h)
    assert gone.status_code == 200 and gone.get_json()["revoked_at"]
    reports = client.get("/api/v1/reports", headers=h)
    assert reports.status_code == 200
