"""The web admin in a real Chromium against the real server on loopback.

Signs in, adds an allow rule after a preview, sees the check API answer `official`, edits
it, deletes it, undoes the delete from the audit log. Screenshots of each page are saved to
``test-artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture(scope="module")
def admin_server():
    from tests.live import LiveServer

    server = LiveServer().start()
    server.store.create_user("quantri", PASSWORD, "admin")
    yield server
    server.stop()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)


def verdict(server, url):
    return requests.get(f"{server.url}/api/v1/check", params={"url": url}, timeout=5).json()[
        "verdict"
    ]


def test_admin_flow(admin_server, browser):
    page = browser.new_page(locale="vi-VN")
    base = admin_server.url
    page.goto(f"{base}/admin/")
    assert page.url.startswith(f"{base}/admin/login")
    page.fill("#username", "quantri")
    page.fill("#password", "sai-mat-khau")
    page.click("button[type=submit]")
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.inner_text("[data-testid=login-error]")
    shot(page, "login")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Quy tắc')")
    shot(page, "rules")

    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "unknown"
    page.goto(f"{base}/admin/rules/new")
    page.fill("#pattern", "https://www.Bao-Moi-Thu.vn/")
    page.fill("#name", "Báo Mới Thử")
    page.select_option("#category", "press_local")
    page.fill("#evidence", "Giấy phép số 1/GP")
    page.fill(
        "#preview_urls", "https://bao-moi-thu.vn/a\nhttps://tin.bao-moi-thu.vn/b\nexample.org"
    )
    page.click("button[value=preview]")
    cells = page.locator("[data-testid=preview] td[data-after]")
    assert cells.evaluate_all("els => els.map(e => e.dataset.after)") == [
        "official",
        "official",
        "unknown",
    ]
    shot(page, "preview")
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "unknown"  # not saved yet
    page.click("button[value=save]")
    page.wait_for_selector(".flash")
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "official"

    page.click("a:has-text('bao-moi-thu.vn')")
    page.select_option("#list", "deny")
    page.fill("#reason", "trang giả mạo")
    page.click("button[value=save]")
    page.wait_for_selector(".flash")
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "denied"

    page.fill("input[name=q]", "bao-moi-thu")
    page.click("button:has-text('Lọc')")
    page.click("a[aria-label='Xóa bao-moi-thu.vn']")
    page.click("button:has-text('Xóa quy tắc')")  # no reason, no tick: nothing is deleted
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "denied"
    page.fill("#reason", "trang đã gỡ")
    page.check("#confirm")
    shot(page, "delete")
    page.click("button:has-text('Xóa quy tắc')")
    page.wait_for_selector(".flash:has-text('Đã xóa')")
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "unknown"

    page.goto(f"{base}/admin/audit")
    shot(page, "audit")
    page.locator("tr[data-action=delete]").first.locator("button").click()
    page.wait_for_selector(".flash:has-text('Đã hoàn tác')")
    assert verdict(admin_server, "https://bao-moi-thu.vn/a") == "denied"
    page.close()


def test_form_errors_in_vietnamese(admin_server, browser):
    page = browser.new_page()
    page.goto(f"{admin_server.url}/admin/login")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{admin_server.url}/admin/rules/new")
    page.fill("#pattern", "facebook.com")
    page.fill("#evidence", "x")
    page.click("button[value=save]")
    assert "nền tảng dùng chung" in page.inner_text("[data-testid=form-error]")
    page.close()


def _signed_in(server, browser):
    page = browser.new_page(locale="vi-VN")
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Quy tắc')")
    return page


def test_import_pending_and_stats(admin_server, browser, tmp_path):
    page = _signed_in(admin_server, browser)
    bad = tmp_path / "moi.csv"
    bad.write_text(
        "\ufeffpattern,name,category,scope,evidence\r\n"
        "nhap-thu-1.vn,Báo Nhập Thử,press_local,national,GP 2\r\n"
        "facebook.com,Sai,press_local,national,x\r\n",
        encoding="utf-8",
    )
    page.goto(f"{admin_server.url}/admin/import")
    page.set_input_files("#file", str(bad))
    page.select_option("#list", "allow")
    page.click("button[value=dry-run]")
    assert page.inner_text("[data-testid=invalid]") == "1"
    assert "3" in page.inner_text("[data-testid=errors]")  # the bad row's line number
    shot(page, "import-dry-run")
    assert verdict(admin_server, "https://nhap-thu-1.vn/") == "unknown"  # nothing applied

    good = tmp_path / "tot.csv"
    good.write_text(
        "pattern,name,category,scope,evidence\n"
        "nhap-thu-1.vn,Báo Nhập Thử,press_local,national,GP 2\n",
        encoding="utf-8",
    )
    page.goto(f"{admin_server.url}/admin/import")
    page.set_input_files("#file", str(good))
    page.select_option("#list", "allow")
    page.click("button[value=dry-run]")
    assert page.inner_text("[data-testid=added]") == "1"
    page.click("button[value=apply]")
    page.wait_for_selector(".flash:has-text('Đã nhập')")
    assert verdict(admin_server, "https://nhap-thu-1.vn/") == "official"

    page.goto(f"{admin_server.url}/admin/pending")
    row = page.locator("tr[data-pattern='tuyengiao.vn']")
    assert row.locator("select").input_value() == ""  # nothing chosen in advance
    row.locator("select").select_option("allow")
    row.locator("input[name=reason]").fill("Đã xác minh trên cổng của Ban")
    row.locator("button").click()  # no evidence of one's own: refused
    page.wait_for_selector(".flash:has-text('bằng chứng của chính bạn')")
    assert verdict(admin_server, "https://tuyengiao.vn/") != "official"
    row = page.locator("tr[data-pattern='tuyengiao.vn']")
    row.locator("select").select_option("allow")
    row.locator("input[name=evidence]").fill("https://dangcongsan.vn/ (liên kết chân trang)")
    row.locator("input[name=reason]").fill("Đã xác minh trên cổng của Ban")
    row.locator("button").click()
    page.wait_for_selector(".flash:has-text('Đã duyệt')")
    shot(page, "pending")
    assert verdict(admin_server, "https://tuyengiao.vn/") == "official"

    for url in (
        "https://chua-biet-1.example/",
        "https://chua-biet-1.example/b",
        "https://tuoitre.com/x",
    ):
        verdict(admin_server, url)
    page.goto(f"{admin_server.url}/admin/stats")
    assert page.locator("[data-testid=chart] rect").count() >= 2
    assert "chua-biet-1.example" in page.inner_text("[data-testid=top-unknown]")
    shot(page, "stats")
    page.close()
