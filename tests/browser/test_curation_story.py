"""Issue 15 end to end in a real Chromium against the real server on loopback: a user
reports a fake fanpage three times, the admin sees one row for that page, creates the
pre-filled deny rule after a preview, the reports close, the admin undoes the rule and the
check answers as before. Also: every admin page passes axe-core with no serious or critical
violation, and the pending and reports pages fit a 1280-px screen. Screenshots go to
``test-artifacts/`` (the README's are copied from there)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "mật-khẩu-thử-nghiệm-1"
PAGE = "facebook.com/baochinhphutinnong"
REPORTED = [
    "https://www.facebook.com/Bao.ChinhPhu.TinNong/posts/101",
    "https://m.facebook.com/baochinhphutinnong/videos/7",
    "https://www.facebook.com/baochinhphu.tinnong?ref=share",
]


@pytest.fixture(scope="module")
def server():
    from tests.live import LiveServer

    srv = LiveServer().start()
    srv.store.create_user("quantri", PASSWORD, "admin")
    yield srv
    srv.stop()


def shot(page, name, full_page=True):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=full_page)


def check(server, url):
    return requests.get(f"{server.url}/api/v1/check", params={"url": url}, timeout=5).json()


def signed_in(server, browser, width=1280):
    page = browser.new_page(locale="vi-VN", viewport={"width": width, "height": 800})
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Quy tắc')")
    return page


def test_a_reported_fake_page_becomes_a_rule_and_the_undo_restores_the_check(server, browser):
    before = [check(server, u) for u in REPORTED]
    assert {b["verdict"] for b in before} == {"unknown"}
    for url in REPORTED:  # what the extension's report button sends
        resp = requests.post(
            f"{server.url}/api/v1/reports",
            timeout=5,
            json={
                "url": url,
                "kind": "impersonation",
                "verdict_seen": "unknown",
                "comment": "Trang giả mạo Báo Chính phủ, xin tiền ủng hộ",
            },
        )
        assert resp.status_code == 201
    requests.post(
        f"{server.url}/api/v1/reports",
        timeout=5,
        json={
            "url": "https://www.facebook.com/trang.khac.hoan.toan",
            "kind": "missing",
            "comment": "bình luận của báo cáo khác",
        },
    )

    page = signed_in(server, browser)
    page.goto(f"{server.url}/admin/reports")
    rows = page.locator("tbody tr[data-pattern]")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.pattern)") == [
        PAGE,
        "facebook.com/trangkhachoantoan",
    ]
    row = page.locator(f"tr[data-pattern='{PAGE}']")
    assert row.locator("[data-testid=count]").inner_text() == "3"
    shot(page, "reports")

    row.locator("a:has-text('Tạo quy tắc')").click()
    page.wait_for_selector("h1:has-text('Thêm quy tắc')")
    assert page.input_value("#pattern") == PAGE
    assert page.input_value("#list") == "deny"
    assert page.input_value("#category") == "impersonation"
    evidence = page.input_value("#evidence")
    assert "3 báo cáo" in evidence and "báo cáo khác" not in evidence
    page.fill("#name", "Trang giả mạo Báo Chính phủ")
    page.click("button[value=preview]")
    after = page.locator("[data-testid=preview] td[data-after]")
    assert after.evaluate_all("els => els.map(e => e.dataset.after)") == ["denied"] * 3
    shot(page, "report-rule-preview")
    assert check(server, REPORTED[0])["verdict"] == "unknown"  # nothing saved by a preview
    page.click("button[value=save]")
    page.wait_for_selector(".flash:has-text('Đã đóng 3 báo cáo')")
    assert {check(server, u)["verdict"] for u in REPORTED} == {"denied"}

    page.goto(f"{server.url}/admin/reports")
    assert page.locator(f"tr[data-pattern='{PAGE}']").count() == 0
    assert page.locator("tr[data-pattern='facebook.com/trangkhachoantoan']").count() == 1
    statuses = [r.status for r in server.store.list_reports()]
    assert statuses == ["resolved"] * 3 + ["open"]

    page.goto(f"{server.url}/admin/audit")
    created = page.locator("tr[data-action=create]").first
    created.locator("button:has-text('Hoàn tác')").click()
    page.wait_for_selector(".flash:has-text('Đã hoàn tác')")
    assert page.locator("[data-testid=undone]").count() >= 1
    shot(page, "audit")
    # the undo reopens the three reports the rule had closed, each audited
    assert [r.status for r in server.store.list_reports()] == ["open"] * 4
    reopened = [e for e in server.store.list_audit(target_type="report")[1] if e.action == "open"]
    assert len(reopened) == 3 and all("hoàn tác" in e.reason for e in reopened)
    page.goto(f"{server.url}/admin/reports")
    assert page.locator(f"tr[data-pattern='{PAGE}']").count() == 1
    assert [check(server, u) for u in REPORTED] == [
        {**b, "lists_version": a["lists_version"]}
        for b, a in zip(before, [check(server, u) for u in REPORTED], strict=True)
    ]
    page.close()


ADMIN_PAGES = [
    "/admin/",
    "/admin/rules/new",
    "/admin/pending",
    "/admin/reports",
    "/admin/import",
    "/admin/stats",
    "/admin/audit",
    "/admin/people",
    "/admin/password",
]


def serious(results):
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_admin_page_passes_axe(server, browser, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    requests.post(
        f"{server.url}/api/v1/reports",
        timeout=5,
        json={"url": "https://gia-mao-axe.example/", "kind": "impersonation"},
    )
    page = browser.new_page(locale="vi-VN")
    page.goto(f"{server.url}/admin/login")
    found = {"/admin/login": serious(axe.run(page))}
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Quy tắc')")
    rule = server.store.find_rules(q="baochinhphu.vn")[1][0]
    for path in [
        *ADMIN_PAGES,
        f"/admin/rules/{rule.id}",
        f"/admin/rules/{rule.id}/delete",
        "/admin/audit/1/revert",
    ]:
        page.goto(server.url + path)
        found[path] = serious(axe.run(page))
    upload = tmp_path / "a.csv"
    upload.write_text(
        "Mẫu;Tên nguồn;Loại;Phạm vi;Bằng chứng\naxe-thu.vn;Báo;press_local;Huế;GP\n",
        encoding="utf-8",
    )
    page.goto(f"{server.url}/admin/import")
    page.set_input_files("#file", str(upload))
    page.select_option("#list", "allow")
    page.click("button[value=dry-run]")
    found["/admin/import (dry run)"] = serious(axe.run(page))
    page.close()
    assert {p: v for p, v in found.items() if v} == {}


@pytest.mark.parametrize("path", ["/admin/pending", "/admin/reports"])
def test_queues_fit_a_1280_px_screen(server, browser, path):
    for i in range(3):
        requests.post(
            f"{server.url}/api/v1/reports",
            timeout=5,
            json={
                "url": f"https://www.facebook.com/mot.trang.co.ten.rat.dai.de.thu.bo.cuc.{i}/posts/"
                + "9" * 40,
                "kind": "impersonation",
                "comment": "rất dài " * 40,
            },
        )
    page = signed_in(server, browser, 1280)
    page.goto(server.url + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, width
    shot(page, path.rsplit("/", 1)[1] + "-1280", full_page=False)
    page.close()
