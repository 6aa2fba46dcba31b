"""The same end-to-end flows as in Chromium, in Debian's Firefox ESR through Marionette: popup
verdicts, the gate on Facebook, X and Telegram (and that a page cannot open it), Zalo's button
frame and intents in frames, the paste card (Facebook, X, Telegram) and its Alt+Shift+K
command typed for real, the context menu on a sentence, the server down, hung or busy, the
badge, the report and IT's enterprise policy. Real server, TLS stub site, every hostname on
loopback.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.ext_support import (
    FailingApi,
    closed_port_url,
    recorded_server,
    stub_seen,
    stub_site,
)
from tests.browser.firefox_harness import ADDON_ID, BASE, FirefoxSession, firefox_binary

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(firefox_binary() is None, reason="firefox-esr not installed (make firefox)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with stub_site(tmp_path_factory.mktemp("tls")) as port:
        yield port


@pytest.fixture(scope="module")
def api_server():
    with recorded_server() as server:
        yield server


@pytest.fixture(scope="module")
def ff(tmp_path_factory, api_server):
    with FirefoxSession(tmp_path_factory.mktemp("firefox")) as session:
        session.set_server(api_server.url)
        yield session


def _popup(ff, url):
    ff.open_ext(f"popup/popup.html?url={quote(url, safe='')}")


def test_firefox_popup_verdicts(ff, site):
    t0 = time.monotonic()
    _popup(ff, f"https://tin-chinh-thong.vn:{site}/bai")
    print(
        "firefox popup (listed host):",
        ff.body("ms"),
        "ms in the page,",
        round((time.monotonic() - t0) * 1000),
        "ms with navigation",
    )
    assert ff.body("verdict") == "official"
    assert "Báo Thử Nghiệm" in ff.js("return document.getElementById('card').innerText")
    _popup(ff, "https://tin-gia-mao.com/x")
    assert ff.body("verdict") == "denied"
    assert "Bị chặn với danh nghĩa: Giả mạo Báo Thử Nghiệm" in ff.js(
        "return document.getElementById('card').innerText"
    )
    _popup(ff, "https://baochinhphu-news.com/x")  # unlisted: the server decides
    assert ff.body("verdict") == "suspicious"


def _switch_to_new_window(ff, before, what):
    """Wait for the one window not in ``before`` to open, switch to it, return its handle."""
    deadline = time.monotonic() + 15
    while not set(ff.m.window_handles) - before:
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    (handle,) = set(ff.m.window_handles) - before
    ff.m.switch_to_window(handle)
    return handle


def _share(ff, site, intent):
    ff.m.navigate(f"https://news.example:{site}/bai")
    ff.js("location.href = arguments[0];", intent)
    ff.wait_url(f"{BASE}/gate/gate.html#")
    ff.wait("document.body && document.body.dataset.ready === 'true'")


@pytest.mark.parametrize(
    ("intent", "verdict"),
    [
        (
            "https://www.facebook.com:{port}/sharer/sharer.php?u=https%3A%2F%2Fbaochinhphu.vn%2Fa",
            "official",
        ),
        (
            "https://x.com:{port}/intent/post?url=https%3A%2F%2Fbaochinhphu.vn%2Fa"
            "&text=" + quote("và https://tin-gia-mao.com/b"),
            "denied",
        ),
        ("https://t.me:{port}/share/url?url=https%3A%2F%2Fexample.org%2Ftin", "unknown"),
    ],
)
def test_firefox_gate_on_facebook_x_telegram(ff, site, intent, verdict):
    url = intent.format(port=site)
    t0 = time.monotonic()
    _share(ff, site, url)
    print(
        "firefox gate:",
        round((time.monotonic() - t0) * 1000),
        "ms from the page load to the verdict",
    )
    assert ff.body("verdict") == verdict
    reached = url.split("://", 1)[1]
    assert reached not in stub_seen()  # held before any request left
    if verdict == "official":
        assert not ff.js("return document.getElementById('continue').disabled")
        print("firefox gate (official link):", ff.body("ms"), "ms")
    elif verdict == "unknown":
        ff.js("document.getElementById('tick').click()")
    else:
        assert ff.js("return document.getElementById('continue').disabled")
        ff.js("document.getElementById('override').click()")
    ff.js("document.getElementById('continue').click()")
    ff.wait_url(reached.split("/", 1)[0])
    ff.wait("document.getElementById('stub')")
    assert ff.js("return document.getElementById('stub').textContent") == reached
    assert stub_seen().count(reached) == 1
    # allow-once: the same intent is gated again
    ff.m.navigate(f"https://news.example:{site}/bai")
    ff.js("location.href = arguments[0];", url)
    ff.wait_url(f"{BASE}/gate/gate.html#")


def test_firefox_zalo_button_window_and_framed_intent_are_gated(ff, site):
    """Zalo's button frame draws; the window its click opens stops at the gate with the
    button's link; an intent loaded in a frame is blocked there and gated in a tab of its own."""
    from marionette_driver.by import By

    main = ff.m.current_window_handle
    button = f"https://sp.zalo.me:{site}/plugins/share?oaid=1&href=" + quote(
        "https://tin-gia-mao.com/zf", safe=""
    )
    ff.m.navigate(f"https://news.example:{site}/frame?src=" + quote(button, safe=""))
    ff.wait("document.getElementById('f')")
    ff.m.switch_to_frame(ff.m.find_element(By.ID, "f"))
    ff.wait("document.getElementById('zshare')")  # the button's frame was not blocked
    before = set(ff.m.window_handles)
    ff.m.find_element(By.ID, "zshare").click()
    ff.m.switch_to_parent_frame()
    _switch_to_new_window(ff, before, "no share window")
    ff.wait_url(f"{BASE}/gate/gate.html#")
    ff.wait("document.body && document.body.dataset.ready === 'true'")
    assert ff.body("verdict") == "denied"
    assert ff.js("return document.getElementById('shared').textContent") == (
        "https://tin-gia-mao.com/zf"
    )
    ff.m.close()
    ff.m.switch_to_window(main)
    intent = f"https://zalo.me:{site}/share?url=" + quote("https://example.org/ff", safe="")
    before = set(ff.m.window_handles)
    ff.m.navigate(f"https://news.example:{site}/frame?src=" + quote(intent, safe=""))
    gate = _switch_to_new_window(ff, before, "no gate tab")
    ff.wait_url(f"{BASE}/gate/gate.html#")
    ff.wait("document.body && document.body.dataset.ready === 'true'")
    assert ff.js("return document.getElementById('shared').textContent") == (
        "https://example.org/ff"
    )
    assert intent.split("://", 1)[1] not in stub_seen()
    ff.js("document.getElementById('back').click()")
    deadline = time.monotonic() + 15
    while gate in ff.m.window_handles:  # "Quay lại" closes the gate's tab
        assert time.monotonic() < deadline, "gate tab not closed"
        time.sleep(0.05)
    ff.m.switch_to_window(main)


