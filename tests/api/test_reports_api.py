"""``POST /api/v1/reports``: validation, storage, rate limit."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_RULES
from tests.live import make_test_app


def test_report_stored_with_current_verdict(client, app):
    resp = client.post(
        "/api/v1/reports",
        json={"url": "tin-gia-mao.com/bai", "verdict_seen": "denied", "kind": "wrongly_listed",
              "comment": "Trang này là của cơ quan tôi"},
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
    app = make_test_app(tmp_path, TEST_RULES, config={
        "RATELIMIT_ENABLED": True, "RATELIMIT_REPORTS": "2 per minute"})
    client = app.test_client()
    codes = [client.post("/api/v1/reports", json={"url": "a.vn"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    resp = client.post("/api/v1/reports", json={"url": "a.vn"})
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) > 0
    app.extensions["khongvoi.store"].dispose()
