"""The public check page and its web app in a real Chromium (with phone emulation).

Covers: the form without JavaScript, a shared message with a denied and an official link
through the share target, "Chia sẻ tiếp" only after the confirmation, the installed service
worker deciding listed links offline with the extension's matcher, no horizontal scrolling at
320 and 390 px, axe-core without serious violations, and the README's screenshots.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "docs" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}
MESSAGE = (
    "Khẩn: xem ngay https://tin-gia-mao.com/bai?utm_source=zalo — nguồn gốc tại "
    "https://tin-chinh-thong.vn/thong-bao"
)


def verdicts(page):
    return page.eval_on_selector_all(
        "article[data-testid=result]", "els => els.map(e => e.dataset.verdict)"
    )


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def serious(results):
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_form_works_without_javascript_on_a_phone(live_server, browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Liên kết hoặc nội dung cần kiểm tra").fill(MESSAGE)
    page.get_by_role("button", name="Kiểm tra").click()
    page.wait_for_selector("article[data-testid=result]")
    assert verdicts(page) == ["denied", "official"]
    assert page.locator("[data-testid=overall]").get_attribute("data-verdict") == "denied"
    assert page.locator("[data-testid=clean]").first.input_value() == "https://tin-gia-mao.com/bai"
    assert page.locator("button.copy").first.is_hidden()  # no script: nothing that cannot work
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "public-phone.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_no_horizontal_scrolling_and_axe_clean(live_server, browser, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(**{**PHONE, "viewport": {"width": width, "height": 800}})
    page = context.new_page()
    axe = Axe()
    found = {}
    for path in (
        "/",
        "/?q=" + quote(MESSAGE),
        "/?q=" + quote("https://baochinhphu-vn.com/x"),
        "/?q=xin+ch%C3%A0o",
        "/offline",
        "/?lang=en&q=" + quote(MESSAGE),
    ):
        page.goto(live_server.url + path)
        assert no_horizontal_scroll(page), path
        found[path] = serious(axe.run(page))
    context.close()
    assert {p: v for p, v in found.items() if v} == {}


def test_share_target_gates_sharing_on_with_the_confirmation(live_server, browser):
    context = browser.new_context(**PHONE)
    # Headless Chromium on Linux has no share sheet: record what the page hands to it.
    context.add_init_script("""
        window.__shared = [];
        Object.defineProperty(navigator, 'share',
                              {value: async (data) => { window.__shared.push(data); }});
    """)
    page = context.new_page()
    page.goto(
        live_server.url
        + "/share?title="
        + quote("Thông báo")
        + "&text="
        + quote("Đọc tại https://tin-gia-mao.com/x?fbclid=1")
        + "&url="
        + quote("https://tin-chinh-thong.vn/bai")
    )
    assert page.locator("h1").inner_text() == "Nội dung được chia sẻ vào Không Vội"
    assert verdicts(page) == ["denied", "official"]
    denied, official = page.locator("article[data-testid=result]").all()
    assert "KHÔNG đến từ nguồn chính thống" in denied.locator(".confirm").inner_text()
    share = official.locator("button.share")
    assert share.is_visible() and share.is_disabled()
    official.locator(".confirm-box").check()
    share.click()
    page.wait_for_function("() => window.__shared.length === 1")
    assert page.evaluate("window.__shared") == [{"url": "https://tin-chinh-thong.vn/bai"}]
    denied.locator(".confirm-box").check()
    denied.locator("button.share").click()
    page.wait_for_function("() => window.__shared.length === 2")
    assert page.evaluate("window.__shared[1].url") == "https://tin-gia-mao.com/x"  # clean link
    context.close()


def test_installed_service_worker_decides_listed_links_offline(live_server, browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("""async () => {
        const c = await caches.open('khongvoi-v1');
        return !!(await c.match('/api/v1/lists')) && !!(await c.match('/offline'));
    }""")
    context.set_offline(True)
    links = "https://tin-chinh-thong.vn/a tin-gia-mao.com/x https://chua-biet-den.vn/"
    page.goto(live_server.url + "/?q=" + quote(links))
    page.wait_for_selector("article[data-testid=result]")
    assert page.locator("h1").inner_text() == "Đang ngoại tuyến"
    assert verdicts(page) == ["official", "denied", "unchecked"]
    assert "Không kiểm tra được khi ngoại tuyến" in page.locator("main").inner_text()
    assert "phiên bản" in page.locator("[data-testid=lists-state]").inner_text()
    context.set_offline(False)
    page.goto(live_server.url + "/?q=" + quote("https://chua-biet-den.vn/"))
    assert verdicts(page) == ["unknown"]  # back online: the server decides again
    context.close()


def test_the_page_runs_the_shared_cases_with_the_extension_matcher(live_server, browser):
    doc = json.loads((ROOT / "tests" / "cases" / "matching.json").read_text(encoding="utf-8"))
    lines = (ROOT / "sources" / "wrappers.csv").read_text(encoding="utf-8").strip().split("\n")
    wrappers = [
        dict(zip(("host", "path", "kind", "param"), line.split(","), strict=False))
        for line in lines[1:]
    ]
    page = browser.new_page()
    page.goto(live_server.url + "/offline")
    got = page.evaluate(
        """async ([doc, wrappers]) => {
        const { Matcher } = await import('/public/lib/matcher.js');
        const m = new Matcher({version: 1, rules: doc.rules, wrappers, shorteners: []});
        return doc.cases.map(c => {
            const d = m.decide(c.url);
            return d.error ? {error: d.error} : {host: d.host, rule: d.rule?.pattern ?? null,
                                                 list: d.rule?.list ?? null, chain: d.chain};
        });
    }""",
        [doc, wrappers],
    )
    want = [
        {"error": c["error"]}
        if c.get("error")
        else {"host": c["host"], "rule": c["rule"], "list": c["list"], "chain": c["chain"]}
        for c in doc["cases"]
    ]
    assert len(want) > 20 and got == want
    page.close()


def test_desktop_screenshot(live_server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.goto(live_server.url + "/?q=" + quote(MESSAGE))
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(SHOTS / "public-desktop.png"), full_page=True)
    page.close()
