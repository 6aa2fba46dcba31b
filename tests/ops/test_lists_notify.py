"""Lists-changed notices over Redis: two instances on one real PostgreSQL, a real Redis.

Each instance is its own process (``tests.ops.serve``, as two gunicorn instances would be).
With Redis a rule added through one is in force on the other long before its poll would
have found it; with Redis killed, writes still succeed and the poll alone spreads the change;
Redis back, the instances subscribe again by themselves.
A poll that finds another thread rebuilding (the listener's, after a notice) does not wait.
"""

from __future__ import annotations

import time
import uuid

import pytest
import redis
import requests

from server.store import SQLStore
from tests.store.conftest import pg_store_url

CHANNEL = "khongvoi:lists"


def _rule(pattern: str) -> dict:  # type: ignore[type-arg]
    return {
        "list": "deny",
        "pattern": pattern,
        "name": "Giả mạo thử",
        "category": "impersonation",
        "scope": "national",
        "evidence": "test",
        "reason": "thử thông báo danh sách",
    }


def _verdict(srv, pattern: str) -> str:  # type: ignore[no-untyped-def]
    resp = requests.get(
        srv.url + "/api/v1/check", params={"url": f"https://{pattern}/bai"}, timeout=10
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["verdict"])


def _until_denied(srv, pattern: str, limit: float) -> float:  # type: ignore[no-untyped-def]
    """Seconds until ``srv`` denies ``pattern`` (fails after ``limit``)."""
    t0 = time.monotonic()
    while _verdict(srv, pattern) != "denied":
        assert time.monotonic() - t0 < limit, f"{pattern} not in force after {limit} s"
        time.sleep(0.01)
    return time.monotonic() - t0


def _subscribers(url: str) -> int:
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        return int(dict(client.pubsub_numsub(CHANNEL)).get(CHANNEL.encode(), 0))
    finally:
        client.close()


def _wait_subscribed(url: str, count: int, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while _subscribers(url) < count:
        assert time.monotonic() < deadline, f"fewer than {count} listeners subscribed"
        time.sleep(0.05)


def _pair(pg_schema, redis_url: str, app_process, poll: float):  # type: ignore[no-untyped-def]
    """Instance A (migrates and seeds the schema) and B on the same database, an admin key."""
    config = {
        "DATABASE_URL": pg_store_url(pg_schema),
        "REDIS_URL": redis_url,
        "LISTS_POLL_SECONDS": poll,
    }
    a = app_process(config, "a")
    b = app_process({**config, "_seed": False}, "b")
    owner = SQLStore(pg_store_url(pg_schema))
    try:
        key = owner.create_key("notify", "admin")[1]
    finally:
        owner.dispose()
    for srv in (a, b):  # the first check loads the lists and starts the listener
        assert _verdict(srv, "tin-gia-mao.com") == "denied"
    return a, b, {"Authorization": f"Bearer {key}"}


@pytest.mark.postgres
def test_rule_added_on_one_instance_reaches_the_other_before_its_poll(
    pg_schema, redis_server, app_process
) -> None:
    # A 60 s poll: only the notice can bring the rule to B within the test's few seconds.
    a, b, headers = _pair(pg_schema, redis_server.url, app_process, poll=60.0)
    _wait_subscribed(redis_server.url, 2)
    for _ in range(3):
        pattern = f"thong-bao-{uuid.uuid4().hex[:8]}.com"
        assert _verdict(b, pattern) == "unknown"
        resp = requests.post(a.url + "/api/v1/sources", json=_rule(pattern), headers=headers)
        assert resp.status_code == 201, resp.text
        assert _verdict(a, pattern) == "denied"  # the writer rebuilt in its own request
        assert _until_denied(b, pattern, limit=5.0) < 2.0
    assert "not published" not in a.log() and "unavailable" not in b.log()


@pytest.mark.postgres
def test_redis_killed_writes_succeed_and_the_poll_spreads_them_then_it_recovers(
    pg_schema, redis_server, app_process
) -> None:
    a, b, headers = _pair(pg_schema, redis_server.url, app_process, poll=1.0)
    _wait_subscribed(redis_server.url, 2)
    redis_server.kill()
    pattern = f"khong-redis-{uuid.uuid4().hex[:8]}.com"
    resp = requests.post(a.url + "/api/v1/sources", json=_rule(pattern), headers=headers)
    assert resp.status_code == 201, resp.text  # never a 500: the notice is just not sent
    assert _verdict(a, pattern) == "denied"
    assert _until_denied(b, pattern, limit=10.0) < 10.0  # by the 1 s poll alone
    deadline = time.monotonic() + 10
    while "notices unavailable (Redis unreachable)" not in b.log():
        assert time.monotonic() < deadline, b.log()
        time.sleep(0.1)
    assert "not published: Redis unreachable" in a.log()
    assert '"status": 500' not in a.log() + b.log()
    assert "Traceback" not in a.log() + b.log()

    redis_server.start()  # the listeners subscribe again by themselves
    _wait_subscribed(redis_server.url, 2, limit=15.0)
    assert "notices received again" in b.log()
    pattern = f"redis-lai-{uuid.uuid4().hex[:8]}.com"
    resp = requests.post(a.url + "/api/v1/sources", json=_rule(pattern), headers=headers)
    assert resp.status_code == 201, resp.text
    assert _until_denied(b, pattern, limit=10.0) < 10.0
    assert "published again" in a.log()


def test_a_poll_during_another_threads_rebuild_answers_from_the_loaded_lists(tmp_path) -> None:
    """Requests never queue behind a rebuild: the thread rebuilding swaps the new lists in."""
    import threading

    from server.core import make_rule
    from tests.live import make_test_app

    app = make_test_app(tmp_path)  # polls on every check (LISTS_POLL_SECONDS = 0)
    svc, store = app.extensions["khongvoi.checker"], app.extensions["khongvoi.store"]
    old = svc.checker().version
    store.add_rule(make_rule("deny", "dang-dung.com", name="x", category="impersonation"))
    held, release = threading.Event(), threading.Event()

    def rebuilding() -> None:  # stands for a long rebuild in another thread
        with svc._lock:
            held.set()
            release.wait(10)

    other = threading.Thread(target=rebuilding)
    other.start()
    try:
        assert held.wait(5)
        t0 = time.monotonic()
        assert svc.check("https://dang-dung.com/").verdict == "unknown"  # the loaded lists
        assert svc.loaded_version() == old and time.monotonic() - t0 < 1.0
    finally:
        release.set()
        other.join(5)
    assert svc.check("https://dang-dung.com/").verdict == "denied"  # the next poll rebuilds
    store.dispose()
