"""List health: time of a ``flask sources health`` run over the default allow list, against a
local HTTPS server that answers for every listed host (mapped hostnames, trusted explicitly).

    .venv/bin/python bench/bench_health.py               # workers 1, 4 and 8
    .venv/bin/python bench/bench_health.py --workers 4

Each host gets a certificate for its own name from a test CA (trustme) and a home page whose
title is the rule's name, so every probe goes the whole way (resolve, TLS probe, HEAD, capped
GET, title) and nothing is flagged; no proposal is written (``propose=False``). The figure is
the wall time of the run (the loopback server is fast: on the real web the hop timeouts bound
each site, 5 s per hop and 15 s per site, so a run costs at most about
``rules × 15 s / workers`` in the worst case).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.assistant.health_cli import make_health_checker  # noqa: E402
from tests.assistant.sites import LocalSites  # noqa: E402
from tests.live import make_test_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "p").mkdir()
        probe = make_test_app(Path(tmp) / "p")
        rules = [
            r
            for r in probe.extensions["khongvoi.store"].export_rules("allow")
            if "/" not in r.pattern
        ]
        probe.extensions["khongvoi.store"].dispose()
        names = {r.pattern: r.name for r in rules}
        with LocalSites(sorted(names)) as sites:
            sites.fallback = lambda host: (
                200,
                {"Content-Type": "text/html; charset=utf-8"},
                f"<title>{escape(names.get(host, host))}</title>".encode(),
            )
            for host in names:  # certificates issued before timing (trustme is slowish)
                sites._context(host)
            (Path(tmp) / "a").mkdir()
            app = make_test_app(Path(tmp) / "a", config=sites.config())
            print(
                f"## Health run over the default allow list ({len(rules)} host rules), "
                "local HTTPS server\n"
            )
            print("| workers | wall time s | per rule ms | flagged |\n|---|---|---|---|")
            for workers in args.workers or [1, 4, 8]:
                checker = make_health_checker(app, workers)
                t0 = time.perf_counter()
                _, results = checker.run(rules, propose=False)
                wall = time.perf_counter() - t0
                flagged = sum(1 for r in results if r["flags"])
                print(f"| {workers} | {wall:.1f} | {wall / len(results) * 1e3:.0f} | {flagged} |")
            app.extensions["khongvoi.store"].dispose()


if __name__ == "__main__":
    main()
