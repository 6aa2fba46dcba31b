"""The assistant's admin pages through the web admin's own door: sign-in, CSRF, roles."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_RULES
from tests.live import make_test_app

PASSWORD = "mật-khẩu-thử-nghiệm-1"


@pytest.fixture
def aapp(tmp_path):
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "canhbao.txt").write_text(
        "lua-dao-thu.com\ntin-chinh-thong.vn\n", encoding="utf-8"
    )
    app = make_test_app(
        tmp_path, TEST_RULES, {"FEEDS_DIR": str(tmp_path / "feeds"), "WTF_CSRF_ENABLED": True}
    )
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", PASSWORD, "admin")
    store.create_user("bientap", PASSWORD, "editor")
    yield app
    store.dispose()


def _login(client, username):
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post(
        "/admin/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    page = client.get("/admin/feeds").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_admin_subscribes_sees_conflicts_removes_and_undoes(aapp):
    client = aapp.test_client()
    token = _login(client, "quantri")
    resp = client.post(
        "/admin/feeds",
        data={"csrf_token": token, "name": "canhbao", "source": "canhbao.txt", "format": "domains"},
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert "canhbao: đã cập nhật, 2 mục (+2 −0), 0 dòng lỗi." in page
    assert re.search(r'<tr class="conflict"><td>canhbao</td><td>tin-chinh-thong.vn</td>', page)
    assert "trợ lý (assistant)" in page
    check = client.get("/api/v1/check?url=lua-dao-thu.com").get_json()
    assert check["verdict"] == "denied"
    page = client.post(
        "/admin/feeds/canhbao/remove", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Đã gỡ nguồn “canhbao”" in page
    assert client.get("/api/v1/check?url=lua-dao-thu.com").get_json()["verdict"] == "unknown"
    entry = re.search(
        r'<tr data-entry="(\d+)"><td>\d+</td><td>[^<]*</td><td>user:quantri</td>\s*'
        r"<td>delete feed",
        page,
    ).group(1)
    page = client.post(
        f"/admin/assistant/undo/{entry}", data={"csrf_token": token}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"Đã hoàn tác mục #{entry}." in page
    assert client.get("/api/v1/check?url=lua-dao-thu.com").get_json()["verdict"] == "denied"


def test_bad_input_gets_plain_words_and_changes_nothing(aapp):
    client = aapp.test_client()
    token = _login(client, "quantri")
    for data, words in (
        (
            {"name": "x", "source": "/etc/passwd", "format": "hosts"},
            "Tệp phải nằm trong thư mục FEEDS_DIR.",
        ),
        (
            {"name": "tên có dấu", "source": "canhbao.txt", "format": "hosts"},
            "Tên nguồn chỉ gồm chữ không dấu",
        ),
        (
            {"name": "x", "source": "canhbao.txt", "format": "csv"},
            "Định dạng phải là hosts, domains hoặc abp.",
        ),
    ):
        page = client.post(
            "/admin/feeds", data={"csrf_token": token, **data}, follow_redirects=True
        ).get_data(as_text=True)
        assert words in page
    assert aapp.extensions["khongvoi.feeds"].feeds.list_feeds() == []
    assert client.post("/admin/feeds", data={"name": "x"}).status_code == 400  # no CSRF token


def test_editors_look_and_refresh_but_cannot_subscribe(aapp):
    client = aapp.test_client()
    token = _login(client, "bientap")
    resp = client.post(
        "/admin/feeds",
        data={"csrf_token": token, "name": "x", "source": "canhbao.txt", "format": "domains"},
    )
    assert resp.status_code == 403
    assert "Thêm nguồn" not in client.get("/admin/feeds").get_data(as_text=True)
    page = client.get("/admin/health").get_data(as_text=True)
    assert "Chưa có lượt kiểm tra nào" in page
