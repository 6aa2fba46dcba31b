"""``result_json`` (the API's serialised answer, built from a memo of the verdict part) gives
byte for byte what serialising ``result_to_dict`` gives, for every kind of result."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.core import InvalidURL, make_rule
from server.core.answers import _verdict_memo, result_json, result_to_dict
from tests.live import make_test_app

CASES = json.loads((Path(__file__).parents[1] / "cases" / "matching.json").read_text("utf-8"))
URLS = [
    "https://baochinhphu.vn/a",
    "https://www.baochinhphu.vn/tin/b?utm_source=x&id=3",
    "https://m.facebook.com/thongtinchinhphu/posts/1",
    "https://facebook.com/thongtinchinhphu-that-ra-gia",
    "https://baochinhphu-vn.com/tin",
    "https://xn--bochnhph-xya2b.vn/",  # an IDN host
    "https://tin-vui.example/x",
    "https://l.facebook.com/l.php?u=https%3A%2F%2Fbaochinhphu.vn%2Fc",
    "https://www.google.com/url?q=https://tuoitre.vn/d",
    "https://bit.ly/abc",
    "https://qua-han.vn/e",  # the rule below is past its review date
    "https://192.168.1.1/",
    "HTTPS://WWW.BaoChinhPhu.VN:443/a/../b/%7euser?utm_medium=y",  # canonical differs
    'https://baochinhphu.vn/a"b\\c/\u0111\u00e2y',  # escapes in the URL
    "https://user@baochinhphu.vn.lua-dao.com/",
] + [c["url"] for c in CASES["cases"] if not c["error"]]


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    app = make_test_app(tmp_path_factory.mktemp("rj"))
    store = app.extensions["khongvoi.store"]
    store.add_rule(
        make_rule(
            "allow",
            "qua-han.vn",
            name="Báo quá hạn",
            category="press_local",
            evidence="https://qua-han.vn/gioi-thieu",
            review_by="2020-01-01",
        )
    )
    service = app.extensions["khongvoi.checker"]
    service.refresh(force=True)
    return service


def _both(svc, url: str, lang: str, today: str) -> tuple[bytes, bytes]:
    result = svc.check(url)
    fast = result_json(result, lang, svc.tables, today, orjson.dumps)
    slow = orjson.dumps(result_to_dict(result, lang, svc.tables, today))
    return fast, slow


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_same_bytes_as_the_dict_for_every_kind_of_result(svc, lang) -> None:
    verdicts = set()
    for today in ("2026-12-03", "2019-06-01"):
        for url in URLS:
            for _ in range(2):  # the second time from the memo
                fast, slow = _both(svc, url, lang, today)
                assert fast == slow, url
                assert type(fast) is bytes
            verdicts.add(orjson.loads(fast)["verdict"])
    assert verdicts >= {"official", "denied", "suspicious", "unknown"}
    # the overdue note depends on the day, and the memo knows it
    late = orjson.loads(_both(svc, "https://qua-han.vn/e", lang, "2026-12-03")[0])
    early = orjson.loads(_both(svc, "https://qua-han.vn/e", lang, "2019-06-01")[0])
    assert [r["code"] for r in late["reasons"]][-1] == "review_overdue"
    assert "review_overdue" not in [r["code"] for r in early["reasons"]]


def test_memo_is_bounded(svc) -> None:
    for i in range(9000):
        svc.check(f"https://trang-{i}.vn/")  # distinct unknown hosts share one verdict part
        result_json(svc.check(f"https://trang-{i}.vn/"), "vi", svc.tables, f"d{i}", orjson.dumps)
    assert len(_verdict_memo) <= 8192


@settings(max_examples=200, deadline=None)
@given(
    host=st.sampled_from(["baochinhphu.vn", "facebook.com", "vi-du.vn", "xn--vi-d-0sa.vn"]),
    path=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30),
    lang=st.sampled_from(["vi", "en"]),
)
def test_same_bytes_for_arbitrary_paths(svc, host, path, lang) -> None:
    url = f"https://{host}/{path}"
    try:
        fast, slow = _both(svc, url, lang, "2026-12-03")
    except InvalidURL:
        return
    assert fast == slow


@settings(max_examples=300, deadline=None)
@given(
    host=st.sampled_from(["www.facebook.com", "m.facebook.com", "youtube.com", "tiktok.com"]),
    segments=st.lists(
        st.sampled_from(["Bao.ChinhPhu", "groups", "profile.php", "posts", "1", "@vtv24", "c"]),
        max_size=4,
    ),
    query=st.sampled_from(["", "id=12", "id=12&ref=x", "v=abc"]),
)
def test_statistics_key_of_a_page_reads_only_what_the_pattern_needs(host, segments, query):
    """The statistics key of a platform link is memoised on the link cut by ``page_url``:
    the same pattern as the whole link gives."""
    from server.check_service import page_url
    from server.report_patterns import suggested_pattern

    url = f"https://{host}/{'/'.join(segments)}" + (f"?{query}" if query else "")
    try:
        want = suggested_pattern(url, host)
    except Exception:
        return
    assert suggested_pattern(page_url(url), host) == want


_ITEMS = st.one_of(
    st.sampled_from(URLS),
    st.sampled_from(["", "không phải liên kết", "ftp://baochinhphu.vn/", "https://a b/"]),
    st.sampled_from([None, 12, ["https://baochinhphu.vn/"], {"url": "x"}]),
    st.builds(lambda i: f"https://trang-{i}.vn/bai", st.integers(0, 5)),
)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(_ITEMS, max_size=25), lang=st.sampled_from(["vi", "en"]))
def test_a_batch_answers_each_item_as_on_its_own(svc, items, lang) -> None:
    """``answer_many`` (the batch loop, compiled with the checker when built) gives each item
    what the item alone gives: the single check's bytes, or its error; it counts each
    answer under its verdict and statistics key, hits and misses as the cache saw them."""
    from server.core.answers import NOT_TEXT, answer_many, batch_keys

    checker = svc.checker()
    cached = {u: b"cached " + u.encode() for u in URLS[:3]}
    found = [
        (cached[u], "official", "x.vn") if isinstance(u, str) and u in cached else None
        for u in items
    ]
    out, fresh, counts, hits, misses = answer_many(
        checker,
        items,
        batch_keys(items, lang),
        found,
        lang,
        svc.tables,
        "2026-12-03",
        orjson.dumps,
        None,
        svc._page_key,
    )
    want_counts: dict[tuple[str, str], int] = {}
    seen: set[str] = set()
    want_hits = want_misses = 0
    for item, got, hit in zip(items, out, found, strict=True):
        if not isinstance(item, str):
            assert got == {"url": item, "error": NOT_TEXT[lang == "en"]}
            continue
        if hit is not None or item in seen:
            want_hits += 1
        else:
            want_misses += 1
        try:
            result = checker.check(item)
        except InvalidURL as exc:
            assert got == {
                "url": item,
                "error": {"code": exc.code, "message": exc.message_for(lang)},
            }
            continue
        seen.add(item)
        if hit is not None:
            assert got == hit[0]  # from the cache, as given
            counted = (hit[1], hit[2])
        else:
            assert got == orjson.dumps(result_to_dict(result, lang, svc.tables, "2026-12-03"))
            assert fresh[(item, lang)] == (got, result.verdict, svc.stat_key(result))
            counted = (result.verdict, svc.stat_key(result))
        want_counts[counted] = want_counts.get(counted, 0) + 1
    assert counts == want_counts
    assert (hits, misses) == (want_hits, want_misses)
    assert set(fresh) == {(u, lang) for u in seen if u not in cached}


def test_a_batch_follows_shortened_links_through_the_resolver(svc) -> None:
    from server.core.answers import answer_many, batch_keys

    checker = svc.checker()
    followed: list[str] = []

    def resolve(first):
        followed.append(first.url)
        target = "https://baochinhphu.vn/da-den"
        return checker.resolved(first, target, (first.url, target))

    urls = ["https://bit.ly/abc", "https://baochinhphu.vn/a", "https://bit.ly/abc"]
    out, _, counts, hits, misses = answer_many(
        checker,
        urls,
        batch_keys(urls, "vi"),
        [None] * 3,
        "vi",
        svc.tables,
        "2026-12-03",
        orjson.dumps,
        resolve,
        str,
    )
    assert followed == ["https://bit.ly/abc"]  # once: the repeat is answered from the batch
    first = orjson.loads(out[0])
    assert first["verdict"] == "official" and first["chain"][-1] == "https://baochinhphu.vn/da-den"
    assert out[2] == out[0] and (hits, misses) == (1, 2)
    assert counts == {("official", "baochinhphu.vn"): 3}
