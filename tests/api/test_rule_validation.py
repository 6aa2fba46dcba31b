"""Rule fields are validated alike in the admin API, the web admin form and imports: JSON
strings only, no control characters, bounded lengths, a name and evidence, a known category."""

from __future__ import annotations

import pytest

from tests.api.test_admin_api import NEW_RULE, auth


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS", "admin")[1])


BAD_BODIES = [
    ({"name": 123}, "invalid_name"),
    ({"evidence": ["x"]}, "invalid_evidence"),
    ({"note": {"a": 1}}, "invalid_note"),
    ({"scope": True}, "invalid_scope"),
    ({"category": 7}, "invalid_category"),
    ({"review_by": 20270101}, "invalid_review_by"),
    ({"pattern": 5}, "invalid_pattern"),
    ({"list": ["allow"]}, "invalid_list"),
    ({"reason": 5}, "invalid_reason"),
    ({"force": "yes"}, "invalid_force"),
    ({"category": "nonsense"}, "invalid_category"),
    ({"name": "  \n "}, "missing_name"),
    ({"name": None}, "missing_name"),
    ({"evidence": "   "}, "missing_evidence"),
    ({"evidence": "e\u0000x"}, "invalid_evidence"),
    ({"name": "Báo\u202eA"}, "invalid_name"),
    ({"name": "Báo\nA"}, "invalid_name"),
    ({"scope": "Hà\tNội"}, "invalid_scope"),
    ({"name": "x" * 201}, "invalid_name"),
    ({"evidence": "x" * 2001}, "invalid_evidence"),
    ({"note": "x" * 2001}, "invalid_note"),
    ({"scope": "x" * 129}, "invalid_scope"),
    ({"reason": "x" * 2001}, "invalid_reason"),
]


@pytest.mark.parametrize(("change", "code"), BAD_BODIES)
def test_bad_fields_refused_on_create_and_replace(app, client, h, change, code):
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    created = client.post("/api/v1/sources", json={**NEW_RULE, **change}, headers=h)
    assert created.status_code == 400, created.get_json()
    assert created.get_json()["error"]["code"] == code
    assert store.lists_version() == version
    rid = store.find_rules(q="tin-chinh-thong.vn")[1][0].id
    replaced = client.put(
        f"/api/v1/sources/{rid}",
        headers=h,
        json={**NEW_RULE, "pattern": "tin-chinh-thong.vn", **change},
    )
    assert replaced.status_code == 400 and replaced.get_json()["error"]["code"] == code
    assert store.lists_version() == version


def test_messages_vietnamese_first_english_on_request(client, h):
    body = {**NEW_RULE, "name": 123}
    vi = client.post("/api/v1/sources", json=body, headers=h).get_json()["error"]["message"]
    en = client.post("/api/v1/sources?lang=en", json=body, headers=h).get_json()["error"]
    assert vi == "Trường “name” (tên nguồn) phải là chuỗi văn bản."
    assert en["message"] == "“name” (name) must be a string."
    nul = {**NEW_RULE, "evidence": "e\u0000x"}
    msg = client.post("/api/v1/sources", json=nul, headers=h).get_json()["error"]["message"]
    assert "ký tự điều khiển" in msg and "U+0000" in msg
    long = {**NEW_RULE, "name": "x" * 300}
    msg = client.post("/api/v1/sources", json=long, headers=h).get_json()["error"]["message"]
    assert msg == "Trường “name” (tên nguồn) dài quá 200 ký tự (đang có 300)."
    cat = {**NEW_RULE, "category": "nonsense"}
    msg = client.post("/api/v1/sources", json=cat, headers=h).get_json()["error"]["message"]
    assert msg.startswith("Loại “nonsense” không có trong danh mục") and "press_local" in msg


