"""Rule semantics of the product contract, through the embeddable Checker."""

from __future__ import annotations

import pytest

from server.core import Checker, InvalidRule, canonical_pattern


def decide(allow, deny, url):
    r = Checker(allow=allow, deny=deny, force=True).check(url)
    return (r.rule.list, r.rule.pattern) if r.rule else None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://baochinhphu.vn/a", ("allow", "baochinhphu.vn")),
        ("https://xaydungchinhsach.baochinhphu.vn/a", ("allow", "baochinhphu.vn")),
        ("https://a.b.c.baochinhphu.vn/", ("allow", "baochinhphu.vn")),
        ("https://baochinhphu.vn.tin-moi.xyz/", None),
        ("https://notbaochinhphu.vn/", None),
        ("https://hanoi.gov.vn/", ("allow", "gov.vn")),
        ("https://congan.hanoi.gov.vn/", ("allow", "gov.vn")),
        ("https://gov.vn.com/", None),
    ],
)
def test_host_patterns_cover_subdomains_only(url, expected):
    assert decide(["baochinhphu.vn", "gov.vn"], [], url) == expected


PAGE = ["facebook.com/ubndhiephoa"]


@pytest.mark.parametrize(
    ("url", "matched"),
    [
        ("https://facebook.com/ubndhiephoa", True),
        ("https://www.facebook.com/ubndhiephoa/", True),
        ("https://m.facebook.com/ubndhiephoa/posts/1", True),
        ("https://web.facebook.com/UBNDHiepHoa", True),
        ("https://mbasic.facebook.com/ubndhiephoa?ref=x", True),
        ("https://mobile.facebook.com/ubndhiephoa", True),
        ("https://facebook.com/ubndhiephoa2", False),
        ("https://facebook.com/ubndhiephoa-fake", False),
        ("https://facebook.com/", False),
        ("https://evil.facebook.com/ubndhiephoa", False),
        ("https://facebook.com.evil.vn/ubndhiephoa", False),
    ],
)
def test_path_patterns_at_segment_boundaries_on_platform_hosts(url, matched):
    assert (decide(PAGE, [], url) is not None) is matched


def test_most_specific_rule_wins():
    allow = ["baochinhphu.vn", "facebook.com/page", "facebook.com/page/sub/deeper"]
    deny = ["bad.baochinhphu.vn", "baochinhphu.vn/fake", "facebook.com/page/sub"]
    assert decide(allow, deny, "https://bad.baochinhphu.vn/x") == ("deny", "bad.baochinhphu.vn")
    assert decide(allow, deny, "https://x.bad.baochinhphu.vn/") == ("deny", "bad.baochinhphu.vn")
    assert decide(allow, deny, "https://baochinhphu.vn/fake/1") == ("deny", "baochinhphu.vn/fake")
    assert decide(allow, deny, "https://baochinhphu.vn/fake2") == ("allow", "baochinhphu.vn")
    # a path rule on a deeper host does not hide the host rule above it
    assert decide(allow, deny, "https://bad.baochinhphu.vn/fake") == ("deny", "bad.baochinhphu.vn")
    assert decide(allow, deny, "https://facebook.com/page/sub/x") == (
        "deny",
        "facebook.com/page/sub",
    )
    assert decide(allow, deny, "https://facebook.com/page/sub/deeper/1") == (
        "allow",
        "facebook.com/page/sub/deeper",
    )
    assert decide(allow, deny, "https://facebook.com/page/other") == ("allow", "facebook.com/page")


def test_deep_path_rule_beats_host_rule_on_a_longer_host():
    assert decide(["a.vn"], ["x.a.vn/p"], "https://x.a.vn/p/q") == ("deny", "x.a.vn/p")
    assert decide(["a.vn"], ["x.a.vn/p"], "https://x.a.vn/q") == ("allow", "a.vn")


