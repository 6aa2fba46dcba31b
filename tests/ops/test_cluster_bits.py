"""Memory bound of the response cache; metrics summed over gunicorn workers; deploy files."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import orjson
import pytest
import requests

from tests.live import make_test_app
from tests.ops.conftest import free_port
from tests.ops.test_health_metrics import sample

ROOT = Path(__file__).resolve().parents[2]


def _urls(n: int, off: int = 0) -> list[str]:
    return [f"https://vi-du-{(i + off) % 997}.com/tin/{i + off}/bai-viet?id={i}" for i in range(n)]


def test_response_cache_is_bounded_by_bytes_and_entries_cost_their_size(tmp_path) -> None:
    app = make_test_app(tmp_path, config={"CHECK_CACHE_BYTES": 400_000})
    svc = app.extensions["khongvoi.checker"]
    for u in _urls(300, 10**6):
        svc.check_json(u, "vi", orjson.dumps)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        n = 250
        for u in _urls(n):
            svc.check_json(u, "vi", orjson.dumps)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    # Entries replace older ones once the bound is reached, so growth stays under the bound;
    # an orjson buffer kept whole (8 KiB per entry) would blow it.
    assert svc._cache.currsize <= 400_000
    assert grown < 400_000
    bodies = [v[0] for v in svc._cache.values()]
    assert all(sys.getsizeof(b) < len(b) + 64 for b in bodies)
    for u in _urls(2000, 5000):
        svc.check_json(u, "vi", orjson.dumps)
    assert svc._cache.currsize <= 400_000 and 100 < len(svc._cache) < 2000


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_config_is_valid(tmp_path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=khongvoi.test",
            "-keyout",
            str(tmp_path / "k.pem"),
            "-out",
            str(tmp_path / "c.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = (ROOT / "deploy/nginx/khongvoi.conf").read_text(encoding="utf-8")
    site = site.replace(
        "/etc/letsencrypt/live/khongvoi.example.gov.vn/fullchain.pem", str(tmp_path / "c.pem")
    )
    site = site.replace(
        "/etc/letsencrypt/live/khongvoi.example.gov.vn/privkey.pem", str(tmp_path / "k.pem")
    )
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        ["nginx", "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def test_metrics_sum_over_gunicorn_workers(tmp_path) -> None:
    """Two workers, multiprocess mode: /metrics counts every request whichever worker served
    it (no assertion on which worker served what)."""
    db = tmp_path / "g.sqlite3"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{db}",
        SECRET_KEY="t" * 40,
        KHONGVOI_RATELIMIT_ENABLED="false",
        KHONGVOI_WORKERS="2",
        KHONGVOI_THREADS="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    port = free_port()
    env["KHONGVOI_BIND"] = f"127.0.0.1:{port}"
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run(
        [flask, "--app", "server", "init-db"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "server:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/readyz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.1)
        n = 40
        with requests.Session() as s:
            for i in range(n):
                s.get(
                    base + "/api/v1/check",
                    params={"url": f"https://vi-du-{i}.com/"},
                    headers={"Connection": "close"},
                    timeout=10,
                ).raise_for_status()
        text = requests.get(base + "/metrics", timeout=10).text
        assert (
            sample(text, "khongvoi_http_requests_total", route="/api/v1/check", status="200") == n
        )
        assert (
            sum(
                sample(text, "khongvoi_verdicts_total", verdict=v)
                for v in ("official", "unknown", "suspicious", "denied")
            )
            == n
        )
        assert sample(text, "khongvoi_lists_version") >= 1
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_systemd_units_run_commands_that_exist_on_valid_schedules(app) -> None:
    """Every timer has its service; every service's ExecStart names a real `flask` command
    (run here with --help); every OnCalendar is valid (systemd-analyze, when present)."""
    import re
    import shlex

    units = ROOT / "deploy" / "systemd"
    runner = app.test_cli_runner()
    timers = sorted(units.glob("*.timer"))
    assert {t.stem for t in timers} >= {"khongvoi-backup", "khongvoi-feeds", "khongvoi-health"}
    for timer in timers:
        service = units / f"{timer.stem}.service"
        assert service.exists(), timer.name
        exec_line = re.search(r"^ExecStart=(.*)$", service.read_text(encoding="utf-8"), re.M)
        words = shlex.split(exec_line.group(1).replace("/bin/sh -c 'exec ", "").rstrip("'"))
        args = words[words.index("server") + 1 :]
        command = [a for a in args if not a.startswith("/")][:2]
        got = runner.invoke(args=[*command, "--help"])
        assert got.exit_code == 0, (service.name, command, got.output)
        calendar = re.search(r"^OnCalendar=(.*)$", timer.read_text(encoding="utf-8"), re.M)
        if shutil.which("systemd-analyze"):
            check = subprocess.run(
                ["systemd-analyze", "calendar", calendar.group(1)], capture_output=True, text=True
            )
            assert check.returncode == 0, (timer.name, check.stderr)
