"""Threat feeds: the three formats on hostsVN's real list, verdicts naming the feed, never
overriding allow rules, conditional refresh from a local HTTPS site, failures keeping the
previous entries, audit and undo — through the CLI, the API and the checker service."""

from __future__ import annotations

import gc
import re
from email.utils import formatdate
from pathlib import Path

import pytest

from server.assistant.formats import parse_feed
from server.core.tables import default_tables
from server.core.urls import canonical_host
from server.store.accounts import Actor
from tests.assistant.sites import LocalSites
from tests.conftest import TEST_RULES
from tests.live import make_test_app

FIXTURES = Path(__file__).parent / "fixtures" / "hostsvn"
HOSTS, DOMAINS, ABP = (
    FIXTURES / n for n in ("threat-hosts-VN", "threat-domain-VN.txt", "threat-filter-VN.txt")
)
FEED_HOST = "feeds.canhbao-thu.vn"
PLATFORMS = default_tables().platforms


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_hosts_and_domains_files_of_hostsvn_give_the_same_entries():
    hosts = parse_feed(_lines(HOSTS), "hosts", PLATFORMS)
    domains = parse_feed(_lines(DOMAINS), "domains", PLATFORMS)
    assert hosts.hosts == domains.hosts
    assert "0fb.co" in hosts.hosts and "247-napas.com" in hosts.hosts
    # the header says "Blocked: 4.447 domains": every one is an entry (``www.`` folded)
    listed = {d.strip().lower() for d in _lines(DOMAINS)}
    assert len(listed) == 4447 and hosts.bad_count == 0
    assert hosts.hosts == {canonical_host(d).removeprefix("www.") for d in listed}
    assert "24hmoneygram.weebly.com" in hosts.hosts  # a user's site on a platform
    assert hosts.bad_count == domains.bad_count


def test_adblock_file_of_hostsvn_is_read_as_domain_entries():
    abp = parse_feed(_lines(ABP), "abp", PLATFORMS)
    domains = parse_feed(_lines(DOMAINS), "domains", PLATFORMS).hosts
    rules = [x for x in _lines(ABP) if x and not x.startswith("!")]
    assert len(rules) == 4376  # "Blocked: 4.376 rules"
    assert abp.bad_count == 0 and abp.unsupported == 0
    assert abp.hosts == {canonical_host(r[2:-1]).removeprefix("www.") for r in rules}
    assert len(abp.hosts & domains) > 4000
    assert "0fb.co" in abp.hosts


@pytest.mark.parametrize(
    ("fmt", "lines", "hosts", "bad", "unsupported"),
    [
        (
            "hosts",
            [
                "0.0.0.0 a-lua-dao.com b.lua-dao.net # two",
                "127.0.0.1 localhost",
                "::1 ip6-localhost",
                "0.0.0.0 facebook.com",
                "0.0.0.0 www.facebook.com",
                "just-a-word",
                "0.0.0.0 1.2.3.4",
            ],
            {"a-lua-dao.com", "b.lua-dao.net"},
            4,
            0,
        ),
        (
            "domains",
            ["# comment", "WWW.Lừa-Đảo.VN.", "c.example.org", "two words", "x/y.com"],
            {canonical_host("lừa-đảo.vn"), "c.example.org"},
            2,
            0,
        ),
        (
            "abp",
            [
                "! c",
                "[Adblock Plus 2.0]",
                "||lua.vn^",
                "||lua2.vn^$third-party",
                "@@||ok.vn^",
                "||path.vn/x^",
                "example.com##.ad",
                "||only.vn^$domain=a.com",
                "||blogspot.com^",
            ],
            {"lua.vn", "lua2.vn"},
            1,
            4,
        ),
    ],
)
def test_each_format_takes_good_lines_and_counts_the_rest(fmt, lines, hosts, bad, unsupported):
    parsed = parse_feed(lines, fmt, PLATFORMS)
    assert parsed.hosts == hosts
    assert (parsed.bad_count, parsed.unsupported) == (bad, unsupported)
    assert all(b.message and b.message_en for b in parsed.bad)


