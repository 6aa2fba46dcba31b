"""Issue 15, point 8: statistics that say what to curate next, and audit times in Vietnam
time with the zone."""

from __future__ import annotations

import html
import re

PASSWORD = "mật-khẩu-thử-nghiệm-1"


def test_checks_counted_per_page_on_platforms_per_host_elsewhere(app, client):
    from tests.api.test_admin_api import auth

    for url in (
        "https://www.facebook.com/Trang.Gia.Mao/posts/1",
        "https://m.facebook.com/tranggiamao",
        "https://facebook.com/trang-khac",
        "https://tin.chua-biet.example/a",
        "https://chua-biet.example/b",
        "https://xn--b-y-t-s61b7g.vn/",
    ):
        assert client.get("/api/v1/check", query_string={"url": url}).status_code == 200
    client.post("/api/v1/check/batch", json={"urls": ["https://www.youtube.com/@KenhLa/x"]})
    store = app.extensions["khongvoi.store"]
    h = auth(store.create_key("CMS", "admin")[1])
    top = client.get("/api/v1/stats", headers=h).get_json()["top"]["unknown"]
    counts = {r["domain"]: r["checks"] for r in top}
    assert counts["facebook.com/tranggiamao"] == 2 and counts["facebook.com/trang-khac"] == 1
    assert counts["chua-biet.example"] == 2 and counts["youtube.com/@kenhla"] == 1
    assert "facebook.com" not in counts
    idn = next(r for r in top if r["domain"] == "xn--b-y-t-s61b7g.vn")
    assert idn["name_unicode"] == "bộ-y-tế.vn" and idn["verdict_now"] == "unknown"


def test_stats_page_has_headers_todays_verdict_and_a_prefilled_rule(app, client):
    for _ in range(3):
        client.get("/api/v1/check", query_string={"url": "https://www.facebook.com/gia.ubnd"})
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD})
    page = client.get("/admin/stats").get_data(as_text=True)
    table = page.split('data-testid="top-unknown"')[1].split("</table>")[0]
    assert '<th scope="col">Lượt kiểm tra</th>' in table
    row = table.split('data-key="facebook.com/giaubnd"')[1].split("</tr>")[0]
    assert "<td>3</td>" in row and 'data-verdict="unknown"' in row
    link = html.unescape(re.search(r'href="([^"]+)"', row).group(1))
    form = client.get(link).get_data(as_text=True)
    assert 'value="facebook.com/giaubnd"' in form
    client.post(
        "/admin/rules/new",
        data={
            "list": "deny",
            "pattern": "facebook.com/giaubnd",
            "name": "Giả",
            "category": "impersonation",
            "evidence": "e",
            "action": "save",
        },
    )
    page = client.get("/admin/stats").get_data(as_text=True)
    row = page.split('data-key="facebook.com/giaubnd"')[1].split("</tr>")[0]
    assert 'data-verdict="denied"' in row  # today's verdict, not the one counted
    # already listed: the row links to the rule that answers it, not to a new one
    rid = app.extensions["khongvoi.store"].find_rules(q="facebook.com/giaubnd")[1][0].id
    assert f'href="/admin/rules/{rid}"' in row and "Tạo quy tắc" not in row
    assert "/admin/rules/new" not in row
    from tests.api.test_admin_api import auth

    h = auth(app.extensions["khongvoi.store"].create_key("CMS", "admin")[1])
    api = client.get("/api/v1/stats", headers=h).get_json()["top"]["unknown"]
    assert next(r for r in api if r["domain"] == "facebook.com/giaubnd")["rule_id"] == rid


def test_audit_times_in_vietnam_time_with_the_zone(app, client):
    from server.admin.views import vietnam_time

    assert vietnam_time("2026-12-02T20:30:00+00:00") == "03/12/2026 03:30:00 (UTC+7)"
    assert vietnam_time("") == ""
    app.config["WTF_CSRF_ENABLED"] = False
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", PASSWORD, "admin")
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD})
    entry = store.list_audit(limit=1)[1][0]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert f'<time datetime="{entry.at}">{vietnam_time(entry.at)}</time>' in page
    assert "(UTC+7)" in page