def test_deny_wins_exact_tie_in_either_order():
    assert decide(["tie.vn"], ["tie.vn"], "https://tie.vn/") == ("deny", "tie.vn")
    checker = Checker(deny=["tie.vn"], allow=["tie.vn"])
    assert checker.check("https://tie.vn/").verdict == "denied"
    assert decide(["fb.com/p"], ["fb.com/p"], "https://fb.com/p") == ("deny", "fb.com/p")


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("BaoChinhPhu.VN", "baochinhphu.vn"),
        ("https://www.baochinhphu.vn/", "baochinhphu.vn"),
        ("baochinhphu.vn.", "baochinhphu.vn"),
        ("baochinhphu.vn:443", "baochinhphu.vn"),
        ("facebook.com/UBNDHiepHoa/", "facebook.com/ubndhiephoa"),
        ("m.facebook.com//Trang//", "m.facebook.com/trang"),
        ("bộcôngan.vn", "xn--bcngan-jxa6332d.vn"),
        ("www.vn", "www.vn"),
    ],
)
def test_canonical_patterns(text, canonical):
    assert canonical_pattern(text, force=True) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "youtube.com",
        "zalo.me",
        "blogspot.com",
        "github.io",
    ],
)
def test_platform_host_rules_refused_unless_forced(text):
    with pytest.raises(InvalidRule) as exc:
        canonical_pattern(text)
    assert exc.value.code == "platform_host_rule"
    assert "nền tảng" in exc.value.message
    assert canonical_pattern(text, force=True)
    with pytest.raises(InvalidRule):
        Checker(allow=[text])


def test_platform_subsites_and_pages_accepted():
    assert canonical_pattern("ubnd.blogspot.com") == "ubnd.blogspot.com"
    assert canonical_pattern("facebook.com/ubndhiephoa") == "facebook.com/ubndhiephoa"
    assert canonical_pattern("youtube.com/@vtv24") == "youtube.com/@vtv24"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_pattern"),
        ("  ", "empty_pattern"),
        ("a.vn?x=1", "invalid_pattern"),
        ("a b.vn", "invalid_pattern"),
        ("user@a.vn", "invalid_pattern"),
        ("-a.vn", "invalid_pattern"),
        ("-", "invalid_pattern"),
        ("a" * 600, "invalid_pattern"),
    ],
)
def test_bad_patterns(text, code):
    with pytest.raises(InvalidRule) as exc:
        canonical_pattern(text)
    assert exc.value.code == code


def test_cost_is_a_lookup_not_a_scan():
    many = [f"site{i}.vn" for i in range(20000)]
    checker = Checker(deny=many)
    assert checker.rule_count == 20000
    assert checker.check("https://www.site19999.vn/x").rule.pattern == "site19999.vn"
    assert checker.check("https://site20000.vn/x").rule is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("com", "public_suffix_rule"),
        ("vn", "public_suffix_rule"),
        ("com.vn", "public_suffix_rule"),
        ("edu.vn", "public_suffix_rule"),
        ("https://COM.VN/", "public_suffix_rule"),
        ("bit.ly", "shortener_host_rule"),
        ("tinyurl.com", "shortener_host_rule"),
        ("facebook.com/profile.php", "platform_generic_path"),
        ("facebook.com/groups", "platform_generic_path"),
        ("m.facebook.com/share/", "platform_generic_path"),
        ("youtube.com/watch", "platform_generic_path"),
        ("youtube.com/channel", "platform_generic_path"),
        ("zalo.me/g", "platform_generic_path"),
        ("tiktok.com/@", "platform_generic_path"),
    ],
)
def test_rules_covering_a_namespace_refused_unless_forced(text, code):
    with pytest.raises(InvalidRule) as exc:
        canonical_pattern(text)
    assert exc.value.code == code and exc.value.message and exc.value.message_en
    assert canonical_pattern(text, force=True)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("gov.vn", "gov.vn"),  # every registrant is an agency
        ("bit.ly/ubnd-hiephoa", "bit.ly/ubnd-hiephoa"),  # one short link is one page
        ("facebook.com/groups/123456", "facebook.com/groups/123456"),
        ("youtube.com/channel/UCabc", "youtube.com/channel/ucabc"),
        (
            "facebook.com/profile.php?id=61550000000001",
            "facebook.com/profile.php?id=61550000000001",
        ),
        ("https://m.facebook.com/profile.php?sk=about&id=0615", "facebook.com/profile.php?id=615"),
        ("youtube.com/@báochínhphủ", "youtube.com/@b%c3%a1och%c3%adnhph%e1%bb%a7"),
        ("xa.vn/tin-tức/", "xa.vn/tin-t%e1%bb%a9c"),
        ("xa.vn/tin%2Dtuc", "xa.vn/tin-tuc"),
        ("xa.vn/a/../b", "xa.vn/b"),
    ],
)
def test_patterns_that_name_one_source_are_accepted(text, canonical):
    assert canonical_pattern(text) == canonical


