"""The extension in a real Chromium against the real server, real hostnames mapped to loopback.

The unpacked extension is loaded in a persistent context; a stub site on a free port answers
for every hostname (``--host-resolver-rules``), including a stub Facebook sharer. Screenshots
of the popup and the gate go to ``test-artifacts/``.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import TEST_RULES

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


class _Stub(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (f"<!doctype html><title>stub</title><p id=stub>{self.headers['Host']}{self.path}"
                "</p><textarea id=compose aria-label=compose></textarea>")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A TLS stub site (facebook.com is HSTS-preloaded: Chromium only ever asks it over https)."""
    tmp = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=stub.test", "-keyout", str(tmp / "key.pem"),
                    "-out", str(tmp / "cert.pem")], check=True, capture_output=True)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(tmp / "cert.pem", tmp / "key.pem")
    httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def api_server():
    from tests.live import LiveServer

    server = LiveServer(extra_rules=TEST_RULES).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ext(tmp_path_factory, api_server):
    from playwright.sync_api import sync_playwright

    directory = str(ROOT / "extension")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path="/usr/bin/chromium",
            headless=False, locale="vi-VN",
            args=[
                "--headless=new", "--no-sandbox", "--disable-background-networking",
                "--disable-component-update", "--disable-gpu", "--ignore-certificate-errors",
                f"--disable-extensions-except={directory}", f"--load-extension={directory}",
                "--host-resolver-rules=MAP * 127.0.0.1", "--lang=vi"])
        worker = context.service_workers[0] if context.service_workers else (
            context.wait_for_event("serviceworker"))
        ext_id = worker.url.split("/")[2]
        yield context, ext_id
        context.close()


def _set_server(context, ext_id, server_url):
    page = context.new_page()
    page.goto(f"chrome-extension://{ext_id}/options/options.html")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#server", server_url)
    page.click("button[type=submit]")
    page.wait_for_selector("#status[data-state=saved]")
    page.close()


def _popup(context, ext_id, url):
    page = context.new_page()
    page.goto(f"chrome-extension://{ext_id}/popup/popup.html?url={quote(url, safe='')}")
    page.wait_for_selector("body[data-ready=true]")
    return page


def test_options_then_popup_official_and_denied(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    page = _popup(context, ext_id, f"http://tin-chinh-thong.vn:{site}/bai-viet")
    assert page.get_attribute("body", "data-verdict") == "official"
    print("popup verdict shown after", page.get_attribute("body", "data-ms"), "ms")  # README
    assert "Nguồn chính thống" in page.inner_text("[data-testid=verdict]")
    assert "Báo Thử Nghiệm" in page.inner_text("#card")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "extension-popup-official.png"))
    page.close()
    page = _popup(context, ext_id, "https://tin-gia-mao.com/tin")
    assert page.get_attribute("body", "data-verdict") == "denied"
    page.screenshot(path=str(ARTIFACTS / "extension-popup-denied.png"))
    page.close()
    page = _popup(context, ext_id, "https://baochinhphu-news.com/x")  # unlisted: asks the server
    assert page.get_attribute("body", "data-verdict") == "suspicious"
    assert "baochinhphu.vn" in page.inner_text("#card")
    page.close()
    page = _popup(context, ext_id, "https://gооgle.com/")  # Cyrillic о: imitates no source
    assert page.get_attribute("body", "data-verdict") == "suspicious"
    card = page.inner_text("#card")
    assert "gооgle.com (xn--ggle-55da.com)" in card  # the host in both forms
    assert "Trang này bắt chước: google.com" in card and "()" not in card
    page.close()


