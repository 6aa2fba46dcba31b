"""Issue 15, point 2: a big undo needs an explicit confirmation; deleting asks for a reason
and a confirmation; entries already undone say so (admin API and web admin, no browser)."""

from __future__ import annotations

import re

import pytest

from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


def verdict(client, url):
    return client.get("/api/v1/check", query_string={"url": url}).get_json()["verdict"]


def big_import(client, h, n=25):
    rows = "".join(f"hoan-tac-{i}.vn,Báo {i},press_local,national,CV {i}\n" for i in range(n))
    resp = client.post(
        "/api/v1/sources/import?list=allow",
        data=("pattern,name,category,scope,evidence\n" + rows).encode(),
        content_type="text/csv",
        headers=h,
    )
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_undoing_more_than_20_rules_needs_confirm_and_changes_nothing_without(app, client, h):
    store = app.extensions["khongvoi.store"]
    done = big_import(client, h)
    version = store.lists_version()
    refused = client.post(f"/api/v1/audit/{done['entry']}/revert", headers=h)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "confirm_required" and "25" in error["message"]
    assert store.lists_version() == version
    assert verdict(client, "https://hoan-tac-7.vn/") == "official"
    bad = client.post(f"/api/v1/audit/{done['entry']}/revert?confirm=maybe", headers=h)
    assert bad.status_code == 400 and store.lists_version() == version

    ok = client.post(f"/api/v1/audit/{done['entry']}/revert?confirm=1", headers=h)
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["removed"] == 25
    assert verdict(client, "https://hoan-tac-7.vn/") == "unknown"
    again = client.post(f"/api/v1/audit/{done['entry']}/revert?confirm=1", headers=h)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "cannot_revert"


def test_small_undo_needs_no_confirmation(app, client, h):
    resp = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "nho-thoi.vn",
            "name": "Giả",
            "evidence": "e",
            "reason": "thử",
            "scope": "national",
        },
    )
    assert resp.status_code == 201
    entry = client.get("/api/v1/audit?limit=1", headers=h).get_json()["items"][0]
    assert client.post(f"/api/v1/audit/{entry['id']}/revert", headers=h).status_code == 200
    assert verdict(client, "https://nho-thoi.vn/") == "unknown"