def test_firefox_gate_refuses_forged_intents(ff, site):
    ff.m.navigate(f"https://news.example:{site}/bai")
    forged = f"{BASE}/gate/gate.html#https://evil.example/login?u=https://chinhphu.vn/"
    outcome = ff.js(
        "try { location.href = arguments[0]; return 'asked'; } catch (e) { return 'refused'; }",
        forged,
    )
    time.sleep(1)
    assert outcome == "refused" or not ff.m.get_url().startswith(f"{BASE}/gate/")
    assert not ff.m.get_url().startswith(f"{BASE}/gate/")  # not web-accessible
    ff.m.navigate(forged)  # even typed by hand, it vouches for nothing
    ff.wait("document.body && document.body.dataset.ready === 'true'")
    assert ff.body("verdict") == "invalid"
    assert ff.js("return document.getElementById('continue').disabled")


def _paste(ff, element_id, text):
    """A real paste: ``text`` on Firefox's clipboard, then Ctrl+V in the element."""
    from marionette_driver.by import By
    from marionette_driver.keys import Keys

    with ff.m.using_context("chrome"):
        ff.m.execute_script(
            'Cc["@mozilla.org/widget/clipboardhelper;1"]'
            ".getService(Ci.nsIClipboardHelper).copyString(arguments[0]);",
            script_args=[text],
        )
    box = ff.m.find_element(By.ID, element_id)
    box.send_keys(Keys.CONTROL + "v")
    return box


