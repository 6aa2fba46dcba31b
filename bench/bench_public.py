"""How fast the public check page answers and renders, on loopback.

    .venv/bin/python bench/bench_public.py [--rounds 200]

Starts the real app (default lists, SQLite, werkzeug's threaded server, rate limits off) and
measures, side by side in one run:

* server: wall time of ``GET /?q=<link>`` for distinct URLs on a listed host (each answer
  computed, nothing cached), a pasted message of three links, and ``GET /healthz`` for scale;
* browser: in Debian's Chromium (headless), navigation start to first contentful paint and
  to ``DOMContentLoaded`` for a result page of a listed host (median of 20 loads).

Medians; the target is a first render under 100 ms for a listed host.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.live import LiveServer


def timed(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    resp = session.get(url, timeout=10)
    resp.raise_for_status()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    server = LiveServer().start()
    base = server.url
    s = requests.Session()
    for i in range(20):  # warm-up: templates compiled, lists loaded
        timed(s, f"{base}/?q=" + quote(f"https://baochinhphu.vn/warm-{i}"))
    page, message, health = [], [], []
    for i in range(args.rounds):
        page.append(timed(s, f"{base}/?q=" + quote(f"https://baochinhphu.vn/tin-{i}.htm")))
        message.append(
            timed(
                s,
                f"{base}/?q="
                + quote(
                    f"Xem https://vnexpress.net/a-{i} và tuoitre.vn/b-{i}, cả https://la-{i}.com/"
                ),
            )
        )
        health.append(timed(s, f"{base}/healthz"))
    print(f"server, median of {args.rounds} (ms):")
    print(f"  GET /?q=<listed link>          {statistics.median(page):7.2f}")
    print(f"  GET /?q=<message with 3 links> {statistics.median(message):7.2f}")
    print(f"  GET /healthz                   {statistics.median(health):7.2f}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless=new", "--no-sandbox"]
        )
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        tab = ctx.new_page()
        fcp, dcl = [], []
        for i in range(21):
            tab.goto(f"{base}/?q=" + quote(f"https://baochinhphu.vn/trang-{i}"))
            tab.wait_for_function(
                "() => performance.getEntriesByName('first-contentful-paint').length"
            )
            got = tab.evaluate("""() => ({
                fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd})""")
            if i:  # the first load also registers the service worker
                fcp.append(got["fcp"])
                dcl.append(got["dcl"])
        plain = []
        for i in range(21):  # the browser's own floor: a tiny HTML page without CSS or script
            tab.goto(f"{base}/nothing-here-{i}")
            tab.wait_for_function(
                "() => performance.getEntriesByName('first-contentful-paint').length"
            )
            if i:
                plain.append(
                    tab.evaluate(
                        "performance.getEntriesByName('first-contentful-paint')[0].startTime"
                    )
                )
        cold = []
        for i in range(10):  # a first visit: no service worker yet
            fresh = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            t2 = fresh.new_page()
            t2.goto(f"{base}/?q=" + quote(f"https://baochinhphu.vn/lan-dau-{i}"))
            t2.wait_for_function(
                "() => performance.getEntriesByName('first-contentful-paint').length"
            )
            cold.append(
                t2.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
            )
            fresh.close()
        browser.close()
    print("Chromium, 390 px, median of 20 loads of a listed host's result (ms):")
    print(f"  first contentful paint         {statistics.median(fcp):7.2f}")
    print(f"  DOMContentLoaded               {statistics.median(dcl):7.2f}")
    print(f"  first paint of a first visit   {statistics.median(cold):7.2f}  (median of 10)")
    print(f"  floor: a plain 404 page        {statistics.median(plain):7.2f}  (same tab)")
    server.stop()


if __name__ == "__main__":
    main()
