"""List health against local HTTPS sites (mapped hostnames, the fetcher told to trust exactly
this test server): one site per finding, successors and discovered official pages proposed to
the review queue with dated evidence, audited as the assistant and undoable."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.assistant.sites import LocalSites
from tests.live import make_test_app

RULES = [
    ("allow", "on-dinh.vn", "Báo Ổn Định", "press_central", "national", "https://ev/1"),
    ("allow", "mat-ten.vn", "Báo Mất Tên", "press_central", "national", "https://ev/2"),
    ("allow", "cu-thu.vn", "Báo Cũ Thử", "press_local", "Hà Nội", "https://ev/3"),
    ("allow", "rao-ban.vn", "Báo Rao Bán", "press_central", "national", "https://ev/4"),
    ("allow", "ten-khac.vn", "Báo Tên Khác", "press_central", "national", "https://ev/5"),
    ("allow", "doi-chu.vn", "Cổng thông tin Sở Ngoại vụ Thử", "agency", "national", "e"),
    ("allow", "facebook.com/ubndthunghiem", "UBND Thử Nghiệm", "official_page", "national", "t"),
]
HOSTS = [
    "on-dinh.vn",
    "www.on-dinh.vn",
    "mat-ten.vn",
    "cu-thu.vn",
    "moi-thu.vn",
    "rao-ban.vn",
    "ten-khac.vn",
    "doi-chu.vn",
]
HOME = """<!doctype html><html><head><title>Báo Ổn Định – Tin tức mới nhất</title></head><body>
<a href="https://www.facebook.com/BaoOnDinh">Facebook</a>
<a href="https://www.facebook.com/sharer/sharer.php?u=https://on-dinh.vn/">Chia sẻ</a>
<a href="https://www.youtube.com/@baoondinh/videos">YouTube</a>
<a href="https://www.youtube.com/watch?v=abc">một video</a>
<a href="/lien-he">Liên hệ</a> <a href="https://other.example/contact">ngoài</a>
</body></html>"""
CONTACT = """<html><head><title>Liên hệ – Báo Ổn Định</title></head><body>
<a href="https://zalo.me/4318811123456789">Zalo OA</a>
<a href="https://www.tiktok.com/@baoondinh?lang=vi">TikTok</a></body></html>"""


@pytest.fixture
def sites():
    with LocalSites(HOSTS, unmapped=("mat-ten.vn",)) as s:
        s.route("on-dinh.vn", "/", HOME)
        s.route("on-dinh.vn", "/lien-he", CONTACT)
        s.redirect("cu-thu.vn", "/", "https://moi-thu.vn:{port}/trang-chu")
        s.route("moi-thu.vn", "/trang-chu", "<title>Báo Cũ Thử (tên miền mới)</title>")
        s.route("rao-ban.vn", "/", "<title>rao-ban.vn</title><h1>This domain is for sale!</h1>")
        s.cert_names["ten-khac.vn"] = "hosting-chung.example"
        s.route("ten-khac.vn", "/", "<title>Báo Tên Khác</title>")
        s.route("doi-chu.vn", "/", "<title>Casino trực tuyến uy tín số 1</title>")
        yield s


@pytest.fixture
def happ(tmp_path, sites):
    app = make_test_app(tmp_path, RULES, sites.config(), defaults=False)
    yield app
    app.extensions["khongvoi.store"].dispose()


def _flags(results):
    return {r["pattern"]: [f["code"] for f in r["flags"]] for r in results}


def test_each_finding_is_flagged_with_words_an_admin_can_act_on(happ, sites):
    out = happ.test_cli_runner().invoke(args=["sources", "health", "--workers", "2"])
    assert out.exit_code == 4, out.output
    run, results = happ.extensions["khongvoi.feeds"].feeds.latest_health()
    assert run == 1
    assert _flags(results) == {
        "on-dinh.vn": [],
        "mat-ten.vn": ["no_resolve"],
        "cu-thu.vn": ["redirect_other_domain"],
        "rao-ban.vn": ["parked"],
        "ten-khac.vn": ["cert_other_name"],
        "doi-chu.vn": ["title_mismatch"],
    }  # the path rule on facebook.com is not probed
    by = {r["pattern"]: r for r in results}
    assert by["on-dinh.vn"]["tls"]["valid"] and by["on-dinh.vn"]["status"] == 200
    assert by["on-dinh.vn"]["title"] == "Báo Ổn Định – Tin tức mới nhất"
    assert by["ten-khac.vn"]["tls"]["names"] == ["hosting-chung.example"]
    assert "hosting-chung.example" in by["ten-khac.vn"]["flags"][0]["message"]
    assert by["cu-thu.vn"]["chain"][-1] == sites.url("moi-thu.vn", "/trang-chu")
    assert "Tên miền không còn phân giải được" in out.output
    assert "Chứng chỉ TLS cấp cho tên khác: hosting-chung.example" in out.output
    assert "6 quy tắc cho phép, 5 cần xem lại" in out.output
    # only these sites were asked, HEAD before GET, and never the unmapped one
    asked = {(h, m) for h, m, _, _ in sites.requests}
    assert ("on-dinh.vn", "HEAD") in asked and ("on-dinh.vn", "GET") in asked
    assert not any(h == "mat-ten.vn" for h, _ in asked)


def test_flags_never_change_verdicts(happ):
    client = happ.test_client()
    before = client.get("/api/v1/check?url=https://rao-ban.vn/").get_json()["verdict"]
    happ.test_cli_runner().invoke(args=["sources", "health"])
    after = client.get("/api/v1/check?url=https://rao-ban.vn/").get_json()
    assert before == after["verdict"] == "official"


def test_successor_and_official_pages_are_proposed_with_dated_evidence(happ, sites):
    happ.test_cli_runner().invoke(args=["sources", "health"])
    store = happ.extensions["khongvoi.store"]
    pending = {p.pattern: p for p in store.list_pending()}
    today = dt.date.today().isoformat()
    successor = pending["moi-thu.vn"]
    assert successor.origin == "assistant:successor" and successor.list == "allow"
    assert successor.name == "Báo Cũ Thử" and successor.scope == "Hà Nội"
    assert "successor of cu-thu.vn" in successor.note and today in successor.note
    assert sites.url("cu-thu.vn") in successor.evidence and today in successor.evidence
    social = {p: pending[p] for p in pending if pending[p].origin == "assistant:social"}
    assert set(social) == {
        "facebook.com/baoondinh",
        "youtube.com/@baoondinh",
        "zalo.me/4318811123456789",
        "tiktok.com/@baoondinh",
    }
    assert social["facebook.com/baoondinh"].evidence.startswith(sites.url("on-dinh.vn"))
    assert social["zalo.me/4318811123456789"].evidence.startswith(
        sites.url("on-dinh.vn", "/lien-he")
    )
    assert social["tiktok.com/@baoondinh"].name == "Báo Ổn Định (TikTok)"
    assert "rao-ban.vn" not in str(pending)  # nothing proposed from a parked page
    # nothing became a rule; a second run proposes nothing twice
    assert store.find_rules(q="baoondinh")[0] == 0
    happ.test_cli_runner().invoke(args=["sources", "health"])
    assert len(store.list_pending()) == len(pending)


def test_proposals_are_audited_as_the_assistant_and_undoable(happ):
    happ.test_cli_runner().invoke(args=["sources", "health"])
    store = happ.extensions["khongvoi.store"]
    _, entries = store.list_audit(actor="assistant")
    kinds = {e.action for e in entries}
    assert {"propose", "health_run"} <= kinds
    proposal = next(
        e for e in entries if e.action == "propose" and e.after["pattern"] == "moi-thu.vn"
    )
    out = happ.test_cli_runner().invoke(args=["feeds", "undo", str(proposal.id)])
    assert out.exit_code == 0, out.output
    assert "moi-thu.vn" not in {p.pattern for p in store.list_pending()}
    secret = store.create_key("quản trị", "admin")[1]
    again = happ.test_client().post(
        f"/api/v1/assistant/undo/{proposal.id}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "changed_since"
    health = (
        happ.test_client()
        .get("/api/v1/health", headers={"Authorization": f"Bearer {secret}"})
        .get_json()
    )
    assert health["run"] == 1 and health["flagged"] == 5


def test_health_page_lists_flagged_rules_first(happ):
    from tests.assistant.test_admin_assistant import PASSWORD, _login

    happ.test_cli_runner().invoke(args=["sources", "health"])
    happ.extensions["khongvoi.store"].create_user("quantri", PASSWORD, "admin")
    client = happ.test_client()
    _login(client, "quantri")
    page = client.get("/admin/health").get_data(as_text=True)
    assert "Lượt #1: 6 quy tắc được kiểm tra, <strong>5</strong> cần xem lại" in page
    rows = re.findall(r'<tr data-pattern="([^"]+)" class="(\w+)"', page)
    assert rows[-1] == ("on-dinh.vn", "ok") and all(c == "flagged" for _, c in rows[:-1])
    assert 'data-flag="cert_other_name"' in page and "kế nhiệm: moi-thu.vn" in page