def test_limits_and_allowed_forms_are_accepted(client, h):
    ok = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            **NEW_RULE,
            "name": "x" * 200,
            "evidence": "Dòng 1\nDòng 2\tcột",
            "note": "y" * 2000,
            "category": "",
            "scope": None,
            "review_by": None,
            "force": False,
            "reason": "r" * 2000,
        },
    )
    assert ok.status_code == 201, ok.get_json()
    rule = ok.get_json()
    assert rule["category"] == "" and rule["scope"] == "national"
    assert rule["evidence"] == "Dòng 1\nDòng 2\tcột" and len(rule["name"]) == 200
    untouched = client.post(
        "/api/v1/sources",
        headers=h,
        json={
            "list": "deny",
            "pattern": "gia-mao-x.com",
            "name": "  Giả mạo X  ",
            "evidence": " CV 5 ",
        },
    )
    assert untouched.status_code == 201
    assert (untouched.get_json()["name"], untouched.get_json()["category"]) == ("Giả mạo X", "")


def test_delete_reason_is_checked(app, client, h):
    rid = app.extensions["khongvoi.store"].find_rules(q="tin-chinh-thong.vn")[1][0].id
    bad = client.delete(f"/api/v1/sources/{rid}", query_string={"reason": "a\u0007b"}, headers=h)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_reason"
    assert client.get(f"/api/v1/sources/{rid}", headers=h).status_code == 200


def test_import_rows_validated_like_the_api(client, h):
    body = (
        "pattern,name,category,evidence\n"
        "imp-a.vn,A,press_local,CV 1\n"
        "imp-b.vn,B,,CV 2\n"
        "imp-c.vn,C,,\n"
        "imp-d.vn,,press_local,CV 4\n"
        "imp-e.vn,E,nonsense,CV 5\n"
        f"imp-f.vn,{'x' * 201},,CV 6\n"
    )
    dry = client.post(
        "/api/v1/sources/import?list=allow&dry_run=1",
        data=body.encode(),
        content_type="text/csv",
        headers=h,
    ).get_json()
    assert dry["added"] == 2
    assert [(e["line"], e["code"]) for e in dry["invalid"]] == [
        (4, "missing_evidence"),
        (5, "missing_name"),
        (6, "invalid_category"),
        (7, "invalid_name"),
    ]
    items = [
        {"pattern": "imp-j.vn", "name": "J", "evidence": 5},
        {"pattern": "imp-k.vn", "name": "K", "evidence": "e\u001bx"},
        {"pattern": "imp-l.vn", "name": "L", "evidence": "CV", "category": None},
    ]
    dry = client.post(
        "/api/v1/sources/import?list=deny&dry_run=1", json=items, headers=h
    ).get_json()
    assert dry["added"] == 1
    assert [(e["line"], e["code"]) for e in dry["invalid"]] == [
        (1, "invalid_evidence"),
        (2, "invalid_evidence"),
    ]


def test_admin_form_validates_alike_and_requires_a_category(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    store = app.extensions["khongvoi.store"]
    store.create_user("quantri", "mật-khẩu-dài-123", "admin")
    client.post("/admin/login", data={"username": "quantri", "password": "mật-khẩu-dài-123"})
    form = {
        "list": "allow",
        "pattern": "form-x.vn",
        "name": "Báo X",
        "category": "press_local",
        "scope": "national",
        "evidence": "GP 1",
        "action": "save",
    }
    version = store.lists_version()
    for change, text in (
        ({"name": " "}, "Cần ghi tên nguồn"),
        ({"evidence": ""}, "Cần ghi bằng chứng"),
        ({"category": ""}, "Hãy chọn loại nguồn"),
        ({"category": "nonsense"}, "không có trong danh mục"),
        ({"name": "x" * 201}, "dài quá 200 ký tự"),
        ({"note": "a\u0000b"}, "ký tự điều khiển"),
        ({"reason": "r" * 2001}, "dài quá 2000 ký tự"),
    ):
        page = client.post("/admin/rules/new", data={**form, **change})
        assert page.status_code == 200
        assert text in page.get_data(as_text=True), change
    assert store.lists_version() == version
    assert client.post("/admin/rules/new", data=form).status_code == 302
    assert store.find_rules(q="form-x.vn")[0] == 1
