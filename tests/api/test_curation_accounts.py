"""Issue 15, point 4: accounts are disabled, enabled, deleted, re-roled and reset through
the web admin (admins only), the CLI and the API; a disabled account cannot sign in and its
sessions end; every change is audited."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"
EDITOR_PW = "bien-tap-vien-1"


@pytest.fixture
def accounts(app):
    app.config["WTF_CSRF_ENABLED"] = False
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", PASSWORD, "admin")
    return store, store.create_user("bientap", EDITOR_PW, "editor")


def login(app, name, password):
    client = app.test_client()
    resp = client.post("/admin/login", data={"username": name, "password": password})
    return client, resp.status_code


def test_web_disable_ends_sessions_and_enable_restores(app, accounts):
    store, editor = accounts
    admin, _ = login(app, "quantri", PASSWORD)
    session, code = login(app, "bientap", EDITOR_PW)
    assert code == 302 and session.get("/admin/").status_code == 200
    admin.post(f"/admin/people/users/{editor.id}", data={"action": "disable", "reason": "nghỉ"})
    assert store.get_user(editor.id).active is False
    assert session.get("/admin/").status_code == 302  # the open session is over
    assert login(app, "bientap", EDITOR_PW)[1] == 401
    admin.post(f"/admin/people/users/{editor.id}", data={"action": "enable"})
    assert login(app, "bientap", EDITOR_PW)[1] == 302
    entries = store.list_audit(target_type="user")[1]
    changes = [
        (e.before.get("active"), e.after.get("active")) for e in entries if e.action == "update"
    ]
    assert changes == [(False, True), (True, False)]
    disabled = next(e for e in entries if e.action == "update" and e.after["active"] is False)
    assert disabled.reason == "nghỉ" and disabled.actor == "user:quantri"


def test_web_role_password_and_delete(app, accounts):
    store, editor = accounts
    admin, _ = login(app, "quantri", PASSWORD)
    admin.post(
        f"/admin/people/users/{editor.id}",
        data={"action": "role", "role": "editor", "scope": "Huế"},
    )
    assert store.get_user(editor.id).scope == "Huế"
    admin.post(
        f"/admin/people/users/{editor.id}",
        data={"action": "password", "password": "mat-khau-moi-123"},
    )
    assert login(app, "bientap", EDITOR_PW)[1] == 401
    assert login(app, "bientap", "mat-khau-moi-123")[1] == 302
    admin.post(f"/admin/people/users/{editor.id}", data={"action": "delete"})  # not ticked
    assert store.get_user(editor.id).username == "bientap"
    admin.post(f"/admin/people/users/{editor.id}", data={"action": "delete", "confirm": "on"})
    assert [u.username for u in store.list_users()] == ["quantri"]
    assert {e.action for e in store.list_audit(target_type="user")[1]} >= {
        "update",
        "password",
        "delete",
    }


def test_the_last_admin_cannot_lock_itself_out(app, accounts):
    store, _ = accounts
    admin, _ = login(app, "quantri", PASSWORD)
    me = store.get_user_by_name("quantri")
    for data in (
        {"action": "disable"},
        {"action": "role", "role": "editor"},
        {"action": "delete", "confirm": "on"},
    ):
        page = admin.post(f"/admin/people/users/{me.id}", data=data, follow_redirects=True)
        assert "không còn quản trị viên" in page.get_data(as_text=True)
    assert store.get_user(me.id).active and store.get_user(me.id).role == "admin"


def test_editors_cannot_change_accounts(app, accounts):
    store, _ = accounts
    session, _ = login(app, "bientap", EDITOR_PW)
    me = store.get_user_by_name("quantri")
    assert (
        session.post(f"/admin/people/users/{me.id}", data={"action": "disable"}).status_code == 403
    )
    assert store.get_user(me.id).active


def test_api_accounts(app, client, accounts):
    store, editor = accounts
    h = auth(store.create_key("CMS", "admin")[1])
    items = client.get("/api/v1/users", headers=h).get_json()["items"]
    assert {u["username"] for u in items} == {"quantri", "bientap"}
    assert all(
        set(u) == {"id", "username", "role", "active", "password_changed_at", "scope"}
        for u in items
    )
    resp = client.post(
        f"/api/v1/users/{editor.id}", headers=h, json={"active": False, "reason": "chuyển công tác"}
    )
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    assert login(app, "bientap", EDITOR_PW)[1] == 401
    for body, code in (
        ({"active": "no"}, "invalid_active"),
        ({"role": "root"}, "invalid_role"),
        ({"scope": "Bắc Kạn"}, "invalid_scope"),
    ):
        bad = client.post(f"/api/v1/users/{editor.id}", headers=h, json=body)
        assert bad.status_code == 400 and bad.get_json()["error"]["code"] == code
    resp = client.post(
        f"/api/v1/users/{editor.id}",
        headers=h,
        json={"active": True, "role": "editor", "scope": "Cần Thơ"},
    )
    assert resp.get_json()["scope"] == "Cần Thơ" and resp.get_json()["active"] is True
    short = client.post(f"/api/v1/users/{editor.id}/password", headers=h, json={"password": "x"})
    assert short.status_code == 400
    assert (
        client.post(
            f"/api/v1/users/{editor.id}/password", headers=h, json={"password": "api-mat-khau-1"}
        ).status_code
        == 200
    )
    assert login(app, "bientap", "api-mat-khau-1")[1] == 302
    me = store.get_user_by_name("quantri")
    last = client.delete(f"/api/v1/users/{me.id}", headers=h)
    assert last.status_code == 409 and last.get_json()["error"]["code"] == "last_admin"
    assert client.delete(f"/api/v1/users/{editor.id}", headers=h).status_code == 200
    assert client.delete(f"/api/v1/users/{editor.id}", headers=h).status_code == 404
    actors = {e.actor for e in store.list_audit(target_type="user")[1] if e.action != "create"}
    assert actors and all(a.startswith("key:") for a in actors)


def test_cli_accounts(app, runner, accounts):
    store, editor = accounts
    result = runner.invoke(args=["users", "disable", "bientap", "--reason", "nghỉ phép"])
    assert result.exit_code == 0 and "Đã khóa" in result.output
    assert not store.get_user(editor.id).active
    assert login(app, "bientap", EDITOR_PW)[1] == 401
    assert runner.invoke(args=["users", "enable", "bientap"]).exit_code == 0
    assert store.get_user(editor.id).active
    result = runner.invoke(args=["users", "role", "bientap", "admin"])
    assert result.exit_code == 0 and store.get_user(editor.id).role == "admin"
    result = runner.invoke(args=["users", "role", "bientap", "editor", "--scope", "Sơn La"])
    assert result.exit_code == 0 and store.get_user(editor.id).scope == "Sơn La"
    assert (
        runner.invoke(args=["users", "role", "bientap", "editor", "--scope", "Bắc Kạn"]).exit_code
        == 2
    )
    assert runner.invoke(args=["users", "disable", "khong-co"]).exit_code == 1
    assert runner.invoke(args=["users", "disable", "quantri"]).exit_code == 4  # last admin
    listed = runner.invoke(args=["users", "list"]).output
    assert "bientap\teditor\tactive\tSơn La" in listed
    assert runner.invoke(args=["users", "delete", "bientap"], input="n\n").exit_code == 1
    assert runner.invoke(args=["users", "delete", "bientap", "--yes"]).exit_code == 0
    assert [u.username for u in store.list_users()] == ["quantri"]
    cli = [e for e in store.list_audit(target_type="user")[1] if e.actor == "cli"]
    assert {e.action for e in cli} == {"update", "delete"}
    assert any(e.reason == "nghỉ phép" for e in cli)
