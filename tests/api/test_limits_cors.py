"""Rate limits (in memory and in the real Redis) and CORS."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from tests.conftest import TEST_RULES
from tests.live import make_test_app

REDIS_URL = os.environ.get("KHONGVOI_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _limited_app(tmp_path, **config):
    cfg = {"RATELIMIT_ENABLED": True, "RATELIMIT_CHECK": "3 per minute"}
    cfg.update(config)
    return make_test_app(tmp_path, TEST_RULES, config=cfg)


def test_check_limited_per_ip_in_memory(tmp_path):
    app = _limited_app(tmp_path)
    client = app.test_client()
    url = {"url": "https://baochinhphu.vn/"}
    codes = [client.get("/api/v1/check", query_string=url).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    other = client.get("/api/v1/check", query_string=url, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 200  # another address has its own budget
    resp = client.get("/api/v1/check", query_string=url)
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) > 0
    app.extensions["khongvoi.store"].dispose()


SECOND_WORKER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.live import make_test_app
from tests.conftest import TEST_RULES
app = make_test_app(Path({tmp!r}), TEST_RULES, config={{
    "RATELIMIT_ENABLED": True, "RATELIMIT_CHECK": "3 per minute", "REDIS_URL": {redis!r}}})
client = app.test_client()
for _ in range(2):
    r = client.get("/api/v1/check", query_string={{"url": "https://baochinhphu.vn/"}},
                   environ_base={{"REMOTE_ADDR": {ip!r}}})
    print(r.status_code)
"""


@pytest.mark.redis
def test_limits_shared_through_redis_by_two_processes(tmp_path):
    """Two workers (this process and a child) spend one budget kept in the real Redis."""
    import pathlib
    import subprocess
    import sys

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis on 127.0.0.1:6379 is required under CI")
        pytest.skip("Redis not reachable")
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    first = _limited_app(tmp_path / "a", REDIS_URL=REDIS_URL)
    client = first.test_client()
    codes = [
        client.get(
            "/api/v1/check",
            query_string={"url": "https://baochinhphu.vn/"},
            environ_base={"REMOTE_ADDR": ip},
        ).status_code
        for _ in range(2)
    ]
    (tmp_path / "b").mkdir()
    root = str(pathlib.Path(__file__).resolve().parents[2])
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            SECOND_WORKER.format(root=root, tmp=str(tmp_path / "b"), redis=REDIS_URL, ip=ip),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
    )
    assert child.returncode == 0, child.stderr
    codes += [int(c) for c in child.stdout.split()]
    assert codes == [200, 200, 200, 429]
    store = redis.Redis.from_url(REDIS_URL)
    keys = store.keys(f"*{ip}*")
    assert keys, "the counter lives in Redis"
    store.delete(*keys)
    first.extensions["khongvoi.store"].dispose()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("chrome-extension://abcdefghijklmnop", True),
        ("moz-extension://1234-5678", True),
        ("https://cms.example.vn", True),
        ("https://evil.example", False),
    ],
)
def test_cors_only_for_extensions_and_configured_origins(tmp_path, origin, allowed):
    app = make_test_app(
        tmp_path, config={"CORS_ORIGINS": ["https://cms.example.vn"]}, defaults=False
    )
    client = app.test_client()
    resp = client.get("/api/v1/check", query_string={"url": "a.vn"}, headers={"Origin": origin})
    assert (resp.headers.get("Access-Control-Allow-Origin") == origin) is allowed
    pre = client.options(
        "/api/v1/check", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert pre.status_code == (204 if allowed else 403)
    app.extensions["khongvoi.store"].dispose()
