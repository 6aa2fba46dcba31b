"""Issue 15, point 6: imports as spreadsheets make them (``;``, Vietnamese headers,
dd/mm/yyyy), a dry run that shows each change before and after, export with a BOM for
Excel, and the "force" choice in the web page."""

from __future__ import annotations

import base64

import pytest

from tests.api.test_admin_api import auth

PASSWORD = "mật-khẩu-thử-nghiệm-1"
EXCEL = (
    "\ufeffDanh sách;Mẫu;Tên nguồn;Loại;Phạm vi;Bằng chứng;Cơ sở pháp lý;Ghi chú;"
    "Ngày cần xem lại\r\n"
    'Cho phép;bao-excel.vn;Báo Excel;press_local;Hà Nội;GP 12;"Giấy phép 12; 2024";;'
    "31/12/2027\r\n"
    "Chặn;gia-excel.com;Giả mạo Excel;impersonation;national;Báo cáo 3;;;1/2/2027\r\n"
)


@pytest.fixture
def h(app):
    return auth(app.extensions["khongvoi.store"].create_key("CMS tỉnh", "admin")[1])


def post_import(client, h, body, query=""):
    return client.post(
        f"/api/v1/sources/import?{query}",
        headers=h,
        content_type="text/csv",
        data=body.encode("utf-8"),
    )


def test_semicolons_vietnamese_headers_and_dates_are_read(app, client, h):
    resp = post_import(client, h, EXCEL)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["added"] == 2
    store = app.extensions["khongvoi.store"]
    rule = store.find_rules(q="bao-excel.vn")[1][0]
    assert (rule.list, rule.name, rule.scope, rule.basis, rule.review_by) == (
        "allow",
        "Báo Excel",
        "Hà Nội",
        "Giấy phép 12; 2024",
        "2027-12-31",
    )
    deny = store.find_rules(q="gia-excel.com")[1][0]
    assert deny.list == "deny" and deny.review_by == "2027-02-01"


def test_dry_run_lists_each_change_before_and_after(app, client, h):
    assert post_import(client, h, EXCEL).status_code == 200
    edited = EXCEL.replace("Báo Excel;", "Báo Excel (mới);").replace("31/12/2027", "30/06/2028")
    edited += "Cho phép;them-excel.vn;Thêm;press_local;Huế;GP 13;;;\r\n"
    store = app.extensions["khongvoi.store"]
    version = store.lists_version()
    body = post_import(client, h, edited, "dry_run=1").get_json()
    assert (body["added"], body["changed"], body["unchanged"]) == (1, 1, 1)
    changes = {c["pattern"]: c for c in body["changes"]}
    assert set(changes) == {"bao-excel.vn", "them-excel.vn"}
    changed = changes["bao-excel.vn"]
    assert changed["action"] == "change" and changed["fields"] == ["name", "review_by"]
    assert (changed["before"]["name"], changed["after"]["name"]) == ("Báo Excel", "Báo Excel (mới)")
    assert (changed["before"]["review_by"], changed["after"]["review_by"]) == (
        "2027-12-31",
        "2028-06-30",
    )
    assert changes["them-excel.vn"]["before"] is None
    assert store.lists_version() == version


def test_an_invalid_scope_is_an_invalid_row_with_its_line(client, h):
    body = EXCEL + "Cho phép;tinh-cu.vn;Tỉnh cũ;press_local;Bắc Kạn;GP;;;\r\n"
    refused = post_import(client, h, body)
    assert refused.status_code == 400
    invalid = refused.get_json()["invalid"]
    assert [(e["line"], e["code"]) for e in invalid] == [(4, "invalid_scope")]


def test_export_with_bom_for_excel(client, h):
    plain = client.get("/api/v1/sources/export?format=csv", headers=h).data
    bom = client.get("/api/v1/sources/export?format=csv&bom=1", headers=h).data
    assert not plain.startswith(b"\xef\xbb\xbf") and bom == b"\xef\xbb\xbf" + plain
    again = post_import(client, h, bom.decode("utf-8"), "dry_run=1").get_json()
    assert again["added"] == again["changed"] == 0 and not again["invalid"]


@pytest.fixture
def admin(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    app.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    client.post("/admin/login", data={"username": "quantri", "password": PASSWORD})
    return client


def test_web_import_shows_changes_force_and_bom(app, admin):
    from io import BytesIO

    page = admin.post(
        "/admin/import",
        data={"action": "dry-run", "list": "", "file": (BytesIO(EXCEL.encode()), "bang-tinh.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert 'data-testid="added">2<' in page
    assert 'data-pattern="bao-excel.vn" data-action="add" data-field="review_by"' in page
    assert "2027-12-31" in page
    platform = "pattern,name,category,scope,evidence\nzalo.me,Zalo,press_local,national,x\n"
    payload = base64.b64encode(platform.encode()).decode()
    refused = admin.post(
        "/admin/import",
        data={"action": "dry-run", "list": "allow", "payload": payload, "fmt": "csv"},
    )
    refused_page = refused.get_data(as_text=True)
    assert "buộc lưu" in refused_page
    assert 'name="force" value="on">' in refused_page  # the retry the message offers
    forced = admin.post(
        "/admin/import",
        data={
            "action": "dry-run",
            "list": "allow",
            "payload": payload,
            "fmt": "csv",
            "force": "on",
        },
    )
    text = forced.get_data(as_text=True)
    assert 'data-testid="invalid">0<' in text and 'name="force" value="on"' in text
    applied = admin.post(
        "/admin/import",
        data={"action": "apply", "list": "allow", "payload": payload, "fmt": "csv", "force": "on"},
    )
    assert applied.status_code == 302
    assert app.extensions["khongvoi.store"].find_rules(q="zalo.me", list="allow")[0] == 1
    export = admin.get("/admin/export.csv?bom=1").data
    assert export.startswith(b"\xef\xbb\xbflist,pattern")


def test_a_cli_import_is_audited_as_the_cli(app, runner, tmp_path):
    """Every other command-line change is audited as ``cli``; the import was ``system``."""
    src = tmp_path / "deny.csv"
    src.write_text(
        "pattern,name,category,evidence\ngia-cli.com,Giả mạo,impersonation,báo cáo 1\n",
        encoding="utf-8",
    )
    done = runner.invoke(args=["sources", "import", str(src), "--list", "deny"])
    assert done.exit_code == 0, done.output
    _, (entry,) = app.extensions["khongvoi.store"].list_audit(target_type="rules", limit=1)
    assert (entry.action, entry.actor) == ("import", "cli")
    verdict = app.extensions["khongvoi.checker"].check("https://gia-cli.com/").verdict
    assert verdict == "denied"
