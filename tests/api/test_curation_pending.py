"""Issue 15, point 3: approving a pending entry needs the reviewer's own evidence; the
queue has an API; entries an import added leave the queue."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


@pytest.fixture
def queued(app):
    """An entry of the test's own in the review queue (the default queue changes as rows
    are evidenced)."""
    from server.core import Rule

    store = app.extensions["khongvoi.store"]
    rule = Rule("baothu-cho.vn", "allow", "Báo Thử Chờ", "press_local", "Hà Nội", "unverified: x")
    store.add_pending([rule], "test")
    return "baothu-cho.vn"


def entry(client, h, pattern):
    items = client.get("/api/v1/pending", headers=h).get_json()["items"]
    return next(e for e in items if e["pattern"] == pattern)


def verdict(client, url):
    return client.get("/api/v1/check", query_string={"url": url}).get_json()["verdict"]


def test_approval_needs_own_evidence_and_never_copies_the_unverified_note(app, client, h):
    e = entry(client, h, "tuyengiao.vn")
    assert e["evidence"].startswith("unverified") and e["status"] == "pending"
    reported = client.post(
        "/api/v1/reports", json={"url": "https://tuyengiao.vn/bai-1", "kind": "missing"}
    ).get_json()["id"]
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    for body, code in (
        ({"decision": "allow", "reason": "ok"}, "missing_evidence"),
        ({"decision": "allow", "evidence": "x"}, "missing_reason"),
        ({"reason": "ok", "evidence": "x"}, "invalid_decision"),
        ({"decision": "approve", "reason": "ok", "evidence": "x"}, "invalid_decision"),
    ):
        resp = client.post(f"/api/v1/pending/{e['id']}", headers=h, json=body)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code, body
    assert store.lists_version() == version
    assert verdict(client, "https://tuyengiao.vn/") != "official"

    ok = client.post(
        f"/api/v1/pending/{e['id']}",
        headers=h,
        json={
            "decision": "allow",
            "reason": "đã đối chiếu",
            "evidence": "https://dangcongsan.vn/ (liên kết ở chân trang)",
            "basis": "Giấy phép 123/GP-BTTTT",
        },
    )
    assert ok.status_code == 201, ok.get_json()
    rule = ok.get_json()
    assert rule["evidence"] == "https://dangcongsan.vn/ (liên kết ở chân trang)"
    assert rule["basis"] == "Giấy phép 123/GP-BTTTT"
    assert "unverified" not in rule["evidence"] and "Chưa xác minh" not in rule["note"]
    assert rule["name"] == e["name"] and rule["scope"] == e["scope"]
    assert verdict(client, "https://tuyengiao.vn/") == "official"
    report = client.get(f"/api/v1/reports/{reported}", headers=h).get_json()
    assert report["status"] == "resolved"  # the approved rule covers it
    assert all(
        x["id"] != e["id"] for x in client.get("/api/v1/pending", headers=h).get_json()["items"]
    )
    again = client.post(
        f"/api/v1/pending/{e['id']}", headers=h, json={"decision": "reject", "reason": "x"}
    )
    assert again.status_code == 409


def test_reject_and_not_found(app, client, h, queued):
    e = entry(client, h, queued)
    resp = client.post(
        f"/api/v1/pending/{e['id']}",
        headers=h,
        json={"decision": "reject", "reason": "không rõ nguồn"},
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    assert resp.get_json()["decision_reason"] == "không rõ nguồn"
    missing = client.post(
        "/api/v1/pending/999999", headers=h, json={"decision": "reject", "reason": "x"}
    )
    assert missing.status_code == 404


def test_an_entry_an_import_added_leaves_the_queue(app, client, h, queued):
    assert entry(client, h, queued)
    resp = client.post(
        "/api/v1/sources/import?list=allow",
        headers=h,
        content_type="text/csv",
        data="pattern,name,category,scope,evidence\n"
        "baothu-cho.vn,Báo Thử Chờ,press_local,Hà Nội,GP 9\n".encode(),
    )
    assert resp.status_code == 200 and resp.get_json()["added"] == 1
    patterns = [x["pattern"] for x in client.get("/api/v1/pending", headers=h).get_json()["items"]]
    assert queued not in patterns and "tuyengiao.vn" in patterns


@pytest.fixture
def admin(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    assert (
        client.post("/admin/login", data={"username": "quantri", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_web_pending_defaults_to_no_decision_and_needs_evidence(app, admin):
    import re

    page = admin.get("/admin/pending").get_data(as_text=True)
    row = page.split('data-pattern="tuyengiao.vn"')[1].split("</tr>")[0]
    selected = re.findall(r'<option value="([^"]*)" selected>', row)
    assert selected == [""]  # nothing chosen in advance
    store = app.extensions["khongvoi.store"]
    e = next(x for x in store.review_queue() if x.pattern == "tuyengiao.vn")
    refused = admin.post(
        f"/admin/pending/{e.id}", data={"decision": "allow", "reason": "ok"}, follow_redirects=True
    )
    assert "bằng chứng của chính bạn" in refused.get_data(as_text=True)
    assert store.get_pending(e.id).status == "pending"
    done = admin.post(
        f"/admin/pending/{e.id}",
        data={"decision": "allow", "reason": "đã xác minh", "evidence": "Công văn 5/BTG"},
        follow_redirects=True,
    )
    assert "Đã duyệt tuyengiao.vn" in done.get_data(as_text=True)
    rule = store.find_rules(q="tuyengiao.vn")[1][0]
    assert rule.evidence == "Công văn 5/BTG" and rule.note == ""


def test_a_rejection_is_checked_at_once(app, client, h):
    """An entry waiting for the allow list is never called an imitation of a listed source;
    rejecting it makes it one at once (the checker used to keep the old queue, since a
    rejection does not move the lists version, until the next rule change)."""
    from server.core import make_rule

    store = app.extensions["khongvoi.store"]
    store.add_pending(
        [make_rule("allow", "tin-chinh-thong.com", name="Báo Thử", evidence="chưa xác minh")],
        "pending.csv",
    )
    assert verdict(client, "https://tin-chinh-thong.com/a") == "unknown"
    e = entry(client, h, "tin-chinh-thong.com")
    resp = client.post(
        f"/api/v1/pending/{e['id']}", headers=h, json={"decision": "reject", "reason": "giả"}
    )
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    assert verdict(client, "https://tin-chinh-thong.com/a") == "suspicious"
