"""Degraded modes with the real PostgreSQL and a real Redis: refused, revoked, killed."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from server import create_app
from server.core import make_rule
from server.store import SQLStore
from tests.store.conftest import pg_store_url

pytestmark = pytest.mark.postgres

DENIED = "https://tin-gia-mao.com/bai"
RULE = {
    "list": "deny",
    "pattern": "gia-mao-moi.com",
    "name": "Giả mạo mới",
    "category": "impersonation",
    "scope": "national",
    "evidence": "test",
    "reason": "thử khi mất cơ sở dữ liệu",
}


def _app(url: str):  # type: ignore[no-untyped-def]
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "RATELIMIT_ENABLED": False,
            "LISTS_POLL_SECONDS": 0.0,
            "DATABASE_URL": url,
            "STATS_FLUSH_SECONDS": 0.0,
        }
    )


def _verdict(client, url: str) -> str:  # type: ignore[no-untyped-def]
    resp = client.get("/api/v1/check", query_string={"url": url})
    assert resp.status_code == 200, resp.data
    return resp.json["verdict"]


def test_database_refused_checks_answer_writes_503_then_recovery(pg_role) -> None:
    app = _app(pg_role.url)
    owner = SQLStore(pg_store_url(pg_role.schema))
    try:
        c = app.test_client()
        secret = app.extensions["khongvoi.store"].create_key("ops", "admin")[1]
        h = {"Authorization": f"Bearer {secret}"}
        assert _verdict(c, DENIED) == "denied"
        assert c.get("/readyz").status_code == 200
        before = owner.lists_version()

        pg_role.cut()  # connections refused for the app's role
        for _ in range(3):
            assert _verdict(c, DENIED) == "denied"  # from the lists already loaded
        assert _verdict(c, "https://gia-mao-moi.com/x") == "unknown"
        ready = c.get("/readyz")
        assert ready.status_code == 503 and ready.json["down"] == ["database"]
        write = c.post("/api/v1/sources", json=RULE, headers=h)
        assert write.status_code == 503
        assert write.json["error"]["code"] == "database_unavailable"
        assert "chưa lưu gì" in write.json["error"]["message"]
        page = c.get("/admin/login")
        assert page.status_code in (200, 503) and b"Traceback" not in page.data
        assert owner.lists_version() == before  # nothing written
        assert not list(owner.find_rules(q="gia-mao-moi")[1])
        owner.add_rule(
            make_rule(
                "deny",
                "gia-mao-moi.com",
                name="Thêm khi app mất kết nối",
                category="impersonation",
                force=True,
            )
        )

        pg_role.restore()
        deadline = time.monotonic() + 10
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "readyz did not recover"
            time.sleep(0.2)
        assert _verdict(c, "https://gia-mao-moi.com/x") == "denied"  # change picked up
        ok = c.post("/api/v1/sources", json={**RULE, "pattern": "gia-mao-sau.com"}, headers=h)
        assert ok.status_code == 201, ok.data
    finally:
        app.extensions["khongvoi.store"].dispose()
        owner.dispose()


def test_privilege_revoked_mid_write_leaves_nothing_half_written(pg_role) -> None:
    app = _app(pg_role.url)
    owner = SQLStore(pg_store_url(pg_role.schema))
    try:
        c = app.test_client()
        secret = app.extensions["khongvoi.store"].create_key("ops", "admin")[1]
        h = {"Authorization": f"Bearer {secret}"}
        total, _ = owner.find_rules()
        version = owner.lists_version()
        # The rule insert is allowed, the audit entry written in the same transaction not.
        pg_role.sql(f"REVOKE INSERT ON {pg_role.schema}.audit_log FROM {pg_role.name}")
        resp = c.post("/api/v1/sources", json=RULE, headers=h)
        assert resp.status_code == 503, resp.data
        assert resp.json["error"]["code"] == "database_unavailable"
        assert owner.find_rules()[0] == total and owner.lists_version() == version
        assert _verdict(c, DENIED) == "denied"
        pg_role.sql(f"GRANT INSERT ON {pg_role.schema}.audit_log TO {pg_role.name}")
        assert c.post("/api/v1/sources", json=RULE, headers=h).status_code == 201
        assert owner.find_rules()[0] == total + 1
    finally:
        app.extensions["khongvoi.store"].dispose()
        owner.dispose()


def test_poll_survives_a_schema_it_may_not_read(pg_role) -> None:
    """Privileges revoked on the lists table: checks keep answering, readyz stays honest."""
    app = _app(pg_role.url)
    try:
        c = app.test_client()
        assert _verdict(c, DENIED) == "denied"
        pg_role.sql(f"REVOKE SELECT ON {pg_role.schema}.lists_state FROM {pg_role.name}")
        assert _verdict(c, DENIED) == "denied"
        pg_role.sql(f"GRANT SELECT ON {pg_role.schema}.lists_state TO {pg_role.name}")
        assert _verdict(c, DENIED) == "denied"
    finally:
        app.extensions["khongvoi.store"].dispose()


def _hit(srv, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        requests.get(
            srv.url + "/api/v1/check", params={"url": "https://a.vn/"}, timeout=10
        ).status_code
        for _ in range(n)
    ]


def _limited(redis_url: str, mode: str) -> dict:  # type: ignore[type-arg]
    return {
        "REDIS_URL": redis_url,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_CHECK": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"kops-{uuid.uuid4().hex[:8]}",
        "RATELIMIT_REDIS_DOWN": mode,
    }


def test_redis_down_falls_back_to_memory_and_recovers(redis_server, app_process) -> None:
    srv = app_process(_limited(redis_server.url, "memory"))
    assert _hit(srv, 2) == [200, 200]
    assert requests.get(srv.url + "/readyz", timeout=10).status_code == 200
    redis_server.kill()
    codes = _hit(srv, 4)
    assert codes == [200, 200, 200, 429]  # counted per instance, in memory, from zero
    assert "falling back to in-memory storage" in srv.log()
    ready = requests.get(srv.url + "/readyz", timeout=10)
    assert ready.status_code == 503 and ready.json()["down"] == ["redis"]
    redis_server.start()
    deadline = time.monotonic() + 20
    while "Rate limit storage recovered" not in srv.log():
        assert time.monotonic() < deadline, "limiter did not go back to Redis"
        _hit(srv, 1)
        time.sleep(0.3)
    assert requests.get(srv.url + "/readyz", timeout=10).status_code == 200


def test_redis_down_fail_open(redis_server, app_process) -> None:
    srv = app_process(_limited(redis_server.url, "open"))
    assert _hit(srv, 3) == [200, 200, 200]
    redis_server.kill()
    assert _hit(srv, 5) == [200] * 5  # no limits while Redis is away, never a 500
    assert "Failed to rate limit. Swallowing error" in srv.log()


def test_redis_down_fail_closed(redis_server, app_process) -> None:
    srv = app_process(_limited(redis_server.url, "closed"))
    assert _hit(srv, 1) == [200]
    redis_server.kill()
    resp = requests.get(srv.url + "/api/v1/check", params={"url": "https://a.vn/"}, timeout=10)
    assert resp.status_code == 503
    assert resp.json()["error"]["code"] == "rate_limit_unavailable"
    assert resp.headers["Retry-After"] == "10"
    assert requests.get(srv.url + "/healthz", timeout=10).status_code == 200
    assert "RATELIMIT_REDIS_DOWN=closed" in srv.log()
    redis_server.start()
    assert _hit(srv, 1) == [200]


def test_bad_redis_down_mode_is_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="RATELIMIT_REDIS_DOWN"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "t",
                "REDIS_URL": "redis://127.0.0.1:1/0",
                "RATELIMIT_REDIS_DOWN": "maybe",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            }
        )