@pytest.fixture
def admin(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    assert (
        client.post("/admin/login", data={"username": "quantri", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_web_undo_of_an_import_shows_the_changes_and_wants_the_typed_count(app, admin, h):
    store = app.extensions["khongvoi.store"]
    done = big_import(admin, h)
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert f'href="/admin/audit/{done["entry"]}/revert"' in audit  # a link, not a button
    page = admin.get(f"/admin/audit/{done['entry']}/revert").get_data(as_text=True)
    assert page.count('data-do="delete"') == 25 and "hoan-tac-3.vn" in page
    version = store.lists_version()
    for typed in ("", "24", "có"):
        resp = admin.post(f"/admin/audit/{done['entry']}/revert", data={"confirm": typed})
        assert resp.status_code == 400 and "gõ đúng số" in resp.get_data(as_text=True)
    assert store.lists_version() == version
    resp = admin.post(f"/admin/audit/{done['entry']}/revert", data={"confirm": "25"})
    assert resp.status_code == 302
    assert verdict(admin, "https://hoan-tac-3.vn/") == "unknown"
    audit = admin.get("/admin/audit").get_data(as_text=True)
    row = re.search(rf'<tr data-entry="{done["entry"]}".*?</tr>', audit, re.S).group(0)
    assert (
        "Đã hoàn tác" in row and "<button" not in row and "href" not in row.split("Đã hoàn tác")[1]
    )
    page = admin.get(f"/admin/audit/{done['entry']}/revert").get_data(as_text=True)
    assert 'data-testid="already-undone"' in page and '<form method="post">' not in page


def test_web_delete_asks_for_reason_and_confirmation(app, admin):
    store = app.extensions["khongvoi.store"]
    rule = store.find_rules(q="tin-gia-mao.com")[1][0]
    page = admin.get(f"/admin/rules/{rule.id}/delete").get_data(as_text=True)
    assert "tin-gia-mao.com" in page and 'name="confirm"' in page
    for form in ({}, {"reason": "trùng"}, {"confirm": "on"}, {"reason": " ", "confirm": "on"}):
        resp = admin.post(f"/admin/rules/{rule.id}/delete", data=form)
        assert resp.status_code == 400, form
        assert store.get_rule(rule.id).pattern == "tin-gia-mao.com"
    resp = admin.post(
        f"/admin/rules/{rule.id}/delete", data={"reason": "trang đã bị gỡ", "confirm": "on"}
    )
    assert resp.status_code == 302
    assert verdict(admin, "https://tin-gia-mao.com/") != "denied"
    entry = store.list_audit(target_type="rule", limit=1)[1][0]
    assert entry.action == "delete" and entry.reason == "trang đã bị gỡ"


def test_api_delete_requires_a_reason_and_changes_nothing_without(app, client, h):
    store = app.extensions["khongvoi.store"]
    rid = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "can-ly-do.vn",
            "name": "Giả",
            "evidence": "e",
            "scope": "national",
        },
    ).get_json()["id"]
    version = store.lists_version()
    for query in ("", "?reason=", "?reason=%20%20"):
        resp = client.delete(f"/api/v1/sources/{rid}{query}", headers=h)
        assert resp.status_code == 400, query
        assert resp.get_json()["error"]["code"] == "missing_reason"
    assert store.lists_version() == version
    assert verdict(client, "https://can-ly-do.vn/") == "denied"
    ok = client.delete(f"/api/v1/sources/{rid}?reason=trùng lặp", headers=h)
    assert ok.status_code == 200 and verdict(client, "https://can-ly-do.vn/") == "unknown"
    entry = client.get("/api/v1/audit?limit=1", headers=h).get_json()["items"][0]
    assert (entry["action"], entry["reason"]) == ("delete", "trùng lặp")


def test_already_undone_is_linked_not_read_from_the_reason(app, admin, h):
    """An undo made through the store (any reason) marks its entry; a change whose reason
    merely quotes the undo text marks nothing; undoing the undo makes it undoable again."""
    from server.store.accounts import Actor

    store = app.extensions["khongvoi.store"]
    rid = admin.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "lien-ket-that.vn",
            "name": "Giả",
            "evidence": "e",
            "scope": "national",
        },
    ).get_json()["id"]
    created = admin.get("/api/v1/audit?limit=1", headers=h).get_json()["items"][0]["id"]
    other = admin.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "chi-trich-dan.vn",
            "name": "Giả",
            "evidence": "e",
            "scope": "national",
            "reason": f"hoàn tác mục nhật ký #{created}",
        },
    )
    assert other.status_code == 201
    assert created not in store.undone_entries()  # the reason text links nothing

    store.revert(created, Actor("script", reason="dọn dẹp"))
    undo = admin.get("/api/v1/audit?limit=1", headers=h).get_json()["items"][0]
    assert undo["after"]["reverted"] == created
    assert store.undone_entries() == {created: undo["id"]}
    audit = admin.get("/admin/audit").get_data(as_text=True)
    row = re.search(rf'<tr data-entry="{created}".*?</tr>', audit, re.S).group(0)
    assert f"Đã hoàn tác (mục #{undo['id']})" in row and "<button" not in row
    again = admin.post(f"/api/v1/audit/{created}/revert", headers=h)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "cannot_revert"
    assert verdict(admin, "https://lien-ket-that.vn/") == "unknown"

    store.revert(undo["id"], Actor("script"))  # the undo undone: the rule is back
    assert verdict(admin, "https://lien-ket-that.vn/") == "denied"
    assert created not in store.undone_entries() and rid
