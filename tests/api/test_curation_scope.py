"""Issue 15, point 5: a scope is national or one of the 34 provinces; rules filter by
province; editors can be limited to their province's rules."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import NEW_RULE, auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


@pytest.mark.parametrize("scope", ["Ha Noi", "Bắc Kạn", "toàn quốc", "Hà Nội (cũ: )", 7])
def test_unknown_scopes_are_refused_and_nothing_changes(app, client, h, scope):
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    resp = client.post("/api/v1/sources", headers=h, json={**NEW_RULE, "scope": scope})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_scope"
    assert store.lists_version() == version


@pytest.mark.parametrize(
    "scope", ["Hà Nội", "national", "Thái Nguyên (cũ: Bắc Kạn)", "TP. Hồ Chí Minh"]
)
def test_known_scopes_are_accepted(client, h, scope):
    resp = client.post("/api/v1/sources", headers=h, json={**NEW_RULE, "scope": scope})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["scope"] == scope


def test_filter_by_province_includes_former_province_notes(client, h):
    items = client.get(
        "/api/v1/sources", headers=h, query_string={"scope": "Thái Nguyên", "limit": 500}
    ).get_json()["items"]
    scopes = {r["scope"] for r in items}
    assert scopes == {"Thái Nguyên", "Thái Nguyên (cũ: Bắc Kạn)"}
    bad = client.get("/api/v1/sources", headers=h, query_string={"scope": "Bắc Kạn"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_scope"


@pytest.fixture
def editor(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("bientap", PASSWORD, "editor", scope="Hà Nội")
    assert (
        client.post("/admin/login", data={"username": "bientap", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_an_editor_limited_to_a_province_curates_only_its_rules(app, editor):
    store = app.extensions["khongvoi.store"]
    page = editor.get("/admin/").get_data(as_text=True)
    assert 'data-testid="unit">Phạm vi: Hà Nội' in page
    shown = [r.scope for r in store.find_rules_by_unit(unit="Hà Nội", limit=500)[1]]
    assert page.count("<tr data-pattern=") == len(shown) > 0
    national = store.find_rules(q="baochinhphu.vn")[1][0]
    assert editor.get(f"/admin/rules/{national.id}").status_code == 403
    assert (
        editor.post(
            f"/admin/rules/{national.id}/delete", data={"reason": "x", "confirm": "on"}
        ).status_code
        == 403
    )
    assert store.get_rule(national.id).pattern == "baochinhphu.vn"
    form = {
        "list": "allow",
        "pattern": "tin-ha-noi-moi.vn",
        "name": "Tin HN",
        "evidence": "e",
        "category": "press_local",
        "action": "save",
    }
    refused = editor.post("/admin/rules/new", data={**form, "scope": "national"})
    assert "chỉ được lưu quy tắc có phạm vi Hà Nội" in refused.get_data(as_text=True)
    assert editor.post("/admin/rules/new", data={**form, "scope": "Hà Nội"}).status_code == 302
    assert store.find_rules(q="tin-ha-noi-moi.vn")[0] == 1


def test_web_form_offers_the_list_and_refuses_others(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD})
    page = client.get("/admin/rules/new").get_data(as_text=True)
    options = page.split('<select id="scope" name="scope">')[1].split("</select>")[0]
    assert options.count("<option") == 35 and 'value="Đắk Lắk"' in options
    resp = client.post(
        "/admin/rules/new",
        data={
            "list": "allow",
            "pattern": "x-tinh.vn",
            "name": "X",
            "evidence": "e",
            "category": "press_local",
            "scope": "Tỉnh Không Có",
            "action": "save",
        },
    )
    assert "Phạm vi “Tỉnh Không Có” không hợp lệ" in resp.get_data(as_text=True)
    filtered = client.get("/admin/", query_string={"scope": "Hải Phòng"}).get_data(as_text=True)
    assert filtered.count("<tr data-pattern=") == len(
        app.extensions["khongvoi.store"].find_rules_by_unit(unit="Hải Phòng", limit=500)[1]
    )


def test_a_limited_editor_cannot_import_or_undo_outside_the_province(app, editor):
    import base64

    store = app.extensions["khongvoi.store"]
    body = (
        "pattern,name,category,scope,evidence\n"
        "ha-noi-nhap.vn,HN,press_local,Hà Nội,GP\nhue-nhap.vn,Huế,press_local,Huế,GP\n"
    )
    payload = base64.b64encode(body.encode()).decode()
    page = editor.post(
        "/admin/import",
        data={"action": "dry-run", "list": "allow", "payload": payload, "fmt": "csv"},
    )
    text = page.get_data(as_text=True)
    assert "hue-nhap.vn: tài khoản của bạn chỉ được nhập quy tắc có phạm vi Hà Nội" in text
    editor.post(
        "/admin/import", data={"action": "apply", "list": "allow", "payload": payload, "fmt": "csv"}
    )
    assert store.find_rules(q="nhap.vn")[0] == 0  # all or nothing
    first_import = store.list_audit(top_level=True, limit=500)[1][-1]
    assert (
        editor.post(f"/admin/audit/{first_import.id}/revert", data={"confirm": "999"}).status_code
        == 403
    )