def test_firefox_paste_card(ff, site):
    """A real paste: the text is put on Firefox's clipboard, then Ctrl+V in the compose box."""
    from marionette_driver.keys import Keys

    ff.m.navigate(f"https://www.facebook.com:{site}/compose")
    ff.wait("document.getElementById('compose')")
    box = _paste(ff, "compose", "Tin nóng: tin-gia-mao.com/abc")
    ff.wait("document.querySelector('khong-voi-card[data-verdict=denied]')")
    assert ff.js("return document.querySelector('khong-voi-card').dataset.source") == (
        "Giả mạo Báo Thử Nghiệm"
    )
    assert ff.js("return document.activeElement.id") == "compose"
    box.send_keys(" gia ")
    assert ff.js("return document.getElementById('compose').value") == (
        "Tin nóng: tin-gia-mao.com/abc gia "
    )
    assert ff.js("return document.querySelectorAll('khong-voi-card').length") == 1
    box.send_keys(Keys.ESCAPE)
    ff.wait("!document.querySelector('khong-voi-card')")
    assert ff.js("return window.wrappedJSObject.escapes") == 0  # the composer never saw it


def _press(ff, *keys):
    """Keys pressed together and released, typed as the keyboard does: through Firefox's own
    input (nsITextInputProcessor, what its test suites use) into the focused page, so that
    Firefox's key handling sees them (Marionette's key actions never reach the shortcuts)."""
    with ff.m.using_context("chrome"):
        ff.m.execute_script(
            """
            const tip = Cc["@mozilla.org/text-input-processor;1"]
              .createInstance(Ci.nsITextInputProcessor);
            tip.beginInputTransactionForTests(window);
            const events = arguments[0].map(([key, code]) => new KeyboardEvent("", { key, code,
              keyCode: KeyEvent["DOM_VK_" + (key.length === 1 ? key : key.toUpperCase())] }));
            for (const e of events) tip.keydown(e);
            for (const e of events.reverse()) tip.keyup(e);
            """,
            script_args=[list(keys)],
        )


def test_firefox_command_alt_shift_k_focuses_the_card(ff, site):
    """The extension's command with its real keys: Alt+Shift+K typed in the page moves focus to
    the card (Firefox handles the shortcut, the background tells the card); Escape there closes
    it and gives focus back to the compose box."""

    # the tab typed in is the window's selected one (the first-run page opened in another)
    ff.m.switch_to_window(ff.m.current_window_handle, focus=True)
    ff.m.navigate(f"https://www.facebook.com:{site}/compose2")
    ff.wait("document.getElementById('compose')")
    _paste(ff, "compose", "Xem tin-gia-mao.com/phim-tat")
    ff.wait("document.querySelector('khong-voi-card[data-verdict=denied]')")
    assert ff.js("return document.activeElement.id") == "compose"
    with ff.m.using_context("chrome"):
        # the shortcut Firefox registered for the command
        assert ff.m.execute_script(
            """
            const key = [...document.querySelectorAll("keyset[id^='ext-keyset-id-khong-voi'] key")];
            return key.map(k => `${k.getAttribute("modifiers")}+${k.getAttribute("key")}`);
            """
        ) == ["alt,shift+K"]
    _press(ff, ("Alt", "AltLeft"), ("Shift", "ShiftLeft"), ("K", "KeyK"))
    ff.wait("document.activeElement && document.activeElement.tagName === 'KHONG-VOI-CARD'")
    assert ff.js("return document.getElementById('compose').value") == (
        "Xem tin-gia-mao.com/phim-tat"  # the shortcut typed nothing into the page
    )
    _press(ff, ("Escape", "Escape"))
    ff.wait("!document.querySelector('khong-voi-card')")
    assert ff.js("return document.activeElement.id") == "compose"


