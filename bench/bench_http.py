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
* ``POST /api/v1/check/batch`` with 1000 URLs per request, URLs per second: (a) the same
  1000 URLs in every request (answered from the workers' answer cache after the first), (b)
  rotating over 100 bodies of 1000 URLs, 100,000 distinct URLs in all (more than a worker's
  answer cache holds in one pass, so every answer is computed).

Each is also given as the server's CPU time per request (gunicorn master and workers, read
from /proc): on these shared cores other processes' load lowers the wall-clock rates, not the
CPU a request costs. The CPU ratio is healthz's CPU per request over the check's.
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

from bench.bench_checker import allow_patterns, core_path, random_domain  # noqa: E402

LUA_ROTATE = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""

LUA_POST_ROTATE = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, nil, nil, bodies[(i %% #bodies) + 1])
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


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the gunicorn master ``pid`` and its workers (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / tick


class Run:
    """One wrk run: requests per second (wall clock) and server CPU µs per request."""

    def __init__(self, rps: float, cpu_us: float) -> None:
        self.rps, self.cpu_us = rps, cpu_us


def measured(pid: int, url: str, seconds: int, script: str | None = None, conns: int = 8) -> Run:
    """:func:`wrk` plus the server's CPU time per request over the run (robust to other
    processes' load on these shared cores, which the wall-clock rate is not)."""
    before = server_cpu(pid)
    rps, count = wrk(url, seconds, script, conns)
    return Run(rps, (server_cpu(pid) - before) / max(count, 1) * 1e6)


def wrk(url: str, seconds: int, script: str | None = None, conns: int = 8) -> tuple[float, int]:
    """Requests per second reported by wrk, and how many requests it made."""
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if not match or not count or "Non-2xx" in out:
        raise RuntimeError(out)
    return float(match.group(1)), int(count.group(1))


def sample_urls(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct URLs over allow-listed and unlisted hosts."""
    allow = [p.split("/")[0] for p in allow_patterns()]
    hosts = [rng.choice(("", "www.")) + rng.choice(allow) for _ in range(2000)]
    hosts += [random_domain(rng) for _ in range(2000)]
    return [f"https://{rng.choice(hosts)}/tin-tuc/bai-{i}.html" for i in range(n)]


def start_server(tmp: Path, port: int, workers: int) -> tuple[subprocess.Popen, float]:  # type: ignore[type-arg]
    """Initialise the database, spawn gunicorn, return (process, seconds to first answer)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "KHONGVOI_RATELIMIT_ENABLED": "false",
            "SECRET_KEY": "bench",
        }
    )
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run(
        [flask, "--app", "server", "init-db"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "server:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/api/v1/check?url=https://baochinhphu.vn/a"
    try:
        while True:
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return proc, time.perf_counter() - t0
            except (requests.ConnectionError, requests.Timeout):  # not up, or still building
                pass
            if time.perf_counter() - t0 > 60:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
    except BaseException:
        proc.kill()  # never leave a server behind
        proc.wait(10)
        raise


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
            bodies = tmp / "bodies.jsonl"  # one JSON body per line
            bodies.write_text(
                "\n".join(
                    json.dumps({"urls": urls[i : i + 1000]}) for i in range(0, len(urls), 1000)
                )
            )
            post_rotate = tmp / "post_rotate.lua"
            post_rotate.write_text(LUA_POST_ROTATE % bodies)
            one = f"{base}/api/v1/check?url=https%3A%2F%2Fxaydungchinhsach.baochinhphu.vn%2Fabc"
            runs: dict[str, list[Run]] = {k: [] for k in ("h", "hr", "d", "c", "b", "bd")}
            pid = proc.pid
            for _ in range(args.rounds):
                runs["h"].append(measured(pid, f"{base}/healthz", args.seconds))
                runs["hr"].append(measured(pid, base, args.seconds, str(hrotate)))
                runs["d"].append(measured(pid, base, args.seconds, str(rotate)))
                runs["c"].append(measured(pid, one, args.seconds))
                runs["b"].append(
                    measured(pid, f"{base}/api/v1/check/batch", args.seconds, str(post), 2)
                )
                runs["bd"].append(
                    measured(pid, f"{base}/api/v1/check/batch", args.seconds, str(post_rotate), 2)
                )
            load = os.getloadavg()[0]
        finally:
            proc.terminate()
            proc.wait(10)

    def med(key: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs[key])

    def ratio(num: str, den: str, attr: str) -> float:
        """Per-round ratios (each check run next to its own healthz run), then their median:
        robust to the machine's drift over the minutes the benchmark takes."""
        pairs = zip(runs[num], runs[den], strict=True)
        if attr == "rps":
            return statistics.median(x.rps / y.rps for x, y in pairs)
        return statistics.median(y.cpu_us / x.cpu_us for x, y in pairs)  # cost ratio, inverted

    print(
        f"gunicorn -w {args.workers}, wrk -t1 -c8, {args.seconds}s x{args.rounds}, medians; "
        f"load average at the end {load:.1f} on {os.cpu_count()} cores"
    )
    # the server imports the same tree: a build older than its sources is not used (make compile)
    print(f"core: {core_path()}; start-up to first answer: {startup:.2f} s")
    print(f"{'':30} {'req/s':>9} {'ratio':>6} | {'server CPU/request':>18} {'ratio':>6}")
    for key, label, den in (
        ("h", "GET /healthz", ""),
        ("hr", "GET /healthz (rotating URLs)", ""),
        ("d", "GET /api/v1/check (distinct)", "hr"),
        ("c", "GET /api/v1/check (same URL)", "h"),
    ):
        rr = f"{ratio(key, den, 'rps'):6.2f}" if den else " " * 6
        rc = f"{ratio(key, den, 'cpu_us'):6.2f}" if den else " " * 6
        print(f"{label:30} {med(key, 'rps'):9.0f} {rr} | {med(key, 'cpu_us'):15.0f} µs {rc}")
    for key, label in (("b", "same 1000 URLs"), ("bd", "100,000 distinct URLs")):
        b_rps, b_cpu = med(key, "rps"), med(key, "cpu_us")
        print(
            f"POST /api/v1/check/batch ({label}): {b_rps * 1000:9.0f} URLs/s; "
            f"{1e9 / b_cpu:9.0f} URLs per server CPU second "
            f"(x{args.workers} workers: {args.workers * 1e9 / b_cpu:.0f} URLs/s on free cores)"
        )


if __name__ == "__main__":
    main()
