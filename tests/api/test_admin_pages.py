"""Web admin without a browser: route security (sign-in, CSRF) and sessions."""

from __future__ import annotations

import re

import pytest

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    return app


def _login(client):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post(
        "/admin/login", data={"username": "quantri", "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    return token


def _admin_post_routes(app):
    for rule in app.url_map.iter_rules():
        admin_form = rule.rule.startswith("/admin") and rule.rule != "/admin/login"
        if admin_form and "POST" in rule.methods:
            yield re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)


def test_every_admin_form_refuses_anonymous_and_missing_csrf(csrf_app):
    client = csrf_app.test_client()
    paths = list(_admin_post_routes(csrf_app))
    assert "/admin/rules/new" in paths and "/admin/audit/1/revert" in paths
    for path in paths:
        anon = client.post(path, data={})
        assert anon.status_code in (400, 401), path  # no session: no token, no user
    _login(client)
    page = client.get("/admin/rules/new").get_data(as_text=True)  # a new session, a new token
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    version = csrf_app.extensions["khongvoi.store"].lists_version()
    for path in paths:
        if path == "/admin/logout":
            continue
        resp = client.post(path, data={"list": "allow", "pattern": "x.vn", "evidence": "e"})
        assert resp.status_code == 400, path  # signed in, but no CSRF token
    assert csrf_app.extensions["khongvoi.store"].lists_version() == version
    ok = client.post(
        "/admin/rules/new",
        data={
            "csrf_token": token,
            "list": "allow",
            "pattern": "x.vn",
            "evidence": "e",
            "name": "X",
            "action": "save",
            "category": "press_local",
        },
    )
    assert ok.status_code == 302


def test_anonymous_pages_redirect_to_login(client):
    for path in ("/admin/", "/admin/audit", "/admin/rules/new"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_changing_the_password_signs_out_everywhere(csrf_app):
    client = csrf_app.test_client()
    _login(client)
    assert client.get("/admin/").status_code == 200
    from sqlalchemy import update

    from server.store.schema import users
    from server.store.sql import now

    store = csrf_app.extensions["khongvoi.store"]
    with store.engine.begin() as conn:  # what a password change does to the account
        conn.execute(update(users).values(password_changed_at=now()))
    assert client.get("/admin/").status_code == 302


def test_password_change_in_the_admin_and_the_cli(csrf_app):
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    mine, other = csrf_app.test_client(), csrf_app.test_client()
    _login(mine)
    _login(other)
    bad = mine.post("/admin/password", data={"current": "sai", "new": "x" * 12, "again": "x" * 12})
    assert "không đúng" in bad.get_data(as_text=True)
    ok = mine.post(
        "/admin/password",
        data={"current": PASSWORD, "new": "mới-mới-mới-1", "again": "mới-mới-mới-1"},
    )
    assert ok.status_code == 302
    assert mine.get("/admin/").status_code == 200  # this session goes on
    assert other.get("/admin/").status_code == 302  # the other one is signed out
    store = csrf_app.extensions["khongvoi.store"]
    assert store.authenticate("quantri", "mới-mới-mới-1") is not None
    result = csrf_app.test_cli_runner().invoke(
        args=["users", "password", "quantri"], input="cli-mat-khau-2\ncli-mat-khau-2\n"
    )
    assert result.exit_code == 0, result.output
    assert mine.get("/admin/").status_code == 302
    assert store.list_audit(target_type="user")[1][0].action == "password"


def test_login_rate_limited(tmp_path):
    from tests.live import make_test_app

    app = make_test_app(
        tmp_path,
        config={
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_LOGIN": "3 per minute",
            "WTF_CSRF_ENABLED": False,
        },
        defaults=False,
    )
    client = app.test_client()
    codes = [
        client.post("/admin/login", data={"username": "x", "password": "y"}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert "quá nhiều" in client.post("/admin/login", data={}).get_data(as_text=True)
    app.extensions["khongvoi.store"].dispose()


def test_reports_queue_overdue_and_rule_prefill(csrf_app):
    store = csrf_app.extensions["khongvoi.store"]
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    client = csrf_app.test_client()
    _login(client)
    for comment in ("trang giả mạo báo", "lừa đảo"):
        client.post(
            "/api/v1/reports",
            json={"url": "https://gia-bao.example/a", "kind": "impersonation", "comment": comment},
        )
    page = client.get("/admin/reports").get_data(as_text=True)
    assert 'data-pattern="gia-bao.example"' in page
    assert '<td data-testid="count">2</td>' in page
    assert "list=deny" in page  # impersonation reports propose a deny rule
    form = client.get("/admin/rules/new?pattern=gia-bao.example&list=deny").get_data(as_text=True)
    assert 'value="gia-bao.example"' in form
    report_id = store.list_reports()[0].id
    client.post(f"/admin/reports/{report_id}/close", data={"status": "resolved"})
    assert [r.status for r in store.list_reports()] == ["resolved", "open"]
    from server.core import make_rule

    store.add_rule(make_rule("allow", "cu.vn", evidence="e", review_by="2020-01-01"))
    assert "1 quy tắc đã quá hạn xem lại" in client.get("/admin/").get_data(as_text=True)
    overdue = client.get("/admin/?overdue=1").get_data(as_text=True)
    assert 'data-pattern="cu.vn"' in overdue and 'data-pattern="baochinhphu.vn"' not in overdue


def test_accounts_and_keys_pages_are_admin_only(csrf_app):
    csrf_app.config["WTF_CSRF_ENABLED"] = False
    store = csrf_app.extensions["khongvoi.store"]
    admin = csrf_app.test_client()
    _login(admin)
    made = admin.post(
        "/admin/people/users",
        data={"username": "bientap", "role": "editor", "password": "bien-tap-vien-1"},
    )
    assert made.status_code == 302
    assert [u.username for u in store.list_users()] == ["bientap", "quantri"]
    page = admin.post("/admin/people/keys", data={"name": "Bot Zalo", "scope": "check"})
    secret = re.search(r'data-testid="secret">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert store.verify_key(secret).scope == "check"
    assert secret not in admin.get("/admin/people").get_data(as_text=True)  # shown once
    key_id = store.verify_key(secret).id
    admin.post(f"/admin/people/keys/{key_id}/revoke")
    assert store.verify_key(secret) is None

    editor = csrf_app.test_client()
    editor.post("/admin/login", data={"username": "bientap", "password": "bien-tap-vien-1"})
    assert editor.get("/admin/").status_code == 200  # editors curate rules
    assert editor.get("/admin/people").status_code == 403  # but not accounts or keys
    refused = editor.post("/admin/people/keys", data={"name": "x", "scope": "admin"})
    assert refused.status_code == 403
    assert len(store.list_keys()) == 1


def test_new_rule_form_asks_for_a_category_and_huge_pages_are_page_one(csrf_app):
    client = csrf_app.test_client()
    _login(client)
    form = client.get("/admin/rules/new").get_data(as_text=True)
    assert '<option value="" selected>— Chọn loại —</option>' in form
    for path in ("/admin/", "/admin/audit"):
        resp = client.get(path, query_string={"page": "9" * 30})
        assert resp.status_code == 200, path  # not a 500 from the database driver