@pytest.mark.parametrize("where", ["x.com", "web.telegram.org"])
def test_firefox_paste_guard_on_x_and_telegram_without_scheme(ff, site, where):
    """X and Telegram Web compose in a contenteditable; a link without a scheme is read too."""

    ff.m.navigate(f"https://{where}:{site}/compose")
    ff.wait("document.getElementById('editable')")
    _paste(ff, "editable", "Tin nóng: tin-gia-mao.com/abc.")
    ff.wait("document.querySelector('khong-voi-card[data-verdict=denied]')")
    assert ff.js("return document.querySelector('khong-voi-card').dataset.source") == (
        "Giả mạo Báo Thử Nghiệm"
    )


def test_firefox_context_menu_on_a_sentence(ff):
    """Headless Firefox shows no context menu: the menu's click handler is called as the menu
    would call it, in the background page (read past the test's X-ray view of it)."""
    main = ff.m.current_window_handle
    ff.open_ext("options/options.html")
    before = set(ff.m.window_handles)
    ff.ext_call(
        "browser.runtime.getBackgroundPage().then(bg => { bg.wrappedJSObject.khongVoi.openCheck("
        "{selectionText: 'Xem ngay tại tin-gia-mao.com/bai nhé!'}); return true; })"
    )
    _switch_to_new_window(ff, before, "no check page")
    ff.wait("document.body && document.body.dataset.ready === 'true'")
    assert ff.m.get_url().startswith(f"{BASE}/popup/popup.html?text=")
    assert ff.body("verdict") == "denied"
    ff.m.close()
    ff.m.switch_to_window(main)


def test_firefox_server_down_still_decides_listed_hosts(ff, api_server):
    """Server unreachable: a listed host is still decided from the snapshot; an unlisted one
    says it could not be checked, that imitations cannot be detected offline, and asks for the
    stronger confirmation."""
    ff.open_ext("options/options.html")
    ff.ext_call(f"browser.storage.sync.set({{server: {json.dumps(closed_port_url())}}})")
    try:
        _popup(ff, "https://example.org/unlisted")
        assert ff.body("verdict") == "unknown"
        card = ff.js("return document.getElementById('card').innerText")
        assert "Không kết nối được máy chủ" in card and "Chưa kiểm tra được" in card
        assert "không phát hiện được trang giả mạo" in card
        assert "Tôi hiểu có thể đây là trang giả mạo" in ff.js(
            "return document.getElementById('tick-row').innerText"
        )
        _popup(ff, "https://baochinhphu.vn/a")
        assert ff.body("verdict") == "official"
    finally:
        ff.ext_call(f"browser.storage.sync.set({{server: {json.dumps(api_server.url)}}})")


def test_firefox_badge(ff, site):
    for host, text in (
        ("tin-chinh-thong.vn", "✓"),
        ("tin-gia-mao.com", "✕"),
        ("chua-biet.example", ""),
    ):
        ff.m.navigate(f"https://{host}:{site}/bai")
        ff.wait("document.getElementById('stub')")
        page = ff.m.current_window_handle
        ff.m.switch_to_window(ff.m.open("tab")["handle"])
        ff.open_ext("options/options.html")
        badge = None
        for _ in range(50):
            badge = ff.ext_call(
                f"browser.tabs.query({{url: '*://{host}/*'}}).then(tabs =>"
                " browser.action.getBadgeText({tabId: tabs[0].id}))"
            )
            if badge == text:
                break
            time.sleep(0.1)
        assert badge == text, host
        ff.m.close()
        ff.m.switch_to_window(page)


