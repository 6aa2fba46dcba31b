"""Three instances behind a local nginx on PostgreSQL + Redis: throughput, soak, rule spread.

    apt-get install -y nginx wrk redis-server      # Debian packages; loopback only
    .venv/bin/python bench/bench_cluster.py [--seconds 8] [--soak 600] [--import-rules 100000]
        [--spread-rules 5] [--warmup-max 900] [--warmup-fill 0.95] [--no-notify]

Everything runs on 127.0.0.1: a schema of the local PostgreSQL (dropped at the end), a private
``redis-server`` on a free port, 1–3 gunicorn instances (one worker each, 4 threads) and one
nginx spreading requests over them; wrk drives the load. The run is bounded (every phase has
a duration; every process is killed at the end). It prints, in one run:

* for 1, 2 and 3 instances: requests per second and p50/p99 latency of ``GET /healthz``,
  ``GET /api/v1/check`` rotating over 100,000 distinct URLs, and ``POST /api/v1/check/batch``
  of 100 URLs; per core (this machine's cores shared by nginx, wrk and the instances) and as a
  ratio to ``/healthz`` measured in the same run;
* rule spread: ``--spread-rules`` rules added one after another through one instance's API
  under load, for each the time until every instance answers with it (goal ≤ 2 s); the
  instances learn of a change by Redis notice (``--no-notify``: by their 1 s poll alone);
* an admin import of ``--import-rules`` rules through the API while checks run: failed checks
  (non-2xx or socket errors) during the import (goal 0);
* warm-up, then soak. Warm-up: rotating checks until every worker's answer cache holds at
  least ``--warmup-fill`` of its byte bound (``khongvoi_check_cache_bytes`` of each instance's
  ``/metrics``), at most ``--warmup-max`` seconds; it is reported on its own (duration, fill,
  RSS at its start and end). Soak: ``--soak`` seconds of rotating checks right after; resident
  memory of each worker every 10 s; growth = peak over the soak ÷ the soak's first sample
  (goal ≤ 10 %). Memory the cache takes while it fills is thus the warm-up's, not the
  soak's: the soak measures whether a worker whose caches are full keeps growing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_http import LUA_POST, LUA_ROTATE, free_port, sample_urls  # noqa: E402

#: LUA_ROTATE starting at a given index (the warm-up's chunks go on where the last one ended)
LUA_ROTATE_FROM = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = %d
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""

PG_BASE = os.environ.get("KHONGVOI_TEST_PG", "postgresql+psycopg://root@127.0.0.1:5432/test")
BIN = Path(sys.executable).parent
CORES = os.cpu_count() or 1

NGINX_CONF = """
user root;  # bench only: the temp folders belong to the user running it
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    client_max_body_size 20m;
    upstream khongvoi {{ {servers} keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://khongvoi;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


def wrk(url: str, seconds: float, script: str | None = None, conns: int = 16) -> dict:  # type: ignore[type-arg]
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{int(seconds)}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (sum(map(int, errs.groups())) if errs else 0)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "requests": total, "failed": failed}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


class Cluster:
    def __init__(self, tmp: Path, notify: bool = True) -> None:
        self.tmp = tmp
        self.notify = notify
        self.schema = f"kbench_{uuid.uuid4().hex[:10]}"
        self.db_url = f"{PG_BASE}?options=-csearch_path%3D{self.schema}"
        self.redis_port = free_port()
        self.procs: list[subprocess.Popen] = []  # type: ignore[type-arg]
        self.instances: list[tuple[subprocess.Popen, int]] = []  # type: ignore[type-arg]
        self.nginx_port = free_port()

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": self.db_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "SECRET_KEY": "bench-" + "x" * 40,
                "KHONGVOI_RATELIMIT_CHECK": '"10000000 per minute"',
                "KHONGVOI_RATELIMIT_BATCH": '"10000000 per minute"',
                "KHONGVOI_RATELIMIT_WITH_KEY": '"10000000 per minute"',
                "KHONGVOI_PROXY_FIX_X_FOR": "1",
                "KHONGVOI_LISTS_POLL_SECONDS": "1.0",
                "KHONGVOI_LISTS_NOTIFY": "true" if self.notify else "false",
                "KHONGVOI_WORKERS": "1",
                "KHONGVOI_THREADS": "4",
                "KHONGVOI_TIMEOUT": "300",
            }
        )
        return env

    def start_db(self) -> None:
        from sqlalchemy import create_engine, text

        eng = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {self.schema}"))
        eng.dispose()
        subprocess.run(
            [str(BIN / "flask"), "--app", "server", "init-db"],
            env=self.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=300,
        )
        self.procs.append(
            subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.tmp),
                ],
                stdout=subprocess.DEVNULL,
            )
        )

    def admin_key(self) -> str:
        out = subprocess.run(
            [str(BIN / "flask"), "--app", "server", "keys", "create", "bench", "--scope", "admin"],
            env=self.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return out.strip().splitlines()[-1]

    def start_instance(self) -> int:
        port = free_port()
        env = self.env()
        n = len(self.instances)
        env.update(
            {
                "KHONGVOI_BIND": f"127.0.0.1:{port}",
                "PROMETHEUS_MULTIPROC_DIR": str(self.tmp / f"metrics-{n}"),
            }
        )
        log = (self.tmp / f"instance-{n}.log").open("wb")
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "server:create_app()"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        self.instances.append((proc, port))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).ok:
                    return port
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"instance {n} did not start")

    def nginx(self, count: int) -> str:
        servers = " ".join(f"server 127.0.0.1:{p};" for _, p in self.instances[:count])
        for d in ("body", "proxy", "fcgi", "uwsgi", "scgi"):
            (self.tmp / d).mkdir(exist_ok=True)
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, servers=servers, port=self.nginx_port))
        pidfile = self.tmp / "nginx.pid"
        if pidfile.exists():
            subprocess.run(["nginx", "-c", str(conf), "-s", "reload"], check=True, timeout=30)
            time.sleep(1.0)
        else:
            subprocess.run(["nginx", "-c", str(conf)], check=True, timeout=30)
            time.sleep(0.5)
        return f"http://127.0.0.1:{self.nginx_port}"

    def cache_fill(self) -> list[float]:
        """Each instance's answer cache: bytes held ÷ its bound (from its /metrics)."""
        fills = []
        for _, port in self.instances:
            text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
            held = limit = 0.0
            for line in text.splitlines():
                if line.startswith("khongvoi_check_cache_bytes"):
                    held = max(held, float(line.split()[-1]))
                elif line.startswith("khongvoi_check_cache_limit_bytes"):
                    limit = max(limit, float(line.split()[-1]))
            fills.append(held / limit if limit else float("nan"))
        return fills

    def worker_pids(self) -> list[int]:
        return [c for proc, _ in self.instances for c in children(proc.pid)]

    def stop(self) -> None:
        pidfile = self.tmp / "nginx.pid"
        if pidfile.exists():
            subprocess.run(
                ["nginx", "-c", str(self.tmp / "nginx.conf"), "-s", "stop"], timeout=30, check=False
            )
        for proc, _ in self.instances:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.kill()
        for proc, _ in self.instances:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        from sqlalchemy import create_engine, text

        eng = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        eng.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=8.0, help="each throughput measurement")
    ap.add_argument("--soak", type=float, default=600.0, help="soak duration (seconds)")
    ap.add_argument("--import-rules", type=int, default=100_000)
    ap.add_argument("--instances", type=int, default=3)
    ap.add_argument("--spread-rules", type=int, default=5, help="rules added, one by one")
    ap.add_argument("--warmup-max", type=float, default=900.0, help="warm-up bound (seconds)")
    ap.add_argument(
        "--warmup-fill", type=float, default=0.95, help="cache fill that ends the warm-up"
    )
    ap.add_argument(
        "--no-notify", action="store_true", help="no Redis lists notices: the poll alone"
    )
    args = ap.parse_args()
    for tool in ("nginx", "wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y {tool}")
    rng = random.Random(18)
    tmp = Path(tempfile.mkdtemp(prefix="khongvoi-cluster-"))
    from urllib.parse import quote

    urls = sample_urls(100_000, rng)
    paths = tmp / "paths.txt"
    paths.write_text("".join(f"/api/v1/check?url={quote(u, safe='')}\n" for u in urls))
    rotate = tmp / "rotate.lua"
    rotate.write_text(LUA_ROTATE % paths)
    body = tmp / "batch.json"
    body.write_text(json.dumps({"urls": urls[:100]}))
    post = tmp / "post.lua"
    post.write_text(LUA_POST % body)
    cluster = Cluster(tmp, notify=not args.no_notify)
    results: dict[str, object] = {"cores": CORES}
    try:
        cluster.start_db()
        key = cluster.admin_key()
        for _ in range(args.instances):
            cluster.start_instance()
        print(
            f"{CORES} cores; instances: {args.instances} gunicorn (1 worker, 4 threads) "
            "behind nginx, PostgreSQL + Redis on loopback; lists changes spread by "
            + ("the 1 s poll alone" if args.no_notify else "Redis notice (1 s poll fallback)"),
            flush=True,
        )
        print(
            f"{'inst':>4} {'what':<8} {'req/s':>9} {'/core':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'÷healthz':>8} {'URLs/s':>9}",
            flush=True,
        )
        for n in range(1, args.instances + 1):
            base = cluster.nginx(n)
            wrk(base + "/healthz", 2)  # warm the connections
            wrk(base + "/", 3, str(rotate))  # warm caches a little
            h = wrk(base + "/healthz", args.seconds)
            c = wrk(base + "/", args.seconds, str(rotate))
            b = wrk(base + "/api/v1/check/batch", args.seconds, str(post), conns=4)
            for what, r, urls_per in (("healthz", h, 0), ("check", c, 1), ("batch100", b, 100)):
                print(
                    f"{n:>4} {what:<8} {r['rps']:>9.0f} {r['rps'] / CORES:>8.0f} "
                    f"{r['p50']:>8.2f} {r['p99']:>8.2f} {r['rps'] / h['rps']:>8.2f} "
                    f"{r['rps'] * urls_per:>9.0f}"
                    + (f"  FAILED {r['failed']}" if r["failed"] else ""),
                    flush=True,
                )
            results[f"n{n}"] = {"healthz": h, "check": c, "batch": b}

        base = cluster.nginx(args.instances)
        # -- rule spread under load ---------------------------------------------------------
        load = threading.Thread(
            target=wrk, args=(base + "/", 6 + 4 * args.spread_rules, str(rotate)), daemon=True
        )
        load.start()
        time.sleep(2)
        h = {"Authorization": f"Bearer {key}"}
        first = cluster.instances[0][1]
        spreads = []
        for _ in range(args.spread_rules):
            pattern = f"lan-truyen-{uuid.uuid4().hex[:8]}.com"
            t0 = time.monotonic()
            resp = requests.post(
                f"http://127.0.0.1:{first}/api/v1/sources",
                headers=h,
                timeout=30,
                json={
                    "list": "deny",
                    "pattern": pattern,
                    "name": "Giả mạo thử",
                    "category": "impersonation",
                    "scope": "national",
                    "evidence": "bench",
                    "reason": "bench",
                },
            )
            if not resp.ok:
                raise RuntimeError(resp.text)
            seen: dict[int, float] = {}
            while len(seen) < len(cluster.instances) and time.monotonic() - t0 < 30:
                for _, port in cluster.instances:
                    if port in seen:
                        continue
                    r = requests.get(
                        f"http://127.0.0.1:{port}/api/v1/check",
                        params={"url": f"https://{pattern}/x"},
                        timeout=10,
                    )
                    if r.ok and r.json()["verdict"] == "denied":
                        seen[port] = time.monotonic() - t0
                time.sleep(0.02)
            spreads.append(
                max(seen.values()) if len(seen) == len(cluster.instances) else float("inf")
            )
            time.sleep(1.0 + rng.random())  # not in step with the instances' polls
        spread = max(spreads)
        print(
            f"rule spread under load ({len(spreads)} rules, one by one): in force on all "
            f"{len(cluster.instances)} instances after "
            f"{', '.join(f'{x:.2f}' for x in spreads)} s; worst {spread:.2f} s (goal ≤ 2 s)",
            flush=True,
        )
        results["spread_s"] = spreads
        load.join()

        # -- admin import while checks run ------------------------------------------------------
        from server.core import make_rule
        from server.rule_files import write_csv

        rules = [
            make_rule(
                "deny",
                f"nhap-{i}-{rng.randrange(10**9)}.com",
                name=f"Nhập {i}",
                category="impersonation",
                evidence="bench",
                force=True,
            )
            for i in range(args.import_rules)
        ]
        csv_body = write_csv(rules, with_list=True)
        box: dict[str, object] = {}
        load = threading.Thread(
            target=lambda: box.update(wrk(base + "/", 90, str(rotate))), daemon=True
        )
        load.start()
        time.sleep(3)
        t0 = time.monotonic()
        resp = requests.post(
            f"http://127.0.0.1:{first}/api/v1/sources/import",
            headers={**h, "Content-Type": "text/csv"},
            data=csv_body,
            timeout=600,
        )
        took = time.monotonic() - t0
        last = f"https://{rules[-1].pattern}/x" if rules else None
        pending = {port for _, port in cluster.instances} if last and resp.ok else set()
        while pending and time.monotonic() - t0 < 85:  # the imported rules in force everywhere
            for port in sorted(pending):
                r = requests.get(
                    f"http://127.0.0.1:{port}/api/v1/check", params={"url": last}, timeout=30
                )
                if r.ok and r.json()["verdict"] == "denied":
                    pending.discard(port)
            time.sleep(0.05)
        everywhere = time.monotonic() - t0 if not pending else float("inf")
        load.join()
        added = resp.json().get("added") if resp.ok else resp.text[:200]
        print(
            f"import of {args.import_rules} rules via the API under load: HTTP "
            f"{resp.status_code}, added {added}, answered in {took:.1f} s, in force on all "
            f"{len(cluster.instances)} instances after {everywhere:.1f} s; checks meanwhile "
            f"(90 s of load): {box.get('requests')} requests, {box.get('failed')} failed, "
            f"p99 {box.get('p99', float('nan')):.1f} ms",
            flush=True,
        )
        results["import"] = {
            "status": resp.status_code,
            "seconds": took,
            "everywhere_s": everywhere,
            **box,
        }

        # -- warm-up, then soak ---------------------------------------------------------------
        if args.soak > 0:
            t0, offset, chunks = time.monotonic(), 0, 0
            rss0 = [rss_mib(p) for p in cluster.worker_pids()]
            fills = cluster.cache_fill()
            while min(fills) < args.warmup_fill and time.monotonic() - t0 < args.warmup_max:
                script = tmp / "warm.lua"
                script.write_text(LUA_ROTATE_FROM % (paths, offset))
                r = wrk(base + "/", 20, str(script))
                offset, chunks = (offset + r["requests"]) % len(urls), chunks + 1
                fills = cluster.cache_fill()
            warm_s = time.monotonic() - t0
            rss1 = [rss_mib(p) for p in cluster.worker_pids()]
            full = min(fills) >= args.warmup_fill
            print(
                f"warm-up {warm_s:.0f} s of rotating checks until every worker's answer cache "
                f"held ≥ {args.warmup_fill:.0%} of its bound: "
                + ("reached" if full else f"NOT reached within {args.warmup_max:.0f} s")
                + f" (fill {', '.join(f'{f:.0%}' for f in fills)}); RSS per worker "
                f"{', '.join(f'{x:.0f}' for x in rss0)} → {', '.join(f'{x:.0f}' for x in rss1)} "
                "MiB",
                flush=True,
            )
            results["warmup"] = {
                "seconds": warm_s,
                "fill": fills,
                "reached": full,
                "rss_before": rss0,
                "rss_after": rss1,
            }
            samples: list[tuple[float, list[float]]] = []
            box = {}
            load = threading.Thread(
                target=lambda: box.update(wrk(base + "/", args.soak, str(rotate))), daemon=True
            )
            t0 = time.monotonic()
            load.start()
            while load.is_alive():
                samples.append((time.monotonic() - t0, [rss_mib(p) for p in cluster.worker_pids()]))
                load.join(10)
            samples.append((time.monotonic() - t0, [rss_mib(p) for p in cluster.worker_pids()]))
            fills = cluster.cache_fill()
            base_rss = samples[0][1]
            peak = [max(col) for col in zip(*(s for _, s in samples), strict=False)]
            end = samples[-1][1]
            growth = max(pk / b0 - 1 for pk, b0 in zip(peak, base_rss, strict=False))
            half = next(s for t, s in samples if t >= args.soak / 2)
            late = max(e / m - 1 for e, m in zip(end, half, strict=False))
            print(
                f"soak {args.soak:.0f} s after the warm-up: {box.get('requests')} checks, "
                f"{box.get('failed')} failed; RSS per worker at its start "
                f"{', '.join(f'{b:.0f}' for b in base_rss)} MiB → peak "
                f"{', '.join(f'{p:.0f}' for p in peak)} MiB, end "
                f"{', '.join(f'{e:.0f}' for e in end)} MiB; growth {growth * 100:.1f} % "
                f"(goal ≤ 10 %); second half {late * 100:+.1f} %; cache fill at the end "
                f"{', '.join(f'{f:.0%}' for f in fills)}",
                flush=True,
            )
            results["soak"] = {"samples": samples, "growth": growth, "fill_end": fills, **box}
        (tmp / "results.json").write_text(json.dumps(results, default=str))
        print(f"raw results: {tmp / 'results.json'}")
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
