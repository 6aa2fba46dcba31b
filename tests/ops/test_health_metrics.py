"""/readyz and /metrics on both backends, and the JSON request log."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import Flask

from server.ops.logs import json_formatter
from tests.live import make_test_app
from tests.ops.conftest import free_port


def sample(text: str, name: str, **labels: str) -> float:
    """The sum of the samples matching ``labels`` in Prometheus text output (0 when absent):
    a label left out (``method``) matches every value of it, whatever ran before."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.fullmatch(r"([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total


def test_readyz_ready_on_each_backend(backend_app: Flask) -> None:
    resp = backend_app.test_client().get("/readyz")
    assert resp.status_code == 200
    assert resp.json == {"status": "ready", "checks": {"database": True, "lists": True}}
    assert backend_app.test_client().get("/healthz").status_code == 200


def test_readyz_names_the_database_when_it_is_unreachable(tmp_path) -> None:
    port = free_port()  # nothing listens there: connections are refused
    app = make_test_app(tmp_path / "ok", config={})
    app.extensions["khongvoi.store"].dispose()
    from server import create_app

    down = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "RATELIMIT_ENABLED": False,
            "DATABASE_URL": f"postgresql+psycopg://root@127.0.0.1:{port}/test",
        }
    )
    resp = down.test_client().get("/readyz")
    assert resp.status_code == 503
    body = resp.json
    assert body["error"]["code"] == "not_ready"
    assert "cơ sở dữ liệu" in body["error"]["message"]
    assert body["checks"] == {"database": False, "lists": False}
    assert body["down"] == ["database", "lists"]
    en = down.test_client().get("/readyz?lang=en").json
    assert "the database" in en["error"]["message"]
    assert down.test_client().get("/healthz").status_code == 200  # liveness is unaffected


def test_metrics_count_requests_verdicts_cache_and_lists(backend_app: Flask) -> None:
    c = backend_app.test_client()
    before = c.get("/metrics").get_data(as_text=True)
    url = "https://tin-gia-mao.com/bai-viet"
    for _ in range(3):
        assert c.get("/api/v1/check", query_string={"url": url}).status_code == 200
    assert c.get("/api/v1/check").status_code == 400
    resp = c.get("/metrics")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=")
    text = resp.get_data(as_text=True)

    def delta(name: str, **labels: str) -> float:
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert (
        delta("khongvoi_http_requests_total", route="/api/v1/check", method="GET", status="200")
        == 3
    )
    assert delta("khongvoi_http_requests_total", route="/api/v1/check", status="400") == 1
    assert delta("khongvoi_verdicts_total", verdict="denied") == 3
    assert delta("khongvoi_check_cache_lookups_total", result="hit") == 2
    assert delta("khongvoi_check_cache_lookups_total", result="miss") == 1
    assert delta("khongvoi_check_duration_seconds_count", kind="check") == 3
    svc = backend_app.extensions["khongvoi.checker"]
    assert sample(text, "khongvoi_lists_version") == svc.checker().version
    assert 0 <= sample(text, "khongvoi_lists_age_seconds") < 60
    assert sample(text, "khongvoi_check_cache_bytes") == svc._cache.currsize > 0
    assert sample(text, "khongvoi_check_cache_limit_bytes") == 64 * 1024 * 1024
    assert "khongvoi_database_errors_total" in text or "khongvoi_database_errors" in text


