"""The threat-feeds admin page in a real Chromium against the real server on loopback:
subscribe to a feed file, see the conflict and the check API answer ``denied``, remove it,
undo the removal."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.browser

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture(scope="module")
def server():
    from tests.conftest import TEST_RULES
    from tests.live import LiveServer

    feeds = tempfile.TemporaryDirectory()
    Path(feeds.name, "canhbao.txt").write_text(
        "lua-dao-thu.com\ntin-chinh-thong.vn\n", encoding="utf-8"
    )
    srv = LiveServer(extra_rules=TEST_RULES, config={"FEEDS_DIR": feeds.name}).start()
    srv.store.create_user("quantri", PASSWORD, "admin")
    yield srv
    srv.stop()
    feeds.cleanup()


def _verdict(server, url):
    return requests.get(f"{server.url}/api/v1/check", params={"url": url}, timeout=5).json()[
        "verdict"
    ]


def test_feeds_page_flow(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        page = browser.new_page(locale="vi-VN")
        page.goto(f"{server.url}/admin/login")
        page.fill("#username", "quantri")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Quy tắc')")
        page.click("header a:has-text('Nguồn cảnh báo')")
        page.wait_for_selector("table[data-ready=feeds]")
        page.fill("#feed-name", "canhbao")
        page.fill("#feed-source", "canhbao.txt")
        page.select_option("#feed-format", "domains")
        page.click("button:has-text('Thêm và cập nhật')")
        page.wait_for_selector("tr[data-feed=canhbao]")
        assert "canhbao: đã cập nhật, 2 mục" in page.inner_text("[role=status]")
        assert "tin-chinh-thong.vn" in page.inner_text("tr.conflict")
        assert _verdict(server, "https://lua-dao-thu.com/") == "denied"
        assert _verdict(server, "https://tin-chinh-thong.vn/") == "official"
        page.click("tr[data-feed=canhbao] button:has-text('Gỡ')")
        page.wait_for_selector("text=Đã gỡ nguồn “canhbao”")
        assert _verdict(server, "https://lua-dao-thu.com/") == "unknown"
        page.click("tr[data-entry]:has-text('delete feed') button:has-text('Hoàn tác')")
        page.wait_for_selector("tr[data-feed=canhbao]")
        assert "Đã hoàn tác mục" in page.inner_text("[role=status]")
        assert _verdict(server, "https://lua-dao-thu.com/") == "denied"
        browser.close()