def test_firefox_report(ff, api_server):
    _popup(ff, "https://example.org/bao-cao-firefox")
    before = len(api_server.store.list_reports())
    ff.js(
        "document.getElementById('report-box').open = true;"
        "document.getElementById('kind').value = 'missing';"
        "const b = document.getElementById('report'); b.click(); b.click();"
    )
    ff.wait("document.getElementById('report-status').dataset.reported === 'true'")
    assert ff.js("return document.getElementById('report-status').textContent").startswith(
        "Đã nhận báo cáo của bạn."
    )
    reports = api_server.store.list_reports()
    assert len(reports) == before + 1 and reports[-1].kind == "missing"


def test_firefox_first_run_page_opened_at_install(ff):
    urls = []
    current = ff.m.current_window_handle
    for handle in ff.m.window_handles:
        ff.m.switch_to_window(handle)
        urls.append(ff.m.get_url())
    ff.m.switch_to_window(current)
    assert f"{BASE}/options/options.html?first=1" in urls


def test_firefox_least_data(ff, api_server):
    rec = api_server.recorder
    before = len(rec.checks())
    _popup(ff, "https://docs.google.com/document/d/SECRETDOC/edit?resourcekey=KEY1#h")
    _popup(ff, "https://baochinhphu.vn/a?token=SECRET2")  # decided locally: nothing sent
    assert ff.body("verdict") == "official"
    assert rec.checks()[before:] == ["https://docs.google.com/"]
    assert not any("SECRET" in r["body"] + r["query"] for r in rec.seen)


def test_firefox_copy_removes_tracking(ff):
    from marionette_driver.by import By

    _popup(ff, "https://baochinhphu.vn/a?id=7&utm_source=fb&fbclid=XYZ")
    ff.m.find_element(By.ID, "copy").click()  # a real click: Firefox wants a user gesture
    ff.wait("document.getElementById('status').dataset.copied")
    assert ff.js("return document.getElementById('status').dataset.copied") == (
        "https://baochinhphu.vn/a?id=7"
    )
    assert ff.js("return document.getElementById('status').textContent") == (
        "Đã sao chép liên kết gốc, đã bỏ phần theo dõi: utm_source, fbclid"
    )
    with ff.m.using_context("chrome"):  # what is on Firefox's clipboard now
        pasted = ff.m.execute_script(
            "const t = Cc['@mozilla.org/widget/transferable;1'].createInstance(Ci.nsITransferable);"
            "t.init(null); t.addDataFlavor('text/plain');"
            "Services.clipboard.getData(t, Ci.nsIClipboard.kGlobalClipboard);"
            "const out = {}; t.getTransferData('text/plain', out);"
            "return out.value.QueryInterface(Ci.nsISupportsString).data;"
        )
    assert pasted == "https://baochinhphu.vn/a?id=7"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (None, "Máy chủ Không Vội không trả lời sau 4 giây."),
        (429, "Máy chủ đang bận, hãy thử lại sau 17 giây."),
    ],
)
def test_firefox_hung_or_busy_server(ff, api_server, site, status, words):
    failing = FailingApi(status)
    try:
        ff.open_ext("options/options.html")
        ff.ext_call(f"browser.storage.sync.set({{server: '{failing.url}'}})")
        _share(
            ff,
            site,
            f"https://www.facebook.com:{site}/dialog/share?href="
            + quote("https://example.org/tin"),
        )
        assert ff.body("unchecked") == "true"
        assert ff.js("return document.querySelector('[data-testid=problem]').textContent") == words
        assert ff.js("return document.getElementById('override-row').hidden") is False
        assert ff.js("return document.getElementById('tick-row').hidden") is True
    finally:
        failing.close()
        ff.open_ext("options/options.html")
        ff.ext_call(f"browser.storage.sync.set({{server: '{api_server.url}'}})")


