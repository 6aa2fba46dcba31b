"""Threat feeds: per-check cost of 100,000 feed entries vs 100,000 curated rules, and checks
during a refresh of 100,000 entries.

    .venv/bin/python bench/bench_feeds.py            # full run (about two minutes)
    .venv/bin/python bench/bench_feeds.py --quick    # smaller, for a smoke test

Both sides go through the real door: a ``create_app()`` service on its own SQLite database
with the default lists, checked with ``CheckerService.check`` (lookalike detection off on both
sides, so that only matching is compared). Side A holds N random domains as curated deny rules
(imported into the store); side B holds the same N domains as one feed's entries (subscribed
from a local file and refreshed). The same URLs (Zipf-like host popularity: 40% allow-listed
hosts and subdomains, 20% listed hosts, 40% unlisted — ``bench_checker.host_pool``) are timed
on A and B taking turns by chunks of 1,000 URLs on this thread's CPU clock
(``bench_checker.interleaved``: the load of other processes hits both alike); medians over
the rounds are compared (ratio B/A ≤ 1 is the goal).

Then, on side B, a refresh replaces half of the entries while the main thread keeps checking:
the table shows how many checks ran during the refresh and their latency, next to the same
figures with no refresh running.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_checker import (  # noqa: E402
    allow_patterns,
    deny_domains,
    host_pool,
    interleaved,
    make_urls,
)
from server import create_app  # noqa: E402
from server.core import Rule  # noqa: E402
from server.core.tables import SOURCES_DIR  # noqa: E402
from server.ops.heap import freeze_startup_heap  # noqa: E402
from server.rule_files import load_default_sources  # noqa: E402
from server.store.accounts import Actor  # noqa: E402


def make_app(directory: Path):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "LOOKALIKE": False,
            "RATELIMIT_ENABLED": False,
            "LISTS_POLL_SECONDS": 1.0,
            "FEEDS_DIR": str(directory),
        }
    )
    store = app.extensions["khongvoi.store"]
    store.create_schema()
    load_default_sources(store, SOURCES_DIR)
    return app


def percentile(values: array[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latencies(service, urls: list[str], until=None) -> array[float]:  # type: ignore[no-untyped-def]
    """Per-check seconds over ``urls`` (cycling while ``until()`` is true, if given), in an
    ``array`` of doubles: a list of a million floats would be the largest object the garbage
    collector walks during the refresh, a cost of this bench and not of the service."""
    out: array[float] = array("d")
    i = 0
    while True:
        u = urls[i % len(urls)]
        t0 = time.perf_counter()
        service.check(u)
        out.append(time.perf_counter() - t0)
        i += 1
        if until is None and i >= len(urls):
            return out
        if until is not None and not until():
            return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n, n_urls, rounds = (10_000, 10_000, 3) if args.quick else (100_000, 100_000, 7)
    rng = random.Random(11)
    domains = deny_domains(n)
    urls = make_urls(host_pool(allow_patterns(), domains, 20_000, rng), n_urls, rng, "m")

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "a").mkdir()
        (base / "b").mkdir()
        app_a, app_b = make_app(base / "a"), make_app(base / "b")
        freeze_startup_heap()  # as the gunicorn worker does once the app is loaded
        t0 = time.perf_counter()
        app_a.extensions["khongvoi.store"].import_rules(
            Rule(d, "deny", "bench", evidence="bench") for d in domains
        )
        t_import = time.perf_counter() - t0
        feed_file = base / "b" / "feed.txt"
        feed_file.write_text("\n".join(domains) + "\n", encoding="utf-8")
        feeds = app_b.extensions["khongvoi.feeds"]
        feeds.add("bench", "feed.txt", "domains", "deny", Actor("bench"))
        t0 = time.perf_counter()
        [first] = feeds.refresh("bench")
        t_first = time.perf_counter() - t0
        svc_a, svc_b = (a.extensions["khongvoi.checker"] for a in (app_a, app_b))
        svc_b.refresh_feeds(wait=True)
        assert first.entries == n, first
        probe = f"https://{domains[0]}/x"
        assert svc_a.check(probe).verdict == svc_b.check(probe).verdict == "denied"
        for svc in (svc_a, svc_b):
            for u in urls[:5000]:  # warm up
                svc.check(u)
        a_us, b_us = interleaved([svc_a.check, svc_b.check], [urls] * rounds)
        print(f"## Per check, {n:,} listed domains, {len(urls):,} URLs, {rounds} rounds\n")
        print("| side | µs per check (median) |\n|---|---|")
        print(f"| A: {n:,} curated deny rules | {a_us:.2f} |")
        print(f"| B: {n:,} feed entries | {b_us:.2f} |")
        print(f"\nratio B/A = **{b_us / a_us:.2f}** (goal ≤ 1)\n")
        print(
            f"set-up: import of {n:,} curated rules {t_import:.1f} s; first refresh of the "
            f"feed {t_first:.1f} s\n"
        )

        # -- a refresh of N entries while checking ----------------------------------------
        idle = latencies(svc_b, urls[:20_000])
        changed = domains[: n // 2] + [f"x{d}" for d in domains[n // 2 :]]
        feed_file.write_text("\n".join(changed) + "\n", encoding="utf-8")
        del changed
        old_version = svc_b._feeds.version
        done = threading.Event()
        timing: dict[str, float] = {}

        def refresh() -> None:
            t = time.perf_counter()
            feeds.refresh("bench")
            timing["store"] = time.perf_counter() - t
            done.set()

        worker = threading.Thread(target=refresh)
        t0 = time.perf_counter()
        worker.start()

        def refreshing() -> bool:
            thread = svc_b._feeds_thread
            return (
                not done.is_set()
                or svc_b._feeds.version == old_version
                or (thread is not None and thread.is_alive())
            )

        busy = latencies(svc_b, urls, until=refreshing)
        wall = time.perf_counter() - t0
        worker.join()
        assert svc_b.check(f"https://x{domains[-1]}/").verdict == "denied"
        print(f"## Checks during a refresh replacing {n // 2:,} of {n:,} entries\n")
        print("| | checks | median µs | p99 µs | max ms |\n|---|---|---|---|---|")
        for label, xs in (("no refresh", idle), ("during refresh", busy)):
            print(
                f"| {label} | {len(xs):,} | {statistics.median(xs) * 1e6:.1f} | "
                f"{percentile(xs, 0.99) * 1e6:.1f} | {max(xs) * 1e3:.1f} |"
            )
        print(
            f"\nrefresh: {timing['store']:.1f} s to fetch, parse and store; "
            f"{wall:.1f} s until every check saw the new entries (index rebuilt in the "
            "background, swapped in one assignment)"
        )
        for a in (app_a, app_b):
            a.extensions["khongvoi.store"].dispose()


if __name__ == "__main__":
    main()
