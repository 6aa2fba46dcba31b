"""Issue 15, point 1: reports become usable rules (admin API and web admin, no browser)."""

from __future__ import annotations

import pytest

from server.report_patterns import suggested_pattern
from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"
FAKE = "https://www.facebook.com/Bao.ChinhPhu.TinNong"


@pytest.mark.parametrize(
    ("url", "pattern"),
    [
        (
            "https://www.facebook.com/Bao.ChinhPhu.TinNong/posts/123?ref=x",
            "facebook.com/baochinhphutinnong",
        ),
        ("https://m.facebook.com/baochinhphutinnong", "facebook.com/baochinhphutinnong"),
        ("https://m.facebook.com/profile.php?id=000123&x=1", "facebook.com/profile.php?id=123"),
        (
            "https://www.facebook.com/groups/ToDanPho.So3/posts/9",
            "facebook.com/groups/todanpho.so3",
        ),
        ("https://www.youtube.com/@KenhGia/videos", "youtube.com/@kenhgia"),
        ("https://tin.bao-gia.com.vn/a/b", "bao-gia.com.vn"),
        ("https://www.bao-gia.vn/", "bao-gia.vn"),
        ("https://ten-gia.blogspot.com/2026/01/x.html", "ten-gia.blogspot.com"),
        ("http://203.0.113.9/login", "203.0.113.9"),
    ],
)
def test_suggested_pattern_is_the_narrowest_rule_in_canonical_form(url, pattern):
    from server.core import Checker

    result = Checker(rules=[]).check(url)
    assert suggested_pattern(result.canonical_url, result.host) == pattern


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


def report(client, url, kind="impersonation", comment=""):
    resp = client.post("/api/v1/reports", json={"url": url, "kind": kind, "comment": comment})
    assert resp.status_code == 201
    return resp.get_json()["id"]


def test_reports_carry_their_pattern_and_a_saved_rule_resolves_them(app, client, h):
    ids = [report(client, f"{FAKE}/posts/{i}", comment=f"giả mạo {i}") for i in range(3)]
    other = report(client, "https://www.facebook.com/ubnd.that/", kind="missing")
    items = client.get("/api/v1/reports?status=open", headers=h).get_json()["items"]
    patterns = {r["id"]: r["suggested_pattern"] for r in items}
    assert {patterns[i] for i in ids} == {"facebook.com/baochinhphutinnong"}
    assert patterns[other] == "facebook.com/ubndthat"

    resp = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "facebook.com/baochinhphutinnong",
            "name": "Giả mạo",
            "category": "impersonation",
            "evidence": "báo cáo #1-#3",
            "reason": "giả mạo",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert sorted(resp.get_json()["resolved_reports"]) == sorted(ids)
    statuses = {
        r["id"]: r["status"] for r in client.get("/api/v1/reports", headers=h).get_json()["items"]
    }
    assert [statuses[i] for i in ids] == ["resolved"] * 3 and statuses[other] == "open"
    logged = app.extensions["khongvoi.store"].list_audit(target_type="report")[1]
    assert {e.target_id for e in logged} == set(ids)
    assert all("facebook.com/baochinhphutinnong" in e.reason for e in logged)


def test_bulk_triage_needs_a_reason_and_is_all_or_nothing(app, client, h):
    ids = [report(client, f"https://spam-{i}.example/") for i in range(3)]
    for body, code in (
        ({"ids": ids, "status": "rejected"}, "invalid_reason"),
        ({"ids": ids, "status": "open", "reason": "x"}, "invalid_status"),
        ({"ids": [], "status": "rejected", "reason": "x"}, "invalid_ids"),
        ({"ids": ["1"], "status": "rejected", "reason": "x"}, "invalid_ids"),
    ):
        resp = client.post("/api/v1/reports/bulk", headers=h, json=body)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == code
    missing = client.post(
        "/api/v1/reports/bulk",
        headers=h,
        json={"ids": [*ids, 999999], "status": "rejected", "reason": "rác"},
    )
    assert missing.status_code == 404
    store = app.extensions["khongvoi.store"]
    assert {r.status for r in store.list_reports()} == {"open"}
    ok = client.post(
        "/api/v1/reports/bulk",
        headers=h,
        json={"ids": ids, "status": "rejected", "reason": "thư rác"},
    )
    assert ok.status_code == 200 and sorted(ok.get_json()["changed"]) == ids
    assert {r["status"] for r in ok.get_json()["items"]} == {"rejected"}
    assert {e.reason for e in store.list_audit(target_type="report")[1]} == {"thư rác"}
    again = client.post(
        "/api/v1/reports/bulk",
        headers=h,
        json={"ids": ids, "status": "rejected", "reason": "thư rác"},
    )
    assert again.get_json()["changed"] == []


