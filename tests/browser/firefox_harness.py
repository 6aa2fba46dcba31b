"""Debian's Firefox ESR driven through Marionette, with the extension installed temporarily.

    with FirefoxSession(tmp_path) as ff:
        ff.open_ext("popup/popup.html?url=…")

Firefox starts with ``-headless -marionette`` on a fresh profile whose prefs resolve every
hostname to loopback (``network.dns.forceResolve``), so the TLS stub site stands in for
Facebook, X and Telegram as in the Chromium tests; the extension's internal UUID is fixed by
pref so tests can open its pages. The add-on is built by ``extension/build.py`` (the Firefox
manifest) into a temporary folder and installed with ``Addons.install(temp=True)``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

from tests.browser.ext_support import ROOT

ADDON_ID = "khong-voi@example.vn"
UUID = "6b6f6e67-766f-6900-0000-000000000001"
BASE = f"moz-extension://{UUID}"


def firefox_binary() -> str | None:
    """Debian's firefox-esr, or None when it is not installed."""
    return shutil.which("firefox-esr")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FirefoxSession:
    """A headless Firefox ESR with the extension, driven by a Marionette client (``.m``)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.proc: subprocess.Popen[bytes] | None = None
        self.m = None

    def start(self) -> FirefoxSession:
        with warnings.catch_warnings():  # mozinfo calls the deprecated distro API at import
            warnings.simplefilter("ignore", DeprecationWarning)
            from marionette_driver.addons import Addons
            from marionette_driver.marionette import Marionette

        sys.path.insert(0, str(ROOT / "extension"))
        try:
            import build
        finally:
            sys.path.pop(0)
        addon_dir = build.build("firefox", self.tmp / "dist").parent / "firefox"
        profile = self.tmp / "profile"
        profile.mkdir()
        port = _free_port()
        prefs = {
            "marionette.port": port,
            "network.dns.forceResolve": "127.0.0.1",
            "network.proxy.type": 0,
            "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "app.update.auto": False,
            "extensions.update.enabled": False,
            "intl.locale.requested": "vi",
            "extensions.webextensions.uuids": json.dumps({ADDON_ID: UUID}),
        }
        (profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()),
            "utf-8",
        )
        self.proc = subprocess.Popen(
            [
                firefox_binary() or "firefox-esr",
                "-headless",
                "-marionette",
                "-no-remote",
                "-remote-allow-system-access",  # Marionette may then open moz-extension: pages
                "-profile",
                str(profile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with warnings.catch_warnings():
            # marionette_driver's port probe leaves sockets to the garbage collector
            warnings.simplefilter("ignore", ResourceWarning)
            self.m = Marionette(host="127.0.0.1", port=port, startup_timeout=60)
            self.m.start_session({"acceptInsecureCerts": True})
            gc.collect()
        self.m.timeout.script = 20
        Addons(self.m).install(str(addon_dir), temp=True)
        return self

    def stop(self) -> None:
        if self.m is not None:
            with contextlib.suppress(Exception):  # Firefox may already be gone
                self.m.delete_session()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> FirefoxSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- helpers ------------------------------------------------------------------------

    def js(self, script: str, *args: object) -> object:
        """Run a script in the current page (``arguments[i]`` are ``args``)."""
        return self.m.execute_script(script, script_args=list(args))

    def ext_call(self, expression: str) -> object:
        """Await an extension API expression (``browser.…``) from an extension page."""
        return self.m.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const browser = window.wrappedJSObject.browser;"
            f"Promise.resolve().then(() => {expression})"
            ".then(v => done(JSON.parse(JSON.stringify(v ?? null))),"
            " e => done({error: String(e)}));"
        )

    def wait(self, predicate_js: str, timeout: float = 15.0, *args: object) -> object:
        """Poll a script until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.js(f"return ({predicate_js});", *args)
            except Exception:  # the page may be navigating
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {predicate_js} at {self.m.get_url()}")
            time.sleep(0.05)

    def wait_url(self, part: str, timeout: float = 15.0) -> str:
        """Poll the current URL until it contains ``part``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                url = self.m.get_url()
            except Exception:  # between two pages
                url = ""
            if part in url:
                return url
            if time.monotonic() > deadline:
                raise AssertionError(f"never reached {part}, at {url}")
            time.sleep(0.05)

    def open_ext(self, path: str) -> None:
        """Open an extension page and wait for its ``data-ready``."""
        self.m.navigate(f"{BASE}/{path}")
        self.wait("document.body && document.body.dataset.ready === 'true'")

    def set_server(self, url: str, token: str = "") -> None:
        """Save the server in the options page, as an official would."""
        self.open_ext("options/options.html")
        self.js(
            "document.getElementById('server').value = arguments[0];"
            "document.getElementById('token').value = arguments[1];"
            "document.querySelector('button[type=submit]').click();",
            url,
            token,
        )
        self.wait("document.getElementById('status').dataset.state === 'saved'", 20)

    def body(self, attr: str) -> str | None:
        """A data attribute of the page's body."""
        return self.js("return document.body.dataset[arguments[0]] ?? null;", attr)