def test_share_gate_unknown_needs_the_5_khong(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    page = context.new_page()
    share = f"https://www.facebook.com:{site}/sharer/sharer.php?u={quote('https://example.org/tin')}"
    page.goto(share)
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.startswith(f"chrome-extension://{ext_id}/gate/gate.html")
    assert page.get_attribute("body", "data-verdict") == "unknown"
    assert page.is_disabled("#continue")
    page.screenshot(path=str(ARTIFACTS / "extension-gate-unknown.png"))
    page.check("#tick")
    assert page.is_enabled("#continue")
    page.click("#continue")
    page.wait_for_url(f"https://www.facebook.com:{site}/**", timeout=10000)
    page.wait_for_selector("#stub")
    assert "/sharer/sharer.php" in page.inner_text("#stub")
    page.close()


def test_share_gate_official_one_click_and_denied_needs_override(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    page = context.new_page()
    page.goto(f"https://www.facebook.com:{site}/sharer/sharer.php?u="
              f"{quote('https://xaydungchinhsach.baochinhphu.vn/abc')}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("body", "data-verdict") == "official"
    print("gate decided an official link in", page.get_attribute("body", "data-ms"), "ms")
    page.click("#continue")
    page.wait_for_selector("#stub")
    page.goto(f"https://www.facebook.com:{site}/sharer.php?u={quote('https://tin-gia-mao.com/a')}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("body", "data-verdict") == "denied"
    assert page.is_disabled("#continue") and not page.is_visible("#tick")
    page.check("#override")
    assert page.is_enabled("#continue")
    page.close()


def test_server_down_still_decides_listed_hosts(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)  # snapshot loaded while the server was up
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    _set_server(context, ext_id, closed)
    page = _popup(context, ext_id, "https://example.org/unlisted")
    assert page.get_attribute("body", "data-verdict") == "unknown"
    assert "Không kết nối được máy chủ" in page.inner_text("#card")
    page.close()
    page = _popup(context, ext_id, "https://baochinhphu.vn/a")
    assert page.get_attribute("body", "data-verdict") == "official"
    page.close()
    _set_server(context, ext_id, api_server.url)


def _paste(page, text):
    page.focus("#compose")
    page.evaluate("""text => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        document.querySelector("#compose").dispatchEvent(
            new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""", text)


def test_paste_guard_card(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    page = context.new_page()
    page.goto(f"https://www.facebook.com:{site}/compose")
    page.wait_for_selector("#compose")
    _paste(page, "xem tin này https://baochinhphu.vn/a")
    page.wait_for_timeout(300)  # give a (wrong) card time to appear: there must be none
    assert page.locator("khong-voi-card").count() == 0
    _paste(page, "https://tin-gia-mao.com/bai-viet")
    card = page.wait_for_selector("khong-voi-card[data-verdict=denied]")
    box = card.bounding_box()
    assert box and box["width"] > 100
    page.screenshot(path=str(ARTIFACTS / "extension-paste-card.png"))
    page.keyboard.press("Escape")
    page.wait_for_selector("khong-voi-card", state="detached")
    page.close()


def test_context_menu_opens_the_verdict(ext, api_server):
    """Headless Chromium shows no context menu: call its click handler as the menu would."""
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    worker = context.service_workers[0]
    with context.expect_page() as opened:
        worker.evaluate("khongVoi.openCheck({selectionText: 'tin-gia-mao.com/bai'})")
    page = opened.value
    page.wait_for_selector("body[data-ready=true]")
    assert page.url.startswith(f"chrome-extension://{ext_id}/popup/popup.html?url=")
    assert page.get_attribute("body", "data-verdict") == "denied"
    page.close()


def test_report_and_copy_gate(ext, api_server):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    page = _popup(context, ext_id, "https://example.org/tin-la?utm_source=fb")
    assert page.get_attribute("body", "data-verdict") == "unknown"
    assert page.is_disabled("#copy")  # not official: the 5 không must be ticked first
    page.check("#tick")
    assert page.is_enabled("#copy")
    before = len(api_server.store.list_reports())
    page.fill("#comment", "Trang lạ, nghi giả mạo")
    page.click("#report")
    page.wait_for_selector("#status[data-reported=true]")
    reports = api_server.store.list_reports()
    assert len(reports) == before + 1
    assert reports[-1].comment == "Trang lạ, nghi giả mạo" and reports[-1].verdict_seen == "unknown"
    page.close()


def test_badge_shows_listed_verdicts_as_pages_load(ext, api_server, site):
    context, ext_id = ext
    _set_server(context, ext_id, api_server.url)
    worker = context.service_workers[0]
    for host, text in (("tin-chinh-thong.vn", "✓"), ("tin-gia-mao.com", "✕"),
                       ("chua-biet.example", "")):
        page = context.new_page()
        page.goto(f"https://{host}:{site}/bai")
        page.wait_for_selector("#stub")
        badge = None
        for _ in range(50):  # the badge is set by the tabs.onUpdated listener
            badge = worker.evaluate("""async () => {
                const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
                return tab ? chrome.action.getBadgeText({tabId: tab.id}) : null;
            }""")
            if badge == text:
                break
            page.wait_for_timeout(100)
        assert badge == text, host
        page.close()
