"""One JSON error shape on every route under /api/: 404, 405, 413, 415, malformed JSON."""

from __future__ import annotations

import pytest


def _assert_error(resp, status, code):
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert b"Traceback" not in resp.data and b"<html" not in resp.data.lower()


def test_404_is_json(client):
    _assert_error(client.get("/api/v1/nope"), 404, "not_found")


def test_405_is_json(client):
    resp = client.delete("/api/v1/check")
    _assert_error(resp, 405, "method_not_allowed")
    assert "GET" in resp.headers["Allow"]


def test_415_when_not_json(client):
    resp = client.post("/api/v1/check", data="url=x", content_type="text/plain")
    _assert_error(resp, 415, "unsupported_media_type")


@pytest.mark.parametrize("body", [b"{", b"[1,", b"\xff\xfe", b"nul"])
def test_malformed_json(client, body):
    resp = client.post("/api/v1/check", data=body, content_type="application/json")
    _assert_error(resp, 400, "invalid_json")


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"1", b"null"])
def test_json_not_an_object(client, body):
    resp = client.post("/api/v1/check", data=body, content_type="application/json")
    _assert_error(resp, 400, "invalid_body")


def test_413_oversized_body(client, app):
    big = b'{"urls": ["' + b"a" * app.config["MAX_CONTENT_LENGTH"] + b'"]}'
    resp = client.post("/api/v1/check/batch", data=big, content_type="application/json")
    _assert_error(resp, 413, "payload_too_large")


def test_english_error(client):
    resp = client.get("/api/v1/check", query_string={"url": "", "lang": "en"})
    assert resp.get_json()["error"]["message"] == "No link was given."


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


def test_html_error_outside_api(client):
    resp = client.get("/no-such-page")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "Không tìm thấy" in resp.get_data(as_text=True)


def test_batch_urls_of_the_wrong_type_are_named_as_such(client):
    missing = client.post("/api/v1/check/batch", json={})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_urls"
    wrong = client.post("/api/v1/check/batch", json={"urls": "https://a.vn/"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "invalid_urls"
    assert "danh sách" in wrong.get_json()["error"]["message"]


def test_ops_routes_answer_errors_in_the_json_shape(client):
    for path in ("/readyz", "/healthz"):
        resp = client.post(path)
        assert resp.status_code == 405 and resp.mimetype == "application/json", path
        assert resp.get_json()["error"]["code"] == "method_not_allowed"
