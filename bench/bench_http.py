"""HTTP speed under gunicorn on loopback, measured with wrk (Debian package ``wrk``).

    apt-get install -y wrk
    .venv/bin/python bench/bench_http.py [--seconds 10] [--workers 2]

Prints, from one run with alternating measurements:

* start-up to first answer: seconds from spawning gunicorn to the first ``200`` of
  ``GET /api/v1/check`` (default lists, SQLite);
* requests per second of ``GET /healthz`` and of ``GET /api/v1/check`` (a) rotating over
  100,000 distinct URLs (each answer computed), compared with healthz driven by the same
  rotating wrk script (its Lua costs client CPU on these shared cores), (b) one URL again and
  again (cached answer), compared with plain healthz;
* ``POST /api/v1/check/batch`` with 1000 distinct URLs per request: URLs per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_checker import allow_patterns, random_domain  # noqa: E402

LUA_ROTATE = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""

LUA_POST = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("%s", "r")
wrk.body = f:read("*a")
f:close()
"""


def free_port() -> int:
    """An unused loopback port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(url: str, seconds: int, script: str | None = None, conns: int = 8) -> float:
    """Requests per second reported by wrk."""
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match or "Non-2xx" in out:
        raise RuntimeError(out)
    return float(match.group(1))


def sample_urls(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct URLs over allow-listed and unlisted hosts."""
    allow = [p.split("/")[0] for p in allow_patterns()]
    hosts = [rng.choice(("", "www.")) + rng.choice(allow) for _ in range(2000)]
    hosts += [random_domain(rng) for _ in range(2000)]
    return [f"https://{rng.choice(hosts)}/tin-tuc/bai-{i}.html" for i in range(n)]


def start_server(tmp: Path, port: int, workers: int) -> tuple[subprocess.Popen, float]:  # type: ignore[type-arg]
    """Initialise the database, spawn gunicorn, return (process, seconds to first answer)."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "KHONGVOI_RATELIMIT_ENABLED": "false",
        "SECRET_KEY": "bench",
    })
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "--app", "server", "init-db"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "server:create_app()"],
        env=env, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/api/v1/check?url=https://baochinhphu.vn/a"
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return proc, time.perf_counter() - t0
        except requests.ConnectionError:
            pass
        if time.perf_counter() - t0 > 30:
            proc.kill()
            raise RuntimeError("server did not start")
        time.sleep(0.01)


def main() -> None:
    """Run the measurements and print them."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        port = free_port()
        proc, startup = start_server(tmp, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            urls = sample_urls(100_000, rng)
            paths = tmp / "paths.txt"
            paths.write_text("\n".join(f"/api/v1/check?url={quote(u, safe='')}" for u in urls))
            rotate = tmp / "rotate.lua"
            rotate.write_text(LUA_ROTATE % paths)
            # healthz driven the same way (same client-side cost on these shared cores)
            hpaths = tmp / "hpaths.txt"
            hpaths.write_text("\n".join(f"/healthz?i={i}" for i in range(len(urls))))
            hrotate = tmp / "hrotate.lua"
            hrotate.write_text(LUA_ROTATE % hpaths)
            batch = tmp / "batch.json"
            batch.write_text(json.dumps({"urls": urls[:1000]}))
            post = tmp / "post.lua"
            post.write_text(LUA_POST % batch)
            one = f"{base}/api/v1/check?url=https%3A%2F%2Fxaydungchinhsach.baochinhphu.vn%2Fabc"
            health, health_rot, distinct, cached, batches = [], [], [], [], []
            for _ in range(args.rounds):
                health.append(wrk(f"{base}/healthz", args.seconds))
                health_rot.append(wrk(base, args.seconds, str(hrotate)))
                distinct.append(wrk(base, args.seconds, str(rotate)))
                cached.append(wrk(one, args.seconds))
                batches.append(wrk(f"{base}/api/v1/check/batch", args.seconds, str(post), 2))
        finally:
            proc.terminate()
            proc.wait(10)
    h, d, c, b = (statistics.median(x) for x in (health, distinct, cached, batches))
    # Ratios per round (each check run next to its own healthz run), then their median:
    # robust to the machine's drift over the minutes the benchmark takes.
    rd = statistics.median(x / y for x, y in zip(distinct, health_rot, strict=True))
    hr = statistics.median(health_rot)
    rc = statistics.median(x / y for x, y in zip(cached, health, strict=True))
    print(f"gunicorn -w {args.workers}, wrk -t1 -c8, {args.seconds}s x{args.rounds}, medians")
    print(f"start-up to first answer: {startup:.2f} s")
    print(f"GET /healthz:                 {h:9.0f} req/s")
    print(f"GET /healthz (rotating URLs): {hr:9.0f} req/s  (the Lua client, as for distinct)")
    print(f"GET /api/v1/check (distinct): {d:9.0f} req/s  ratio {rd:.2f} (median of rounds)")
    print(f"GET /api/v1/check (same URL): {c:9.0f} req/s  ratio {rc:.2f} (median of rounds)")
    print(f"POST /api/v1/check/batch:     {b * 1000:9.0f} URLs/s ({b:.1f} req/s of 1000)")


if __name__ == "__main__":
    main()