def test_path_patterns_match_as_urls_are_written():
    checker = Checker(
        allow=["youtube.com/@báochínhphủ", "xa.vn/tin-tức", "facebook.com/profile.php?id=615"]
    )
    assert checker.check("https://www.youtube.com/@báochínhphủ/videos").verdict == "official"
    assert checker.check("https://www.youtube.com/@b%C3%A1och%C3%ADnhph%E1%BB%A7").verdict == (
        "official"
    )
    assert checker.check("https://xa.vn/tin-t%E1%BB%A9c/a").verdict == "official"
    assert checker.check("https://www.facebook.com/profile.php?id=615&sk=about").verdict == (
        "official"
    )
    assert checker.check("https://www.facebook.com/profile.php?id=6150").verdict == "unknown"
    assert checker.check("https://www.facebook.com/profile.php").verdict == "unknown"


@pytest.mark.parametrize(
    ("host", "suffix", "domain"),
    [
        ("a.b.com.vn", "com.vn", "b.com.vn"),
        ("gov.vn", "gov.vn", ""),
        ("x.blogspot.com", "blogspot.com", "x.blogspot.com"),
        ("a.b.ck", "b.ck", "a.b.ck"),  # *.ck: every label under ck is a suffix
        ("a.www.ck", "ck", "www.ck"),  # !www.ck: an exception to it
        ("www.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp"),
        ("a.unknowntld", "unknowntld", "a.unknowntld"),  # the default rule "*"
        ("1.2.3.4", "4", "1.2.3.4"),
    ],
)
def test_the_suffix_list_and_the_rule_index_walk_alike(host, suffix, domain):
    """The Public Suffix List is walked in one place (RuleIndex.walk): the suffix list's own
    answers and a check's domain are the same walk's."""
    from server.core.domains import SuffixList, default_suffix_list

    suffixes = default_suffix_list()
    assert suffixes.public_suffix(host) == suffix
    assert suffixes.registrable_domain(host) == domain
    assert suffixes.is_public_suffix(host) == (domain == "")
    tiny = SuffixList(["com.vn", "vn", "*.ck", "!www.ck"])
    assert tiny.registrable_domain("a.www.ck") == "www.ck"
    assert tiny.registrable_domain("a.b.ck") == "a.b.ck"
    assert tiny.public_suffix("a.b.com.vn") == "com.vn"
    if "." in host and not host[-1].isdigit():
        assert Checker().check(f"https://{host}/").domain == domain


def test_rules_and_store_rows_pack_alike():
    from server.core.packed import pack_row, pack_rule, packed_pattern, unpack_rule
    from server.core.rules import Rule

    rule = Rule(
        "tuoitre.com",
        "deny",
        "Giả mạo",
        "impersonation",
        "national",
        "https://e/1",
        "",
        "2027-01-31",
        7,
        "",
    )
    row = (
        7,
        "deny",
        "tuoitre.com",
        "Giả mạo",
        "impersonation",
        "national",
        "https://e/1",
        None,
        "2027-01-31",
        None,
    )
    assert pack_rule(rule) == pack_row(row)
    assert unpack_rule(pack_row(row)) == rule and packed_pattern(pack_rule(rule)) == "tuoitre.com"
    assert unpack_rule(pack_rule(Rule("a.vn", "allow"))) == Rule("a.vn", "allow")