def test_metrics_count_rate_limit_refusals(tmp_path) -> None:
    app = make_test_app(
        tmp_path, config={"RATELIMIT_ENABLED": True, "RATELIMIT_CHECK": "2 per minute"}
    )
    c = app.test_client()
    before = sample(
        c.get("/metrics").get_data(as_text=True),
        "khongvoi_rate_limited_total",
        route="/api/v1/check",
    )
    codes = [
        c.get("/api/v1/check", query_string={"url": "https://a.vn/"}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 429, 429]
    after = sample(
        c.get("/metrics").get_data(as_text=True),
        "khongvoi_rate_limited_total",
        route="/api/v1/check",
    )
    assert after - before == 2


def test_metrics_protected_by_token_or_address(tmp_path) -> None:
    app = make_test_app(tmp_path, config={"METRICS_TOKEN": "s3cret-token"})
    c = app.test_client()
    resp = c.get("/metrics")
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"
    assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert c.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200

    app2 = make_test_app(tmp_path / "b", config={})
    c2 = app2.test_client()
    assert c2.get("/metrics").status_code == 200  # loopback
    far = c2.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert far.status_code == 403
    app3 = make_test_app(tmp_path / "c", config={"METRICS_ALLOW": ["10.0.0.0/8"]})
    c3 = app3.test_client()
    assert c3.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert c3.get("/metrics").status_code == 403
    app4 = make_test_app(tmp_path / "d", config={"METRICS_ENABLED": False})
    assert app4.test_client().get("/metrics").status_code == 404


def test_one_json_line_per_request_without_query_string(app: Flask, caplog) -> None:
    c = app.test_client()
    caplog.set_level(logging.INFO, logger="khongvoi.access")
    resp = c.get(
        "/api/v1/check",
        query_string={"url": "https://a.vn/x?token=TOPSECRET"},
        headers={"X-Request-Id": "req-42.a_b"},
    )
    assert resp.headers["X-Request-Id"] == "req-42.a_b"
    records = [r for r in caplog.records if r.name == "khongvoi.access"]
    assert len(records) == 1
    line = json_formatter().format(records[0])
    assert "TOPSECRET" not in line and "token" not in line
    doc = json.loads(line)
    assert doc["route"] == "/api/v1/check" and doc["path"] == "/api/v1/check"
    assert doc["status"] == 200 and doc["request_id"] == "req-42.a_b"
    assert doc["duration_ms"] >= 0 and "time" in doc and doc["method"] == "GET"


def test_request_id_is_made_when_missing_or_insane(app: Flask) -> None:
    c = app.test_client()
    a = c.get("/healthz").headers["X-Request-Id"]
    b = c.get("/healthz", headers={"X-Request-Id": "bad id; <script>"}).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", a) and re.fullmatch(r"[0-9a-f]{32}", b) and a != b


def test_errors_log_a_stack_trace_but_answer_without_one(app: Flask, caplog) -> None:
    @app.get("/api/v1/_boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom-detail")

    caplog.set_level(logging.INFO)
    resp = app.test_client().get("/api/v1/_boom", headers={"X-Request-Id": "trace-me"})
    assert resp.status_code == 500
    assert b"kaboom" not in resp.data and b"Traceback" not in resp.data
    assert resp.json["error"]["code"] == "internal_error"
    errs = [r for r in caplog.records if r.levelno >= logging.ERROR]
    doc = json.loads(json_formatter().format(errs[-1]))
    assert "Traceback" in doc["exc_info"] and "kaboom-detail" in doc["exc_info"]
    assert doc["request_id"] == "trace-me"


@pytest.mark.parametrize("hops", [1])
def test_proxy_fix_gives_rate_limits_the_real_client(tmp_path, hops: int) -> None:
    app = make_test_app(
        tmp_path,
        config={
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_CHECK": "1 per minute",
            "PROXY_FIX_X_FOR": hops,
            "PROXY_FIX_X_PROTO": hops,
        },
    )
    c = app.test_client()

    def get(ip: str) -> int:
        return c.get(
            "/api/v1/check", query_string={"url": "https://a.vn/"}, headers={"X-Forwarded-For": ip}
        ).status_code

    assert [get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.2")] == [200, 429, 200]
    plain = make_test_app(
        tmp_path / "p", config={"RATELIMIT_ENABLED": True, "RATELIMIT_CHECK": "1 per minute"}
    )
    pc = plain.test_client()
    codes = [
        pc.get(
            "/api/v1/check", query_string={"url": "https://a.vn/"}, headers={"X-Forwarded-For": ip}
        ).status_code
        for ip in ("1.1.1.1", "2.2.2.2")
    ]
    assert codes == [200, 429]  # without ProxyFix the header is ignored (cannot be forged)


def test_metrics_count_a_batch_per_item(backend_app: Flask) -> None:
    """A batch counts each URL's verdict and cache lookup (not one per request), answers from
    the same cache as single checks, and is counted in the daily statistics."""
    c = backend_app.test_client()
    svc = backend_app.extensions["khongvoi.checker"]
    before = c.get("/metrics").get_data(as_text=True)
    deny = ["https://tin-gia-mao.com/a", "https://tin-gia-mao.com/b"]
    assert c.get("/api/v1/check", query_string={"url": deny[0]}).status_code == 200
    urls = [*deny, "https://baochinhphu.vn/x", 7, "javascript:x", deny[1]]
    resp = c.post("/api/v1/check/batch", json={"urls": urls})
    assert resp.status_code == 200
    text = c.get("/metrics").get_data(as_text=True)

    def delta(name: str, **labels: str) -> float:
        return sample(text, name, **labels) - sample(before, name, **labels)

    assert delta("khongvoi_verdicts_total", verdict="denied") == 4  # 1 single + 3 in the batch
    assert delta("khongvoi_verdicts_total", verdict="official") == 1
    # hits: deny[0] (asked before) and deny[1] (second time in the batch); misses: the single
    # check, deny[1]'s first time, baochinhphu.vn, and the invalid link
    assert delta("khongvoi_check_cache_lookups_total", result="hit") == 2
    assert delta("khongvoi_check_cache_lookups_total", result="miss") == 4
    svc.flush_stats()
    store = backend_app.extensions["khongvoi.store"]
    top = dict(store.top_domains("denied", "2000-01-01"))
    assert top["tin-gia-mao.com"] == 4
    assert dict(store.top_domains("official", "2000-01-01"))["baochinhphu.vn"] == 1
