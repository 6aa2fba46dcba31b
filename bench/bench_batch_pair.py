"""The distinct-URL batch of ``bench_http.py`` on two checkouts served side by side.

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    (cd /tmp/before && .venv/bin/python tools/build_core.py)   # its own compiled core
    .venv/bin/python bench/bench_batch_pair.py /tmp/before . [--rounds 6] [--seconds 5]

Both servers (gunicorn, two workers each, SQLite with the default lists) are up at once; the
batch of 1000 never-seen URLs per request (100 bodies over 100,000 URLs, as in
``bench_http.py``) is measured on each in turn, alternating which goes first, so that the
machine's drift over the minutes hits both alike. Prints each run and the medians: URLs per
second and server CPU µs per URL. The idle server costs nothing while the other is measured.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bench_http


def main() -> None:
    """Serve both checkouts, measure alternately, print the medians."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seconds", type=int, default=5)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    roots = [args.before.resolve(), args.after.resolve()]
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        urls = bench_http.sample_urls(100_000, random.Random(3))
        bodies = tmp / "bodies.jsonl"
        bodies.write_text(
            "\n".join(json.dumps({"urls": urls[i : i + 1000]}) for i in range(0, len(urls), 1000))
        )
        script = tmp / "post_rotate.lua"
        script.write_text(bench_http.LUA_POST_ROTATE % bodies)
        servers = []
        try:
            for i, root in enumerate(roots):
                bench_http.ROOT = root  # start_server runs flask and gunicorn in ROOT
                home = tmp / f"server{i}"
                home.mkdir()
                port = bench_http.free_port()
                proc, _ = bench_http.start_server(home, port, 2)
                servers.append((root, proc, f"http://127.0.0.1:{port}/api/v1/check/batch"))
            runs: dict[Path, list[bench_http.Run]] = {root: [] for root in roots}
            for _, proc, url in servers:  # warm-up: every worker's caches filled
                bench_http.measured(proc.pid, url, 3, str(script), 2)
            for k in range(args.rounds):
                for root, proc, url in servers if k % 2 == 0 else servers[::-1]:
                    run = bench_http.measured(proc.pid, url, args.seconds, str(script), 2)
                    runs[root].append(run)
                    print(
                        f"{root}: {run.rps * 1000:9.0f} URLs/s {run.cpu_us / 1000:6.2f} µs CPU/URL"
                    )
        finally:
            for _, proc, _ in servers:
                proc.terminate()
                proc.wait(10)
    for root in roots:
        rps = statistics.median(r.rps for r in runs[root]) * 1000
        cpu = statistics.median(r.cpu_us for r in runs[root]) / 1000
        print(f"median {root}: {rps:9.0f} URLs/s {cpu:6.2f} µs CPU/URL")


if __name__ == "__main__":
    main()
