"""``POST /api/v1/reports``: validation, storage, rate limit."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_RULES
from tests.live import make_test_app


def test_report_stored_with_current_verdict(client, app):
    resp = client.post(
        "/api/v1/reports",
        json={
            "url": "tin-gia-mao.com/bai",
            "verdict_seen": "denied",
            "kind": "wrongly_listed",
            "comment": "Trang này là của cơ quan tôi",
        },
    )
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "received" and isinstance(body["id"], int)
    reports = app.extensions["khongvoi.store"].list_reports()
    report = reports[-1] if isinstance(reports, list) else reports[1][-1]
    assert report.url == "tin-gia-mao.com/bai"
    assert report.verdict_at_report == "denied"
    assert report.kind == "wrongly_listed"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "invalid_url"),
        ({"url": ""}, "invalid_url"),
        ({"url": "x.vn", "kind": "spam"}, "invalid_kind"),
        ({"url": "x.vn", "verdict_seen": "good"}, "invalid_verdict_seen"),
        ({"url": "x.vn", "comment": "a" * 1001}, "invalid_comment"),
        ({"url": "javascript:alert(1)"}, "unsupported_scheme"),
    ],
)
def test_bad_reports_refused_and_nothing_stored(client, app, payload, code):
    store = app.extensions["khongvoi.store"]
    before = store.list_reports()
    resp = client.post("/api/v1/reports", json=payload)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == code
    assert store.list_reports() == before


def test_reports_rate_limited(tmp_path):
    app = make_test_app(
        tmp_path,
        TEST_RULES,
        config={"RATELIMIT_ENABLED": True, "RATELIMIT_REPORTS": "2 per minute"},
    )
    client = app.test_client()
    codes = [client.post("/api/v1/reports", json={"url": "a.vn"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    resp = client.post("/api/v1/reports", json={"url": "a.vn"})
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) > 0
    app.extensions["khongvoi.store"].dispose()


@pytest.mark.parametrize(
    ("payload", "code", "words"),
    [
        ({"url": 123}, "invalid_url", "chuỗi ký tự"),
        ({"url": ["a.vn"]}, "invalid_url", "chuỗi ký tự"),
        ({"url": "x" * 9000}, "url_too_long", "dài quá"),
        ({"url": "a.vn", "comment": 5}, "invalid_comment", "chuỗi ký tự"),
        ({"url": "a.vn", "comment": "a" * 1001}, "invalid_comment", "tối đa 1000"),
        ({"url": "a.vn", "verdict_seen": 3}, "invalid_verdict_seen", "official"),
        ({}, "invalid_url", "Thiếu"),
        ({"url": "   "}, "invalid_url", "Thiếu"),
    ],
)
def test_report_errors_say_what_is_wrong(client, payload, code, words):
    resp = client.post("/api/v1/reports", json=payload)
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    if code != "invalid_url" or words != "Thiếu":
        assert "Thiếu" not in error["message"]  # never "missing" for a value that was given


def test_null_comment_and_verdict_seen_count_as_empty(client, app):
    resp = client.post(
        "/api/v1/reports", json={"url": "a.vn", "comment": None, "verdict_seen": None}
    )
    assert resp.status_code == 201
    report = app.extensions["khongvoi.store"].list_reports()[-1]
    assert report.comment == "" and report.verdict_seen == ""


def test_refused_reports_do_not_use_up_the_quota(tmp_path):
    app = make_test_app(
        tmp_path,
        TEST_RULES,
        config={"RATELIMIT_ENABLED": True, "RATELIMIT_REPORTS": "2 per minute"},
    )
    client = app.test_client()
    for bad in (
        {"url": 1},
        {"url": "x" * 9000},
        {"url": "javascript:x"},
        {"url": "a.vn", "kind": "spam"},
    ):
        assert client.post("/api/v1/reports", json=bad).status_code == 400
    codes = [client.post("/api/v1/reports", json={"url": "a.vn"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert client.post("/api/v1/reports", json={"url": 1}).status_code == 429  # still limited
    app.extensions["khongvoi.store"].dispose()


@pytest.fixture
def admin(app):
    secret = app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1]
    return {"Authorization": f"Bearer {secret}"}


def _report(client, url="tin-gia-mao.com/bai"):
    return client.post("/api/v1/reports", json={"url": url, "kind": "wrongly_listed"}).get_json()[
        "id"
    ]


def test_admin_closes_a_report_and_it_is_audited(client, app, admin):
    store = app.extensions["khongvoi.store"]
    rid = _report(client)
    one = client.get(f"/api/v1/reports/{rid}", headers=admin)
    assert one.status_code == 200 and one.get_json()["status"] == "open"
    assert one.get_json()["created_at"].endswith("Z")
    resp = client.post(
        f"/api/v1/reports/{rid}",
        headers=admin,
        json={"status": "resolved", "reason": "đã thêm vào danh sách chặn"},
    )
    assert resp.status_code == 200
    assert resp.get_json()["id"] == rid and resp.get_json()["status"] == "resolved"
    open_ids = [
        r["id"]
        for r in client.get("/api/v1/reports?status=open", headers=admin).get_json()["items"]
    ]
    assert rid not in open_ids
    _, entries = store.list_audit(target_type="report", limit=10)
    [entry] = [e for e in entries if e.target_id == rid]
    assert entry.action == "resolved" and entry.reason == "đã thêm vào danh sách chặn"
    assert entry.actor.startswith("key:") and entry.actor.endswith("CMS tỉnh")
    again = client.post(f"/api/v1/reports/{rid}", headers=admin, json={"status": "resolved"})
    assert again.status_code == 200
    _, entries = store.list_audit(target_type="report", limit=10)
    assert len([e for e in entries if e.target_id == rid]) == 1  # same status: no new entry
    reopened = client.post(f"/api/v1/reports/{rid}", headers=admin, json={"status": "open"})
    assert reopened.get_json()["status"] == "open"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_status"),
        ({"status": "closed"}, "invalid_status"),
        ({"status": "rejected", "reason": 5}, "invalid_reason"),
        ({"status": "rejected", "reason": "x" * 1001}, "invalid_reason"),
    ],
)
def test_bad_triage_refused(client, app, admin, body, code):
    rid = _report(client)
    resp = client.post(f"/api/v1/reports/{rid}", headers=admin, json=body)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
    assert app.extensions["khongvoi.store"].list_reports()[-1].status == "open"


def test_triage_needs_an_admin_key_and_an_existing_report(client, app, admin):
    rid = _report(client)
    assert client.post(f"/api/v1/reports/{rid}", json={"status": "rejected"}).status_code == 401
    check = app.extensions["khongvoi.store"].create_key("bot", "check")[1]
    assert (
        client.post(
            f"/api/v1/reports/{rid}",
            json={"status": "rejected"},
            headers={"Authorization": f"Bearer {check}"},
        ).status_code
        == 403
    )
    missing = client.post("/api/v1/reports/999999", json={"status": "rejected"}, headers=admin)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/reports/999999", headers=admin).status_code == 404


def test_control_characters_in_a_report_are_refused_and_nothing_is_stored(client, app):
    store = app.extensions["khongvoi.store"]
    before = len(store.list_reports())
    for body, code in (
        ({"url": "https://a.vn/", "comment": "a\u0000b"}, "invalid_comment"),
        ({"url": "https://a.vn/\u0007", "comment": ""}, "invalid_url"),
    ):
        resp = client.post("/api/v1/reports", json=body)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
    ok = client.post("/api/v1/reports", json={"url": "https://a.vn/", "comment": "dòng 1\ndòng 2"})
    assert ok.status_code == 201
    assert len(store.list_reports()) == before + 1
