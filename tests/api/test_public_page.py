"""The public check page (``/``), its share target and web app files, through HTTP."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.public.links import MAX_LINKS, find_links
from tests.conftest import TEST_RULES
from tests.live import make_test_app


def verdicts(resp):
    """The verdict of each result card, in order."""
    return re.findall(
        r'<article class="result[^"]*" data-testid="result" data-verdict="(\w+)"',
        resp.get_data(as_text=True),
    )


def test_form_without_query_is_a_labelled_form(client):
    resp = client.get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert '<label for="q">' in page and 'id="q" name="q"' in page
    assert 'method="post"' in page and "Kiểm tra nguồn tin" in page
    assert 'rel="manifest"' in page
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"
    assert not re.search(r'(src|href)="https?://', page)  # no third-party assets


def test_a_pasted_message_has_every_link_checked(client):
    message = (
        "Khẩn: xem ngay https://tin-gia-mao.com/bai?utm_source=zalo, nguồn gốc tại "
        "tin-chinh-thong.vn/a. Chi tiết: https://l.facebook.com/l.php?u="
        "https%3A%2F%2Fbaochinhphu.vn%2Fx%3Ffbclid%3D1"
    )
    resp = client.get("/", query_string={"q": message})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert verdicts(resp) == ["denied", "official", "official"]
    assert 'data-testid="overall" data-verdict="denied"' in page
    assert "Giả mạo Báo Thử Nghiệm" in page and "Báo Thử Nghiệm" in page
    assert 'value="https://tin-gia-mao.com/bai"' in page  # the clean link, no utm_source
    assert "https://baochinhphu.vn/x" in page and "l.facebook.com" in page  # chain shown
    assert "fbclid" not in page.split('data-testid="clean"')[-1].split(">")[0]
    for word in ("Không tin ngay", "Không vội chia sẻ", "Không bị kích động và xúi giục"):
        assert word in page
    assert page.count('name="csrf_token"') == 3  # one report form per link


def test_source_basis_evidence_and_imitation_are_shown(tmp_path):
    app = make_test_app(tmp_path, TEST_RULES)
    store = app.extensions["khongvoi.store"]
    from server.core import make_rule

    store.add_rule(
        make_rule(
            "allow",
            "bao-co-giay-phep.vn",
            name="Báo Có Giấy Phép",
            category="press_central",
            evidence="https://bao-co-giay-phep.vn/gt",
            basis="Giấy phép số 9/GP-BTTTT",
        )
    )
    client = app.test_client()
    page = client.get("/", query_string={"q": "bao-co-giay-phep.vn/tin"}).get_data(as_text=True)
    assert 'data-testid="basis">Giấy phép số 9/GP-BTTTT<' in page
    assert '<a href="https://bao-co-giay-phep.vn/gt" rel="noopener noreferrer">' in page
    fake = client.get("/", query_string={"q": "https://baochinhphu-vn.com/x"})
    assert verdicts(fake) == ["suspicious"]
    assert 'data-testid="imitates"' in fake.get_data(as_text=True)
    store.dispose()


def test_english_on_request(client):
    page = client.get("/", query_string={"q": "tin-chinh-thong.vn", "lang": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page and "Official source" in page and "Reasons" in page
    assert "Tiếng Việt" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("xin chào mọi người, hẹn gặp lại", "Không tìm thấy liên kết nào"),
        ("javascript:alert(1)", "javascript:"),
        ("TP.HCM v.v.", "Không tìm thấy liên kết nào"),
    ],
)
def test_text_without_web_links_gets_a_clear_message(client, query, message):
    resp = client.get("/", query_string={"q": query})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in page
    assert "Traceback" not in page


def test_too_long_input_is_refused_with_a_message(client, app):
    version = app.extensions["khongvoi.store"].lists_version()
    resp = client.get("/", query_string={"q": "a" * 20_001})
    assert resp.status_code == 400
    assert "Nội dung dài quá 20000 ký tự" in resp.get_data(as_text=True)
    assert app.extensions["khongvoi.store"].lists_version() == version


def test_at_most_max_links_are_checked_and_the_rest_named(client):
    text = " ".join(f"https://trang{i}.vn/" for i in range(MAX_LINKS + 3))
    resp = client.get("/", query_string={"q": text})
    assert len(verdicts(resp)) == MAX_LINKS
    assert "còn 3 liên kết chưa kiểm tra" in resp.get_data(as_text=True)


def test_share_target_checks_title_text_and_url(client):
    resp = client.get(
        "/share",
        query_string={
            "title": "Thông báo",
            "text": "Đọc tại https://tin-gia-mao.com/x",
            "url": "https://tin-chinh-thong.vn/bai",
        },
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Nội dung được chia sẻ vào Không Vội" in page
    assert verdicts(resp) == ["denied", "official"]
    assert "Chia sẻ tiếp" in page and "KHÔNG đến từ nguồn chính thống" in page
    empty = client.get("/share").get_data(as_text=True)  # nothing shared: the plain form
    assert "Không tìm thấy liên kết nào" not in empty and '<label for="q">' in empty
    posted = client.post("/share", data={"text": "https://tin-gia-mao.com/y"})
    assert posted.status_code == 200 and verdicts(posted) == ["denied"]


def test_manifest_makes_an_installable_share_target(client):
    resp = client.get("/manifest.webmanifest")
    body = resp.get_json(force=True)
    assert resp.mimetype == "application/manifest+json"
    assert body["display"] == "standalone" and body["start_url"].startswith("/")
    assert {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        with client.get(icon["src"]) as got:
            assert got.status_code == 200 and got.data.startswith(b"\x89PNG")
    assert body["share_target"] == {
        "action": "/share",
        "method": "POST",
        "enctype": "application/x-www-form-urlencoded",
        "params": {"title": "title", "text": "text", "url": "url"},
    }


def test_service_worker_and_the_extension_matcher_are_served(client):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript"
    assert sw.headers["Cache-Control"] == "no-cache"
    with open("extension/lib/matcher.js", "rb") as f:
        assert client.get("/public/lib/matcher.js").data == f.read()
    for name in ("settings.js", "../manifest.json", "background.js"):
        assert client.get(f"/public/lib/{name}").status_code == 404


def test_report_form_stores_a_report(client, app):
    page = client.get("/", query_string={"q": "https://tin-gia-mao.com/x"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = client.post(
        "/report",
        data={
            "csrf_token": token,
            "url": "https://tin-gia-mao.com/x",
            "kind": "impersonation",
            "verdict_seen": "denied",
            "comment": "trang giả",
        },
    )
    assert resp.status_code == 201 and "Đã nhận báo cáo" in resp.get_data(as_text=True)
    reports = app.extensions["khongvoi.store"].list_reports()
    assert any(r.url == "https://tin-gia-mao.com/x" and r.kind == "impersonation" for r in reports)


def test_report_without_csrf_or_with_bad_kind_changes_nothing(tmp_path):
    app = make_test_app(tmp_path, TEST_RULES, config={"WTF_CSRF_ENABLED": True})
    client = app.test_client()
    refused = client.post("/report", data={"url": "https://tin-gia-mao.com/x"})
    assert refused.status_code == 400 and "Traceback" not in refused.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert "csrf_token" not in page  # the empty form has no report button
    page = client.get("/", query_string={"q": "tin-gia-mao.com"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    bad = client.post("/report", data={"csrf_token": token, "url": "https://x.vn", "kind": "spam"})
    assert bad.status_code == 400 and "Loại báo cáo không hợp lệ" in bad.get_data(as_text=True)
    app.extensions["khongvoi.store"].dispose()


def test_the_page_is_rate_limited_with_a_vietnamese_page(tmp_path):
    app = make_test_app(
        tmp_path,
        TEST_RULES,
        config={
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_CHECK": "2 per minute",
            "RATELIMIT_KEY_PREFIX": "kv-public-test",
        },
    )
    client = app.test_client()
    assert [client.get("/", query_string={"q": "a.vn"}).status_code for _ in range(2)] == [200, 200]
    refused = client.get("/", query_string={"q": "a.vn"})
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert "quá nhiều yêu cầu" in refused.get_data(as_text=True)
    app.extensions["khongvoi.store"].dispose()


def test_not_found_page_links_home_and_home_answers(client):
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "href='/'" in missing.get_data(as_text=True)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("Xem https://a.vn/x?y=1, và b.com.vn/z.", ["https://a.vn/x?y=1", "b.com.vn/z"]),
        ("TP.HCM, v.v. và email a@b.vn", []),
        ("(xem www.chinhphu.vn)", ["www.chinhphu.vn"]),
        ("https://a.vn https://a.vn", ["https://a.vn"]),
    ],
)
def test_find_links_reads_messages_as_the_extension_does(text, links):
    assert find_links(text) == links


@pytest.fixture(scope="module")
def shared_client(tmp_path_factory):
    app = make_test_app(tmp_path_factory.mktemp("public"), TEST_RULES)
    yield app.test_client()
    app.extensions["khongvoi.store"].dispose()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_the_page_never_fails_on_any_text(shared_client, text):
    resp = shared_client.get("/", query_string={"q": text})
    assert resp.status_code in (200, 400)
    assert "Traceback" not in resp.get_data(as_text=True)


def test_a_long_vietnamese_message_is_posted_and_checked(tmp_path):
    """Thousands of Vietnamese characters do not fit a request line (gunicorn: 4 KiB), so
    the form posts; the post needs no CSRF token, as a check changes nothing."""
    app = make_test_app(tmp_path, TEST_RULES, config={"WTF_CSRF_ENABLED": True})
    client = app.test_client()
    message = "Thông báo khẩn của Ủy ban nhân dân tỉnh về việc ứng phó. " * 60
    message += "Nguồn: https://tin-chinh-thong.vn/bai và https://tin-gia-mao.com/x"
    assert len(message.encode()) > 4096
    resp = client.post("/", data={"q": message})
    assert resp.status_code == 200 and verdicts(resp) == ["official", "denied"]
    assert "Thông báo khẩn" in resp.get_data(as_text=True)  # the text stays in the field
    app.extensions["khongvoi.store"].dispose()


def test_every_label_is_text_not_a_template_accident(client):
    page = client.get("/", query_string={"q": "tin-chinh-thong.vn"}).get_data(as_text=True)
    assert "Sao chép liên kết" in page and "built-in method" not in page
    english = client.get("/", query_string={"q": "tin-chinh-thong.vn", "lang": "en"})
    assert "Copy link" in english.get_data(as_text=True)


def test_report_with_control_characters_is_refused(client, app):
    page = client.get("/", query_string={"q": "tin-gia-mao.com"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    before = len(app.extensions["khongvoi.store"].list_reports())
    bad = client.post(
        "/report",
        data={
            "csrf_token": token,
            "url": "https://tin-gia-mao.com/",
            "kind": "other",
            "comment": "a\x00b",
        },
    )
    assert bad.status_code == 400 and "ký tự điều khiển" in bad.get_data(as_text=True)
    assert len(app.extensions["khongvoi.store"].list_reports()) == before


def test_an_expired_report_form_says_to_reload(tmp_path):
    app = make_test_app(tmp_path, TEST_RULES, config={"WTF_CSRF_ENABLED": True})
    resp = app.test_client().post("/report", data={"url": "https://x.vn/", "kind": "other"})
    assert resp.status_code == 400
    assert "Hãy tải lại trang kết quả" in resp.get_data(as_text=True)
    app.extensions["khongvoi.store"].dispose()


def test_a_very_long_invalid_link_is_not_repeated_in_full(client):
    resp = client.get("/", query_string={"q": "javascript:" + "a" * 5000})
    cards = resp.get_data(as_text=True).split("</textarea>", 1)[1]  # the field keeps it all
    assert resp.status_code == 200 and "a" * 300 not in cards and "…" in cards