def test_firefox_back_returns_to_the_page(ff, site):
    _share(ff, site, f"https://t.me:{site}/share?url=" + quote("https://tin-gia-mao.com/z"))
    assert ff.body("verdict") == "denied"
    ff.js("document.getElementById('back').click()")
    ff.wait_url(f"https://news.example:{site}/bai")
    assert "t.me" not in "".join(stub_seen()[-1:])


@pytest.mark.parametrize(("status", "retry"), [(429, True), (400, False)])
def test_firefox_report_failures_say_whether_retrying_helps(ff, api_server, status, retry):
    failing = FailingApi(status)
    try:
        _popup(ff, f"https://example.org/bao-cao-ff-{status}")
        ff.ext_call(f"browser.storage.sync.set({{server: '{failing.url}'}})")
        ff.js(
            "document.getElementById('report-box').open = true;"
            "document.getElementById('report').click();"
        )
        ff.wait("document.getElementById('report-status').dataset.reported === 'false'")
        text = ff.js("return document.getElementById('report-status').textContent")
        assert text.startswith("Chưa gửi được báo cáo.")
        assert ("Thử lại sau có thể được." in text) is retry
    finally:
        failing.close()
        ff.ext_call(f"browser.storage.sync.set({{server: '{api_server.url}'}})")


def test_firefox_pass_covers_the_sites_redirect(ff, site):
    """twitter.com/intent/… answers 301 to x.com/intent/…: the one pass covers it."""
    intent = f"https://twitter.com:{site}/intent/tweet?url=" + quote("https://baochinhphu.vn/r")
    _share(ff, site, intent)
    assert ff.body("verdict") == "official"
    ff.js("document.getElementById('continue').click()")
    ff.wait_url(f"https://x.com:{site}/intent/tweet")
    ff.wait("document.getElementById('stub')")
    assert ff.js("return document.getElementById('stub').textContent").startswith(
        f"x.com:{site}/intent/tweet"
    )


FIREFOX_DISTRIBUTION = Path("/usr/lib/firefox-esr/distribution")


@pytest.mark.skipif(os.geteuid() != 0, reason="writing Firefox's policies.json needs root")
def test_firefox_policy_pushes_server_and_key(tmp_path, api_server):
    """IT's enterprise policy (Firefox's "3rdparty" policy for this add-on id, read into
    storage.managed): the options page shows the pushed server read-only, the lists come from
    it and the key goes with each check. An existing policies.json is put back afterwards."""
    policies = FIREFOX_DISTRIBUTION / "policies.json"
    before = policies.read_bytes() if policies.exists() else None
    FIREFOX_DISTRIBUTION.mkdir(parents=True, exist_ok=True)
    token = "kv_firefox_policy_token"
    policies.write_text(
        json.dumps(
            {
                "policies": {
                    "3rdparty": {
                        "Extensions": {ADDON_ID: {"server": api_server.url + "/", "token": token}}
                    }
                }
            }
        ),
        "utf-8",
    )
    try:
        with FirefoxSession(tmp_path) as session:
            session.open_ext("options/options.html")
            assert session.js("return document.getElementById('server').value") == api_server.url
            assert session.js("return document.getElementById('server').disabled") is True
            assert session.js("return document.getElementById('token').disabled") is True
            assert session.js(
                "return !document.getElementById('managed').hidden"
                " && document.getElementById('managed').offsetParent !== null"
            )
            seen = len(api_server.recorder.seen)
            session.open_ext(f"popup/popup.html?url={quote('https://example.org/duoc-quan-ly')}")
            session.wait("document.body.dataset.verdict", 20)
            checks = [r for r in api_server.recorder.seen[seen:] if r["path"] == "/api/v1/check"]
            assert checks and checks[-1]["auth"] == f"Bearer {token}"
    finally:
        if before is None:
            policies.unlink()
        else:
            policies.write_bytes(before)
