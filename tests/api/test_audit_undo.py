"""Undo through the admin API and the web admin: whole imports, undo chains, reused ids."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import NEW_RULE, auth


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


def verdict(client, url):
    return client.get("/api/v1/check", query_string={"url": url}).get_json()["verdict"]


IMPORT = (
    "pattern,name,category,scope,evidence,note\n"
    "import-a.vn,Báo A,press_local,Hà Nội,CV 1,\n"
    "baochinhphu.vn,Báo Chính phủ (sửa),press_central,national,sửa,\n"
)


def _import(client, h, body=IMPORT, query="list=allow"):
    resp = client.post(
        f"/api/v1/sources/import?{query}", data=body.encode(), content_type="text/csv", headers=h
    )
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_an_import_is_logged_per_rule_and_undone_in_one_step(app, client, h):
    store = app.extensions["khongvoi.store"]
    old = store.find_rules(q="baochinhphu.vn", list="allow")[1][0]
    done = _import(client, h)
    assert (done["added"], done["changed"]) == (1, 1) and done["entry"]
    assert verdict(client, "import-a.vn/x") == "official"

    history = client.get(
        "/api/v1/audit", headers=h, query_string={"target_type": "rule", "target_id": old.id}
    ).get_json()["items"]
    assert history[0]["action"] == "update" and history[0]["parent_id"] == done["entry"]
    assert history[0]["before"]["name"] == old.name
    assert history[0]["after"]["name"] == "Báo Chính phủ (sửa)"
    parts = client.get(
        "/api/v1/audit", headers=h, query_string={"parent_id": done["entry"]}
    ).get_json()
    assert parts["total"] == 2 and {e["action"] for e in parts["items"]} == {"create", "update"}

    undone = client.post(f"/api/v1/audit/{done['entry']}/revert", headers=h)
    assert undone.status_code == 200, undone.get_json()
    body = undone.get_json()
    assert (body["reverted"], body["removed"], body["changed"]) == (done["entry"], 1, 1)
    assert verdict(client, "import-a.vn/x") == "unknown"  # the checker rebuilt at once
    restored = store.get_rule(old.id)
    assert (restored.name, restored.evidence, restored.category) == (
        old.name,
        old.evidence,
        old.category,
    )
    top = client.get("/api/v1/audit", headers=h, query_string={"limit": 1}).get_json()
    assert top["items"][0]["action"] in ("create", "update", "delete")  # its parts, newest
    revert_entry = store.get_audit(body["entry"])
    assert revert_entry.action == "revert" and revert_entry.after["reverted"] == done["entry"]
    entry = client.get(
        "/api/v1/audit", headers=h, query_string={"parent_id": body["entry"]}
    ).get_json()
    assert entry["total"] == 2 and all("CMS tỉnh" in e["actor"] for e in entry["items"])

    again = client.post(f"/api/v1/audit/{done['entry']}/revert?lang=en", headers=h)
    assert again.status_code == 409
    assert again.get_json()["error"] == {
        "code": "cannot_revert",
        "message": "This change has already been reverted.",
    }


def test_import_revert_refused_with_409_when_a_rule_changed_since(app, client, h):
    store = app.extensions["khongvoi.store"]
    done = _import(client, h)
    rid = store.find_rules(q="import-a.vn")[1][0].id
    edited = client.put(
        f"/api/v1/sources/{rid}",
        headers=h,
        json={**NEW_RULE, "pattern": "import-a.vn", "name": "Báo A (sửa tay)"},
    )
    assert edited.status_code == 200
    version = store.lists_version()
    refused = client.post(f"/api/v1/audit/{done['entry']}/revert", headers=h)
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "cannot_revert"
    assert error["message"] == (
        f"Quy tắc “import-a.vn” (số {rid}) đã được sửa sau thay đổi "
        "này; hãy hoàn tác thay đổi mới hơn trước. Chưa hoàn tác gì."
    )
    assert store.lists_version() == version
    assert verdict(client, "baochinhphu.vn") == "official"
    assert store.find_rules(q="baochinhphu.vn", list="allow")[1][0].name == "Báo Chính phủ (sửa)"


def test_undo_chain_through_the_api(app, client, h):
    rule = client.post("/api/v1/sources", json=NEW_RULE, headers=h).get_json()
    for name in ("Name1", "Name2"):
        assert (
            client.put(
                f"/api/v1/sources/{rule['id']}", headers=h, json={**NEW_RULE, "name": name}
            ).status_code
            == 200
        )
    log = client.get(
        "/api/v1/audit", headers=h, query_string={"target_type": "rule", "target_id": rule["id"]}
    ).get_json()["items"]
    edit2, edit1 = log[0]["id"], log[1]["id"]
    early = client.post(f"/api/v1/audit/{edit1}/revert", headers=h)
    assert early.status_code == 409 and "mới hơn" in early.get_json()["error"]["message"]
    assert client.post(f"/api/v1/audit/{edit2}/revert", headers=h).get_json()["name"] == "Name1"
    back = client.post(f"/api/v1/audit/{edit1}/revert", headers=h)
    assert back.status_code == 200 and back.get_json()["name"] == NEW_RULE["name"]


def test_deleted_ids_are_not_handed_out_again(app, client, h):
    first = client.post(
        "/api/v1/sources",
        headers=h,
        json={**NEW_RULE, "list": "deny", "pattern": "fake-x1.com", "category": "impersonation"},
    )
    fid = first.get_json()["id"]
    create_entry = client.get(
        "/api/v1/audit", headers=h, query_string={"target_type": "rule", "target_id": fid}
    ).get_json()["items"][0]["id"]
    assert client.delete(f"/api/v1/sources/{fid}?reason=colleague", headers=h).status_code == 200
    other = client.post(
        "/api/v1/sources", headers=h, json={**NEW_RULE, "pattern": "so-y-te-x.gov.vn"}
    ).get_json()
    assert other["id"] > fid
    stale = client.delete(f"/api/v1/sources/{fid}?reason=again", headers=h)
    assert stale.status_code == 404  # a stored id never deletes another rule
    gone = client.post(f"/api/v1/audit/{create_entry}/revert", headers=h)
    assert gone.status_code == 409
    assert "không còn tồn tại" in gone.get_json()["error"]["message"]
    assert verdict(client, "so-y-te-x.gov.vn") == "official"


def test_non_rule_entries_and_unknown_ids(app, client, h):
    key_entry = client.get(
        "/api/v1/audit", headers=h, query_string={"target_type": "key"}
    ).get_json()["items"][0]["id"]
    refused = client.post(f"/api/v1/audit/{key_entry}/revert", headers=h)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "Chỉ hoàn tác được thay đổi của quy tắc hoặc một lần nhập."
    )
    missing = client.post("/api/v1/audit/999999/revert", headers=h)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/audit?parent_id=abc", headers=h)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_parent_id"


def test_web_admin_lists_an_import_and_undoes_it(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", "mật-khẩu-dài-123", "admin")
    client.post("/admin/login", data={"username": "quantri", "password": "mật-khẩu-dài-123"})
    applied = client.post(
        "/admin/import",
        data={
            "action": "apply",
            "list": "allow",
            "fmt": "csv",
            "payload": __import__("base64").b64encode(IMPORT.encode()).decode(),
        },
        follow_redirects=True,
    )
    page = applied.get_data(as_text=True)
    assert "Có thể hoàn tác cả lần nhập trong nhật ký" in page
    entry = store.list_audit(top_level=True)[1][0]
    assert entry.action == "import"
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert f'data-entry="{entry.id}" data-action="import"' in audit
    assert "2 quy tắc" in audit
    assert 'data-action="create"' not in audit.split(f'data-entry="{entry.id}"')[0]
    parts = client.get(f"/admin/audit?parent={entry.id}").get_data(as_text=True)
    assert "import-a.vn" in parts and "baochinhphu.vn" in parts
    undone = client.post(f"/admin/audit/{entry.id}/revert", follow_redirects=True)
    assert f"Đã hoàn tác mục nhật ký #{entry.id}" in undone.get_data(as_text=True)
    assert verdict(client, "import-a.vn") == "unknown"
    again = client.post(f"/admin/audit/{entry.id}/revert", follow_redirects=True)
    assert "Thay đổi này đã được hoàn tác rồi." in again.get_data(as_text=True)