@pytest.fixture
def admin(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    assert (
        client.post("/admin/login", data={"username": "quantri", "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_web_reports_grouped_per_page_with_their_own_evidence(app, admin):
    import html
    import re
    from urllib.parse import parse_qs, urlsplit

    ids = [report(admin, f"{FAKE}/posts/{i}", comment=f"lừa đảo {i}") for i in range(3)]
    report(admin, "https://www.facebook.com/ubnd.that/", kind="missing", comment="KHÁC")
    page = admin.get("/admin/reports").get_data(as_text=True)
    rows = re.findall(r'<tr data-pattern="([^"]+)"', page)
    assert rows == ["facebook.com/baochinhphutinnong", "facebook.com/ubndthat"]
    row = page.split('data-pattern="facebook.com/baochinhphutinnong"')[1].split("</tr>")[0]
    assert '<td data-testid="count">3</td>' in row
    link = html.unescape(re.search(r'href="(/admin/rules/new\?[^"]+)"', row).group(1))
    form = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert form["pattern"] == "facebook.com/baochinhphutinnong" and form["list"] == "deny"
    assert form["category"] == "impersonation"
    assert all(f"#{i}" in form["evidence"] for i in ids) and "KHÁC" not in form["evidence"]
    filled = admin.get(link).get_data(as_text=True)
    assert 'value="facebook.com/baochinhphutinnong"' in filled

    saved = admin.post(
        "/admin/rules/new",
        data={**form, "name": "Trang giả mạo", "action": "save"},
        follow_redirects=True,
    )
    assert "Đã đóng 3 báo cáo" in saved.get_data(as_text=True)
    page = admin.get("/admin/reports").get_data(as_text=True)
    assert re.findall(r'<tr data-pattern="([^"]+)"', page) == ["facebook.com/ubndthat"]


def test_web_bulk_close_with_reason(app, admin):
    ids = [report(admin, f"https://rac-{i}.example/x") for i in range(2)]
    store = app.extensions["khongvoi.store"]
    admin.post("/admin/reports/close", data={"ids": [str(i) for i in ids], "status": "rejected"})
    assert {r.status for r in store.list_reports()} == {"open"}  # no reason: nothing
    done = admin.post(
        "/admin/reports/close",
        data={"ids": [str(i) for i in ids], "status": "rejected", "reason": "rác"},
        follow_redirects=True,
    )
    assert "Đã đóng 2 báo cáo" in done.get_data(as_text=True)
    assert {r.status for r in store.list_reports()} == {"rejected"}


def test_undoing_the_rule_reopens_the_reports_it_resolved(app, client, h):
    store = app.extensions["khongvoi.store"]
    ids = [report(client, f"{FAKE}/posts/{i}") for i in range(3)]
    rid = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "facebook.com/baochinhphutinnong",
            "name": "Giả mạo",
            "category": "impersonation",
            "evidence": "báo cáo",
            "reason": "giả mạo",
        },
    ).get_json()["id"]
    # one of them is rejected by hand afterwards: the undo leaves that decision alone
    assert (
        client.post(
            f"/api/v1/reports/{ids[2]}", headers=h, json={"status": "rejected", "reason": "trùng"}
        ).status_code
        == 200
    )
    entry = store.list_audit(target_type="rule", target_id=rid)[1][0]
    undo = client.post(f"/api/v1/audit/{entry.id}/revert", headers=h)
    assert undo.status_code == 200, undo.get_json()
    statuses = {r.id: r.status for r in store.list_reports()}
    assert [statuses[i] for i in ids] == ["open", "open", "rejected"]
    reopened = [e for e in store.list_audit(target_type="report")[1] if e.action == "open"]
    assert sorted(e.target_id for e in reopened) == ids[:2]
    assert all(f"#{entry.id}" in e.reason and e.before == {"status": "resolved"} for e in reopened)