# -- the service, the CLI and the API ---------------------------------------------------------


@pytest.fixture
def feed_file(tmp_path):
    path = tmp_path / "feeds" / "canhbao.txt"
    path.parent.mkdir()
    path.write_text(
        "# test list\nlua-dao-thu.com\ntin-chinh-thong.vn\nbad line here\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def fapp(tmp_path):
    app = make_test_app(tmp_path, TEST_RULES, {"FEEDS_DIR": str(tmp_path / "feeds")})
    yield app
    app.extensions["khongvoi.store"].dispose()


def _check(client, url, lang="vi"):
    return client.get("/api/v1/check", query_string={"url": url, "lang": lang}).get_json()


def _admin(app):
    secret = app.extensions["khongvoi.store"].create_key("quản trị", "admin")[1]
    return {"Authorization": f"Bearer {secret}"}


def test_cli_adds_a_hostsvn_feed_and_checks_name_it(fapp):
    runner, client = fapp.test_cli_runner(), fapp.test_client()
    assert _check(client, "https://0fb.co/login")["verdict"] == "unknown"
    out = runner.invoke(
        args=["feeds", "add", "hostsVN", str(HOSTS), "--format", "hosts", "--list", "deny"]
    )
    assert out.exit_code == 0, out.output
    assert "Đã thêm nguồn cảnh báo “hostsVN”" in out.output
    assert re.search(r"hostsVN: đã cập nhật / updated: 4373 mục/entries", out.output)
    for url in ("https://0fb.co/login", "http://www.0fb.co/", "https://x.y.0fb.co/a"):
        body = _check(client, url)
        assert body["verdict"] == "denied", url
        assert body["reasons"][0] == {
            "code": "feed_listed",
            "message": "Có trong danh sách cảnh báo “hostsVN”.",
        }
        assert body["rule"]["name"] == "hostsVN" and body["rule"]["note"] == "feed:hostsVN"
    assert (
        _check(client, "https://0fb.co/", "en")["reasons"][0]["message"]
        == "On the warning list “hostsVN”."
    )
    listed = runner.invoke(args=["feeds", "list"])
    assert re.search(r"hostsVN\thosts\t4373 mục/entries", listed.output)


def test_feed_never_overrides_an_allow_rule_and_reports_the_conflict(fapp, feed_file):
    runner, client = fapp.test_cli_runner(), fapp.test_client()
    out = runner.invoke(args=["feeds", "add", "canhbao", str(feed_file), "--format", "domains"])
    assert out.exit_code == 0, out.output
    assert "2 mục/entries" in out.output and "1 dòng lỗi/bad lines" in out.output
    assert "dòng/line 4: bad line here" in out.output
    assert "xung đột/conflict: “tin-chinh-thong.vn” có trong canhbao" in out.output
    allowed = _check(client, "https://tin-chinh-thong.vn/bai-viet")
    assert allowed["verdict"] == "official" and allowed["rule"]["list"] == "allow"
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "denied"
    # a curated deny rule keeps its own name
    curated = _check(client, "https://tin-gia-mao.com/")
    assert curated["rule"]["name"] == "Giả mạo Báo Thử Nghiệm"
    api = client.get("/api/v1/feeds", headers=_admin(fapp)).get_json()
    assert [(c["feed"], c["entry"], c["rule"]) for c in api["conflicts"]] == [
        ("canhbao", "tin-chinh-thong.vn", "tin-chinh-thong.vn")
    ]


def test_remove_and_undo_through_the_audit_log(fapp, feed_file):
    runner, client = fapp.test_cli_runner(), fapp.test_client()
    store = fapp.extensions["khongvoi.store"]
    runner.invoke(args=["feeds", "add", "canhbao", str(feed_file), "--format", "domains"])
    refresh = store.list_audit(target_type="feed")[1][0]
    assert refresh.actor == "assistant" and refresh.action == "refresh"
    out = runner.invoke(args=["feeds", "remove", "canhbao"])
    assert out.exit_code == 0 and "Đã gỡ nguồn “canhbao”" in out.output
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "unknown"
    removal = store.list_audit(target_type="feed")[1][0]
    assert removal.action == "delete"
    out = runner.invoke(args=["feeds", "undo", str(removal.id)])
    assert out.exit_code == 0, out.output
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "denied"
    again = runner.invoke(args=["feeds", "undo", str(removal.id)])
    assert again.exit_code == 1 and "đã được hoàn tác" in again.output


def test_api_refuses_bad_feeds_with_json_errors(fapp, feed_file):
    client, admin = fapp.test_client(), _admin(fapp)
    cases = [
        ({"name": "x", "source": "canhbao.txt", "format": "csv"}, "invalid_format"),
        ({"name": "x y", "source": "canhbao.txt", "format": "domains"}, "invalid_name"),
        ({"name": "x", "source": "/etc/hosts", "format": "hosts"}, "invalid_source"),
        ({"name": "x", "source": "../../etc/hosts", "format": "hosts"}, "invalid_source"),
        ({"name": "x", "source": "ftp://a.vn/l", "format": "hosts"}, "invalid_source"),
        (
            {"name": "x", "source": "canhbao.txt", "format": "domains", "list": "allow"},
            "invalid_list",
        ),
        ({"name": 5, "source": 6, "format": []}, "invalid_name"),
    ]
    for body, code in cases:
        resp = client.post("/api/v1/feeds", json=body, headers=admin)
        assert resp.status_code == 400, body
        assert resp.get_json()["error"]["code"] == code
    assert client.get("/api/v1/feeds", headers=admin).get_json()["items"] == []
    made = client.post(
        "/api/v1/feeds",
        json={"name": "canhbao", "source": "canhbao.txt", "format": "domains"},
        headers=admin,
    )
    assert made.status_code == 201 and made.get_json()["entry_count"] == 0
    dup = client.post(
        "/api/v1/feeds",
        json={"name": "canhbao", "source": "canhbao.txt", "format": "domains"},
        headers=admin,
    )
    assert dup.status_code == 409
    done = client.post("/api/v1/feeds/canhbao/refresh", headers=admin).get_json()
    assert done["status"] == "updated" and done["entries"] == 2 and done["bad_lines"] == 1
    assert client.post("/api/v1/feeds/nope/refresh", headers=admin).status_code == 404
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "denied"
    gone = client.delete("/api/v1/feeds/canhbao", headers=admin)
    assert gone.status_code == 200
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "unknown"


# -- refreshing from a site: conditional requests, failures keep entries ------------------------


def test_refresh_over_https_is_conditional_and_failures_keep_entries(tmp_path):
    with LocalSites([FEED_HOST, "mat-tich.vn"], unmapped=("mat-tich.vn",)) as sites:
        state = {"body": b"lua-a.com\nlua-b.com\n", "etag": '"v1"', "status": 200}
        stamp = formatdate(usegmt=True)

        def answer(headers):
            if state["status"] != 200:
                return state["status"], {}, b"oops"
            if headers.get("If-None-Match") == state["etag"]:
                return 304, {"ETag": state["etag"]}, b""
            return (
                200,
                {"ETag": state["etag"], "Last-Modified": stamp, "Content-Type": "text/plain"},
                state["body"],
            )

        sites.handler(FEED_HOST, "/list.txt", answer)
        app = make_test_app(tmp_path, TEST_RULES, sites.config())
        runner, client = app.test_cli_runner(), app.test_client()
        out = runner.invoke(
            args=["feeds", "add", "thu", sites.url(FEED_HOST, "/list.txt"), "--format", "domains"]
        )
        assert out.exit_code == 0, out.output
        assert "2 mục/entries (+2 −0)" in out.output
        out = runner.invoke(args=["feeds", "refresh", "thu"])
        assert "không thay đổi / unchanged" in out.output
        last = [r for r in sites.requests if r[2] == "/list.txt"][-1][3]
        assert last["If-None-Match"] == '"v1"' and last["If-Modified-Since"] == stamp

        state.update(body=b"lua-a.com\nlua-c.com\nnot a domain\n", etag='"v2"')
        out = runner.invoke(args=["feeds", "refresh"])
        assert "2 mục/entries (+1 −1), 1 dòng lỗi/bad lines" in out.output
        assert _check(client, "https://lua-c.com/")["verdict"] == "denied"
        assert _check(client, "https://lua-b.com/")["verdict"] == "unknown"

        for trouble in (
            {"status": 500},
            {"status": 200, "body": b"<html>error</html>\n", "etag": '"v3"'},
        ):
            state.update(trouble)
            out = runner.invoke(args=["feeds", "refresh", "thu"])
            assert out.exit_code == 4, out.output
            assert "Không cập nhật được, giữ 2 mục cũ" in out.output
            assert _check(client, "https://lua-c.com/")["verdict"] == "denied"
        state.update(status=200, body=b"lua-a.com\nlua-c.com\n", etag='"v2"')

        # unreachable: a name that no longer resolves, and an address the guard refuses
        store = app.extensions["khongvoi.store"]
        service = app.extensions["khongvoi.feeds"]
        service.add("mat", sites.url("mat-tich.vn", "/x"), "domains", "deny", _actor())
        service.add("noi-bo", "https://127.0.0.1/list.txt", "domains", "deny", _actor())
        results = {r.name: r for r in service.refresh()}
        assert results["mat"].error == "resolve_dns_failed"
        assert results["noi-bo"].error == "resolve_forbidden_address"
        assert results["thu"].status == "unchanged"
        assert _check(client, "https://lua-c.com/")["verdict"] == "denied"
        logged = store.list_audit(target_type="feed")[1]
        failed = [e for e in logged if e.action == "refresh_failed"]
        assert failed and all(e.actor == "assistant" for e in failed)

        # undo the last real refresh: the entries before it come back
        refresh = next(
            e
            for e in store.list_audit(target_type="feed")[1]
            if e.action == "refresh" and e.after["generation"] > 1
        )
        out = runner.invoke(args=["feeds", "undo", str(refresh.id)])
        assert out.exit_code == 0, out.output
        assert _check(client, "https://lua-b.com/")["verdict"] == "denied"
        assert _check(client, "https://lua-c.com/")["verdict"] == "unknown"
        app.extensions["khongvoi.store"].dispose()


def _actor():
    from server.store.accounts import Actor

    return Actor("test")


def test_curated_rules_always_decide_over_feed_entries(fapp, tmp_path):
    from server.core import make_rule

    store = fapp.extensions["khongvoi.store"]
    store.import_rules(
        [
            make_rule(
                "allow", "bao.lua-rong.vn", name="Báo Thử Con", evidence="e", category="press_local"
            )
        ]
    )
    path = tmp_path / "mix.txt"
    path.write_text("lua-rong.vn\ntin-gia-mao.com\ntin.tin-chinh-thong.vn\n", encoding="utf-8")
    out = fapp.test_cli_runner().invoke(
        args=["feeds", "add", "mix", str(path), "--format", "domains"]
    )
    assert out.exit_code == 0, out.output
    client = fapp.test_client()
    # an allow rule more specific than the entry wins on its hosts; the entry elsewhere
    assert _check(client, "https://bao.lua-rong.vn/a")["verdict"] == "official"
    assert _check(client, "https://lua-rong.vn/a")["reasons"][0]["code"] == "feed_listed"
    # the same host as a curated deny rule: the curated rule (and its name) decides
    assert _check(client, "https://tin-gia-mao.com/")["rule"]["name"] == "Giả mạo Báo Thử Nghiệm"
    # an entry under an allow host rule is left out: the allow rule decides
    assert _check(client, "https://tin.tin-chinh-thong.vn/")["verdict"] == "official"
    conflicts = {
        (c["entry"], c["rule"])
        for c in fapp.extensions["khongvoi.feeds"].conflicts(fapp.extensions["khongvoi.checker"])
    }
    assert conflicts == {
        ("lua-rong.vn", "bao.lua-rong.vn"),
        ("tin.tin-chinh-thong.vn", "tin-chinh-thong.vn"),
    }
    # the offline snapshot of the lists carries curated rules only
    rules = client.get("/api/v1/lists").get_json()["rules"]
    assert not any(r["pattern"] == "lua-rong.vn" for r in rules)


def test_checks_go_on_with_the_old_entries_while_a_refresh_is_compiled(fapp, feed_file):
    runner, client = fapp.test_cli_runner(), fapp.test_client()
    runner.invoke(args=["feeds", "add", "canhbao", str(feed_file), "--format", "domains"])
    service = fapp.extensions["khongvoi.checker"]
    feed_file.write_text("lua-dao-moi.com\n", encoding="utf-8")
    fapp.extensions["khongvoi.feeds"].refresh("canhbao")  # stored; this worker not told yet
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "denied"  # old entries
    service.refresh_feeds()  # the poll's way: compiled in a background thread
    service._feeds_thread.join(30)
    assert _check(client, "https://lua-dao-moi.com/")["verdict"] == "denied"
    assert _check(client, "https://lua-dao-thu.com/")["verdict"] == "unknown"


def _untracked(obj: object) -> bool:
    """``obj`` is no longer tracked by CPython's cyclic GC once collections have looked at it
    (a tuple is untracked when its items are, one nesting level per collection; a dict only
    by a full collection)."""
    for _ in range(3):
        gc.collect()
    return not gc.is_tracked(obj)


def test_compiled_feed_entries_leave_nothing_for_the_garbage_collector_to_walk(fapp, tmp_path):
    """Issue 16: a full collection during a refresh must not walk the index entry by entry.
    With feed entries, curated path rules on a platform and cached hosts (path hits among
    them), the rule index, its path rules, its host cache, the feed index and the loaded
    entries are all containers the collector does not track; and the tracked objects do not
    grow with the number of entries."""
    (tmp_path / "feeds").mkdir(exist_ok=True)
    service = fapp.extensions["khongvoi.checker"]
    feeds = fapp.extensions["khongvoi.feeds"]
    feed = tmp_path / "feeds" / "many.txt"

    def compile_entries(n: int) -> int:
        feed.write_text("".join(f"lua-dao-{i}.com\n" for i in range(n)), encoding="utf-8")
        feeds.refresh("many")
        service.refresh_feeds(wait=True)
        for url in (
            "https://facebook.com/ubndthunghiem/posts",  # a path rule of TEST_RULES
            "https://m.facebook.com/ubndthunghiem",
            "https://lua-dao-1.com/",
            "https://tin-chinh-thong.vn/",
        ) * 2:  # a host is cached on its second sighting
            service.check(url)
        assert service.check("https://lua-dao-1.com/").verdict == "denied"
        assert service.check("https://facebook.com/ubndthunghiem").verdict == "official"
        for _ in range(3):
            gc.collect()
        return len(gc.get_objects())

    feed.write_text("lua-dao-0.com\n", encoding="utf-8")
    feeds.add("many", "many.txt", "domains", "deny", Actor("test"))
    small = compile_entries(100)
    large = compile_entries(5000)
    index = service.checker()._index
    assert any("facebook.com" in h for h in index._cache)
    for container in (index._d, index._cache, service._feeds._hosts):
        assert _untracked(container)
    assert index.paths["facebook.com"]  # the path rules are there, out of the index
    _, rows = service.feed_loader.load_entries()
    assert len(rows) == 5000 and _untracked(rows)
    assert large - small < 500  # not one tracked object per entry
