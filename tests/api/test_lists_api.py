"""``GET /api/v1/lists``: versioned snapshot, ETag, If-None-Match, gzip."""

from __future__ import annotations

import gzip
import json

from server.core import make_rule


def test_snapshot_has_every_rule_and_version(client, app):
    resp = client.get("/api/v1/lists")
    assert resp.status_code == 200
    body = resp.get_json()
    store = app.extensions["khongvoi.store"]
    assert body["version"] == store.lists_version()
    patterns = {(r["pattern"], r["list"]) for r in body["rules"]}
    assert ("baochinhphu.vn", "allow") in patterns
    assert ("tin-gia-mao.com", "deny") in patterns
    assert ("gov.vn", "allow") in patterns
    assert len(patterns) == len(list(store.export_rules()))
    assert any(w["host"] == "l.facebook.com" for w in body["wrappers"])
    assert "utm_*" in body["tracking_params"]


def test_etag_304_and_change(client, app):
    first = client.get("/api/v1/lists")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/lists", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    app.extensions["khongvoi.store"].add_rule(make_rule("deny", "gia-mao-moi.com"))
    changed = client.get("/api/v1/lists", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["version"] > first.get_json()["version"]


def test_gzip_when_accepted(client):
    resp = client.get("/api/v1/lists", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(resp.data))["rules"]
    assert "Accept-Encoding" in resp.headers["Vary"]


def test_snapshot_carries_the_legal_basis_where_a_rule_has_one(client, app):
    store = app.extensions["khongvoi.store"]
    store.add_rule(
        make_rule(
            "allow",
            "bao-co-co-so.vn",
            name="Báo",
            evidence="https://x.vn/gt",
            basis="Giấy phép số 5/GP-BTTTT",
        )
    )
    app.extensions["khongvoi.checker"].refresh(force=True)
    rules = {r["pattern"]: r for r in client.get("/api/v1/lists").get_json()["rules"]}
    assert rules["bao-co-co-so.vn"]["basis"] == "Giấy phép số 5/GP-BTTTT"
    assert "basis" not in rules["tin-gia-mao.com"]  # no empty field for rules without one


def test_snapshot_carries_the_lookalike_data(client):
    """The offline detector's data (extension/lib/lookalike.js), in the gzipped body too."""
    resp = client.get("/api/v1/lists", headers={"Accept-Encoding": "gzip"})
    section = json.loads(gzip.decompress(resp.data))["lookalike"]
    assert section["format"] == 1
    assert "vnexpress.net" in section["domains"] and section["brands"]["vnexpress"] == "net"
    assert "tin-chinh-thong.vn" in section["domains"]  # the allow list as it stands
    assert section["plain"]["o"]  # the skeleton: host characters that read as o
