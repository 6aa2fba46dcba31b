"""Admin API inputs are read strictly, never ignored or guessed (review 9, findings 4, 15b, 18):
``dry_run``/``force`` booleans, ``list``/``status``/``format`` choices, ``offset``/``limit``,
import errors in the asked language, key names and revocation, report triage."""

from __future__ import annotations

import pytest

CSV = "pattern,name,evidence\nthu-dry-run.vn,Thử,CV 1\n"
PLATFORM_CSV = "pattern,name,evidence\nfacebook.com,Sai,x\n"


@pytest.fixture
def store(app):
    return app.extensions["khongvoi.store"]


@pytest.fixture
def h(store):
    return {"Authorization": f"Bearer {store.create_key('CMS tỉnh', 'admin')[1]}"}


def _import(client, h, query, body=CSV, content_type="text/csv", **headers):
    return client.post(
        f"/api/v1/sources/import?{query}",
        data=body.encode(),
        content_type=content_type,
        headers={**h, **headers},
    )


def _listed(client):
    return (
        client.get("/api/v1/check", query_string={"url": "thu-dry-run.vn"}).get_json()["verdict"]
        == "official"
    )


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "YES", "on", "On"])
def test_every_true_spelling_of_dry_run_changes_nothing(client, h, value):
    resp = _import(client, h, f"list=allow&dry_run={value}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["dry_run"] is True and body["added"] == 1
    assert not _listed(client)


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "NO", "off", "OFF"])
def test_every_false_spelling_of_dry_run_applies(client, h, value):
    resp = _import(client, h, f"list=allow&dry_run={value}")
    assert resp.status_code == 200 and resp.get_json()["dry_run"] is False
    assert _listed(client)


@pytest.mark.parametrize("value", ["", "2", "tru", "y", "dry", "1 ", "none", "null"])
def test_any_other_dry_run_is_refused_and_nothing_is_imported(client, h, store, value):
    version = store.lists_version()
    resp = _import(client, h, f"list=allow&dry_run={value}")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_dry_run"
    assert not _listed(client)
    assert store.lists_version() == version


def test_import_row_errors_in_the_asked_language_with_one_message(client, h):
    for query, headers, marker in [
        ("list=allow", {}, "nền tảng"),
        ("list=allow&lang=en", {}, "platform"),
        ("list=allow", {"Accept-Language": "en-US,en;q=0.9"}, "platform"),
    ]:
        resp = _import(client, h, query, PLATFORM_CSV, **headers)
        assert resp.status_code == 400
        body = resp.get_json()
        assert body["error"]["code"] == "invalid_rows"
        english = marker == "platform"
        assert (
            body["error"]["message"].startswith("Some rows")
            if english
            else "không nhập gì" in body["error"]["message"]
        )
        [row] = body["invalid"]
        assert set(row) == {"line", "code", "message"}
        assert row["line"] == 2 and row["code"] == "platform_host_rule"
        assert marker in row["message"].lower()


def test_import_force_accepts_platform_host_rows(client, h):
    refused = _import(client, h, "list=deny", PLATFORM_CSV)
    assert refused.status_code == 400
    forced = _import(client, h, "list=deny&force=1", PLATFORM_CSV)
    assert forced.status_code == 200 and forced.get_json()["added"] == 1
    bad = _import(client, h, "list=deny&force=maybe", PLATFORM_CSV)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_force"


@pytest.mark.parametrize("content_type", ["application/octet-stream", "application/xml"])
def test_import_415_says_csv_is_accepted(client, h, content_type):
    resp = _import(client, h, "list=allow", content_type=content_type)
    assert resp.status_code == 415
    assert "CSV" in resp.get_json()["error"]["message"]
    en = _import(client, h, "list=allow&lang=en", content_type=content_type)
    assert "CSV" in en.get_json()["error"]["message"]


@pytest.mark.parametrize("content_type", ["text/comma-separated-values", "application/csv"])
def test_import_reads_other_csv_media_types(client, h, content_type):
    resp = _import(client, h, "list=allow&dry_run=1", content_type=content_type)
    assert resp.status_code == 200 and resp.get_json()["added"] == 1


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/api/v1/sources?list=foo", "invalid_list"),
        ("/api/v1/sources?list=", "invalid_list"),
        ("/api/v1/sources?limit=-5", "invalid_limit"),
        ("/api/v1/sources?offset=-1", "invalid_offset"),
        ("/api/v1/sources?limit=abc", "invalid_limit"),
        ("/api/v1/sources?limit=1.5", "invalid_limit"),
        ("/api/v1/audit?limit=-1", "invalid_limit"),
        ("/api/v1/reports?status=bogus", "invalid_status"),
        ("/api/v1/sources/export?list=foo", "invalid_list"),
        ("/api/v1/sources/export?format=xml", "invalid_format"),
    ],
)
def test_bad_admin_query_parameters_are_refused(client, h, path, code):
    resp = client.get(path, headers=h)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == code


def test_import_with_bad_list_is_refused(client, h):
    resp = _import(client, h, "list=foo&dry_run=1")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_list"


def test_good_admin_query_parameters_still_work(client, h):
    page = client.get("/api/v1/sources?list=deny&limit=2&offset=0", headers=h).get_json()
    assert len(page["items"]) == 2 and all(r["list"] == "deny" for r in page["items"])
    assert client.get("/api/v1/sources?limit=0", headers=h).get_json()["items"] == []
    assert client.get("/api/v1/reports?status=open", headers=h).status_code == 200
    assert client.get("/api/v1/sources/export?format=json&list=allow", headers=h).status_code == 200


def test_bad_parameters_without_a_key_still_get_401(client):
    resp = client.get("/api/v1/sources?list=foo&limit=-1")
    assert resp.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ["a"], "scope": "check"},
        {"name": 5, "scope": "check"},
        {"name": "  ", "scope": "check"},
        {"name": "x" * 101, "scope": "check"},
        {"name": "bot", "scope": "root"},
        {"name": "bot"},
    ],
)
def test_bad_key_requests_are_refused(client, h, store, body):
    before = len(store.list_keys())
    resp = client.post("/api/v1/keys", json=body, headers=h)
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_key"
    assert len(store.list_keys()) == before


def test_key_times_are_utc_and_null_when_never(client, h):
    made = client.post("/api/v1/keys", json={"name": " bot ", "scope": "check"}, headers=h)
    key = made.get_json()
    assert key["name"] == "bot"
    assert key["created_at"].endswith("Z")
    assert key["last_used_at"] is None and key["revoked_at"] is None


def test_revoking_twice_keeps_the_first_time_and_logs_once(client, h, store):
    key_id = client.post(
        "/api/v1/keys", json={"name": "bot", "scope": "check"}, headers=h
    ).get_json()["id"]
    first = client.delete(f"/api/v1/keys/{key_id}", headers=h)
    second = client.delete(f"/api/v1/keys/{key_id}", headers=h)
    assert first.status_code == second.status_code == 200
    assert first.get_json()["revoked_at"] and first.get_json()["revoked_at"].endswith("Z")
    assert second.get_json()["revoked_at"] == first.get_json()["revoked_at"]
    _, entries = store.list_audit(target_type="key", limit=100)
    assert [e.action for e in entries if e.target_id == key_id].count("revoke") == 1
    assert client.delete("/api/v1/keys/999999", headers=h).status_code == 404
