"""Issue 15, point 7: an overdue rule answers with a ``review_overdue`` reason (the verdict
stays) and appears in a queue for the admins (API and web admin)."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


def add(client, h, pattern, review_by, list_="allow"):
    resp = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": list_,
            "pattern": pattern,
            "name": "Báo Cũ",
            "category": "press_local",
            "evidence": "GP 1",
            "review_by": review_by,
            "reason": "thử",
        },
    )
    assert resp.status_code == 201, resp.get_json()


def check(client, url, lang="vi"):
    return client.get("/api/v1/check", query_string={"url": url, "lang": lang}).get_json()


def test_overdue_rule_keeps_its_verdict_and_says_it_is_overdue(client, h):
    add(client, h, "bao-qua-han.vn", "2020-01-31")
    add(client, h, "bao-con-han.vn", "2999-12-31")
    old = check(client, "https://bao-qua-han.vn/tin")
    assert old["verdict"] == "official"
    codes = [r["code"] for r in old["reasons"]]
    assert codes == ["allow_listed", "review_overdue"]
    assert "quá hạn xem lại (hạn 2020-01-31)" in old["reasons"][1]["message"]
    en = check(client, "https://bao-qua-han.vn/tin", "en")
    assert "past its review date" in en["reasons"][1]["message"]
    fresh = check(client, "https://bao-con-han.vn/")
    assert [r["code"] for r in fresh["reasons"]] == ["allow_listed"]
    add(client, h, "gia-qua-han.vn", "2021-05-01", "deny")
    denied = check(client, "https://gia-qua-han.vn/")
    assert denied["verdict"] == "denied" and denied["reasons"][-1]["code"] == "review_overdue"

    queue = client.get("/api/v1/review", headers=h).get_json()
    patterns = [r["pattern"] for r in queue["items"]]
    assert "bao-qua-han.vn" in patterns and "gia-qua-han.vn" in patterns
    assert "bao-con-han.vn" not in patterns and queue["total"] == len(patterns)


def test_web_admin_queue_of_overdue_rules(app, client, h):
    add(client, h, "bao-qua-han.vn", "2020-01-31")
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD})
    page = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="overdue"' in page
    overdue = client.get("/admin/?overdue=1").get_data(as_text=True)
    assert 'data-pattern="bao-qua-han.vn"' in overdue
    assert 'data-pattern="baochinhphu.vn"' not in overdue


def test_cached_answer_turns_overdue_when_the_date_changes(client, h):
    """The local date really changes (TZ moved from UTC-12 to UTC+14, at least one day
    ahead): the cached answer of a rule due "today" must not be served the next day."""
    import os
    import time

    old_tz = os.environ.get("TZ")
    try:
        os.environ["TZ"] = "Etc/GMT+12"  # UTC-12
        time.tzset()
        add(client, h, "bao-het-han-hom-nay.vn", time.strftime("%Y-%m-%d"))
        url = "https://bao-het-han-hom-nay.vn/"
        assert [r["code"] for r in check(client, url)["reasons"]] == ["allow_listed"]
        assert [r["code"] for r in check(client, url)["reasons"]] == ["allow_listed"]  # cached
        os.environ["TZ"] = "Etc/GMT-14"  # UTC+14: the next day (or the one after)
        time.tzset()
        later = check(client, url)
        assert later["verdict"] == "official"
        assert [r["code"] for r in later["reasons"]] == ["allow_listed", "review_overdue"]
    finally:
        if old_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old_tz
        time.tzset()
