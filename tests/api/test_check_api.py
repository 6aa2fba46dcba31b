"""``/api/v1/check`` and ``/api/v1/check/batch`` through the Flask test client."""

from __future__ import annotations

import pytest

OFFICIAL = "https://xaydungchinhsach.baochinhphu.vn/abc"


def test_get_check_official_default_lists(client):
    resp = client.get("/api/v1/check", query_string={"url": OFFICIAL})
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["verdict"] == "official"
    assert body["url"] == OFFICIAL
    assert body["canonical_url"] == OFFICIAL
    assert body["host"] == "xaydungchinhsach.baochinhphu.vn"
    assert body["domain"] == "baochinhphu.vn"
    assert body["rule"]["pattern"] == "baochinhphu.vn"
    assert body["rule"]["list"] == "allow"
    assert body["rule"]["evidence"]
    assert body["chain"] == [OFFICIAL]
    assert body["imitates"] is None
    assert [r["code"] for r in body["reasons"]] == ["allow_listed"]
    assert body["advice"]["five_khong"][0] == "Không tin ngay"
    assert isinstance(body["lists_version"], int) and body["lists_version"] > 0


def test_post_check_same_as_get(client):
    get = client.get("/api/v1/check", query_string={"url": "tin-gia-mao.com/x"}).get_json()
    post = client.post("/api/v1/check", json={"url": "tin-gia-mao.com/x"}).get_json()
    assert get == post
    assert post["verdict"] == "denied"
    assert post["rule"]["name"] == "Giả mạo Báo Thử Nghiệm"


@pytest.mark.parametrize(
    ("url", "verdict", "first_reason"),
    [
        ("https://tin-chinh-thong.vn/bai-viet", "official", "allow_listed"),
        ("https://m.facebook.com/ubndthunghiem/posts/1", "official", "allow_listed"),
        ("https://m.facebook.com/ubndthunghiem2", "suspicious", "lookalike_page"),
        ("https://m.facebook.com/uy.ban.thu.nghiem", "unknown", "not_listed"),
        ("https://example.org/", "unknown", "not_listed"),
        ("http://2130706433/login", "suspicious", "ip_address_host"),
        ("https://abc.hanoi.gov.vn/tin", "official", "allow_listed"),
    ],
)
def test_verdicts(client, url, verdict, first_reason):
    body = client.get("/api/v1/check", query_string={"url": url}).get_json()
    assert body["verdict"] == verdict
    assert body["reasons"][0]["code"] == first_reason


def test_wrapper_chain_reported(client):
    wrapped = "https://l.facebook.com/l.php?u=https%3A%2F%2Ftin-gia-mao.com%2Fa&h=AT0"
    body = client.get("/api/v1/check", query_string={"url": wrapped}).get_json()
    assert body["verdict"] == "denied"
    assert body["chain"] == [wrapped, "https://tin-gia-mao.com/a"]
    assert "unwrapped_redirect" in [r["code"] for r in body["reasons"]]


def test_english_messages(client):
    vi = client.get("/api/v1/check", query_string={"url": OFFICIAL}).get_json()
    en = client.get("/api/v1/check", query_string={"url": OFFICIAL, "lang": "en"}).get_json()
    by_header = client.get(
        "/api/v1/check", query_string={"url": OFFICIAL}, headers={"Accept-Language": "en-US"}
    ).get_json()
    assert vi["verdict_label"] == "Nguồn chính thống"
    assert en["verdict_label"] == "Official source" == by_header["verdict_label"]
    assert en["advice"]["five_khong"][0] == "Do not believe it at once"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "empty_url"),
        ("   ", "empty_url"),
        ("javascript:alert(1)", "unsupported_scheme"),
        ("data:text/html,hi", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("chrome://settings", "unsupported_scheme"),
        ("http://", "missing_host"),
        ("https://" + "a" * 9000 + ".vn", "url_too_long"),
    ],
)
def test_bad_urls_get_json_errors(client, url, code):
    resp = client.get("/api/v1/check", query_string={"url": url})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == code
    assert resp.get_json()["error"]["message"]


def test_missing_url_parameter(client):
    resp = client.get("/api/v1/check")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "missing_url"


def test_batch_keeps_order_and_isolates_errors(client):
    urls = [OFFICIAL, "javascript:x", 42, "tin-gia-mao.com", "example.org"]
    resp = client.post("/api/v1/check/batch", json={"urls": urls})
    assert resp.status_code == 200
    results = resp.get_json()["results"]
    assert [r.get("verdict") for r in results] == ["official", None, None, "denied", "unknown"]
    assert results[1]["error"]["code"] == "unsupported_scheme"
    assert results[2] == {"url": 42, "error": results[2]["error"]}
    assert [r["url"] for r in results] == urls


def test_batch_limit(client, app):
    urls = ["https://a.vn/"] * (app.config["BATCH_MAX"] + 1)
    resp = client.post("/api/v1/check/batch", json={"urls": urls})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "batch_too_large"
    ok = client.post("/api/v1/check/batch", json={"urls": urls[:-1]})
    assert ok.status_code == 200 and len(ok.get_json()["results"]) == app.config["BATCH_MAX"]


def test_cached_answer_follows_list_changes(client, app):
    from server.core import make_rule

    url = "https://moi-them.vn/a"
    assert client.get("/api/v1/check", query_string={"url": url}).get_json()["verdict"] == (
        "unknown"
    )
    store = app.extensions["khongvoi.store"]
    store.add_rule(make_rule("allow", "moi-them.vn", name="Mới thêm", category="press_local"))
    body = client.get("/api/v1/check", query_string={"url": url}).get_json()
    assert body["verdict"] == "official"
    assert body["lists_version"] == store.lists_version()


def test_query_read_as_werkzeug_reads_it(client):
    """The check route parses its own query string (cheaper than request.args): the first
    value wins, ``+`` and ``%XX`` decode, ``lang`` beats Accept-Language, a bad one is a 400."""
    first = client.get(
        "/api/v1/check?url=tin-gia-mao.com%2Fx&url=" + "https%3A%2F%2Fbaochinhphu.vn%2F"
    ).get_json()
    assert first["verdict"] == "denied"
    spaced = client.get("/api/v1/check?url=+https%3A%2F%2Fbaochinhphu.vn%2Fa+").get_json()
    assert spaced["verdict"] == "official"
    vi = client.get(
        "/api/v1/check?url=baochinhphu.vn&lang=vi", headers={"Accept-Language": "en"}
    ).get_json()
    assert vi["reasons"][0]["message"].startswith("Có trong danh sách")
    en = client.get("/api/v1/check?url=baochinhphu.vn", headers={"Accept-Language": "en-GB"})
    assert en.get_json()["reasons"][0]["message"].startswith("On the list")
    bad = client.get("/api/v1/check?url=baochinhphu.vn&lang=fr")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_lang"
    missing = client.get("/api/v1/check?lang=en")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_url"
