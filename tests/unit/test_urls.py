"""URL intake and canonicalisation.

Google Safe Browsing's documented canonicalisation examples are from
https://developers.google.com/safe-browsing/v4/urls-hashing#canonicalization ; where Không
Vội deliberately differs (see ``server/core/urls.py``) the difference is asserted explicitly.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from server.core import InvalidURL, parse_url
from server.core.urls import PLAIN_URL, _parse_slow, share_url

# (input, Safe Browsing's canonical form) — identical for us.
SAFE_BROWSING_SAME = [
    ("http://host/%25%32%35", "http://host/%25"),
    ("http://host/%25%32%35%25%32%35", "http://host/%25%25"),
    ("http://host/%2525252525252525", "http://host/%25"),
    ("http://host/asdf%25%32%35asd", "http://host/asdf%25asd"),
    ("http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"),
    ("http://www.google.com/", "http://www.google.com/"),
    (
        "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62"
        "%61%79%2E%63%6F%6D/",
        "http://168.188.99.26/.secure/www.ebay.com/",
    ),
    (
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xpl"
        "mvalidateinfoswqpcmlx=hgplmcx/",
        "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBays"
        "ecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
    ),
    ("http://3279880203/blah", "http://195.127.0.11/blah"),
    ("http://www.google.com/blah/..", "http://www.google.com/"),
    ("www.google.com/", "http://www.google.com/"),
    ("www.google.com", "http://www.google.com/"),
    ("http://www.evil.com/blah#frag", "http://www.evil.com/blah"),
    ("http://www.GOOgle.com/", "http://www.google.com/"),
    ("http://www.google.com.../", "http://www.google.com/"),
    ("http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"),
    ("http://www.google.com/q?", "http://www.google.com/q?"),
    ("http://www.google.com/q?r?", "http://www.google.com/q?r?"),
    ("http://www.google.com/q?r?s", "http://www.google.com/q?r?s"),
    ("http://evil.com/foo#bar#baz", "http://evil.com/foo"),
    ("http://evil.com/foo;", "http://evil.com/foo;"),
    ("http://evil.com/foo?bar;", "http://evil.com/foo?bar;"),
    ("http://notrailingslash.com", "http://notrailingslash.com/"),
    ("  http://www.google.com/  ", "http://www.google.com/"),
    ("https://www.securesite.com/", "https://www.securesite.com/"),
    ("http://host.com/ab%23cd", "http://host.com/ab%23cd"),
    ("http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"),
]


@pytest.mark.parametrize(("raw", "expected"), SAFE_BROWSING_SAME)
def test_safe_browsing_examples(raw, expected):
    assert parse_url(raw).canonical == expected


def test_safe_browsing_difference_ports_kept():
    # Safe Browsing drops every port ("http://www.gotaport.com/"); a port changes where a
    # link leads, so we keep non-default ports and drop only the default ones.
    assert parse_url("http://www.gotaport.com:1234/").canonical == "http://www.gotaport.com:1234/"
    assert parse_url("http://www.gotaport.com:80/").canonical == "http://www.gotaport.com/"
    assert parse_url("https://a.vn:443/x").canonical == "https://a.vn/x"


def test_safe_browsing_difference_query_not_unescaped():
    # Safe Browsing unescapes the whole URL; unescaping %26 in a query changes its meaning.
    url = parse_url("http://a.vn/p?u=a%26b%3Dc")
    assert url.canonical == "http://a.vn/p?u=a%26b%3Dc"
    assert parse_url("http://a.vn/p?x=a b").canonical == "http://a.vn/p?x=a%20b"


@pytest.mark.parametrize(
    "raw",
    [
        "http://host%23.com/%257Ea%2521b",  # Safe Browsing: http://host%23.com/~a!b
        "http:// leadingspace.com/",  # Safe Browsing: http://%20leadingspace.com/
        "http://%20leadingspace.com/",
        "%20leadingspace.com/",
        "http://\x01\x80.com/",  # Safe Browsing: http://%01%80.com/
    ],
)
def test_safe_browsing_difference_invalid_hosts_refused(raw):
    # No browser opens these hosts: we refuse them instead of escaping them.
    with pytest.raises(InvalidURL) as exc:
        parse_url(raw)
    assert exc.value.code == "invalid_host"


@pytest.mark.parametrize(
    ("raw", "host", "canonical"),
    [
        ("vnexpress.net/abc", "vnexpress.net", "http://vnexpress.net/abc"),
        ("  HTTPS://VnExpress.NET/Abc  ", "vnexpress.net", "https://vnexpress.net/Abc"),
        ("https://Bộ-Công-An.vn/tin", "xn--b-cng-an-63a1467e.vn", None),
        (
            "https://xn--bcher-kva.example/",
            "xn--bcher-kva.example",
            "https://xn--bcher-kva.example/",
        ),
        ("https://baochinhphu.vn./a", "baochinhphu.vn", "https://baochinhphu.vn/a"),
        ("https://www.baochinhphu.vn/a", "www.baochinhphu.vn", None),
        ("http://nhandan.vn@evil.example/", "evil.example", "http://evil.example/"),
        ("http://user:pass@nhandan.vn:8080/x", "nhandan.vn", "http://nhandan.vn:8080/x"),
        ("http://2130706433/", "127.0.0.1", None),
        ("http://017700000001/", "127.0.0.1", None),
        ("http://0x7f.1/", "127.0.0.1", None),
        ("http://127.1/", "127.0.0.1", None),
        ("http://0x7f.0.0.1/", "127.0.0.1", None),
        ("http://[::1]/", "[::1]", None),
        ("http://[::FFFF:127.0.0.1]/", "[::ffff:7f00:1]", None),
        ("http:\\\\nhandan.vn\\a", "nhandan.vn", "http://nhandan.vn/a"),
        ("//nhandan.vn/a", "nhandan.vn", "http://nhandan.vn/a"),
        ("http:///nhandan.vn/a", "nhandan.vn", "http://nhandan.vn/a"),
        ("localhost:5000/x", "localhost", "http://localhost:5000/x"),
        ("vnexpress.net:443/a", "vnexpress.net", "http://vnexpress.net:443/a"),
        ("https://tuoitre.vn/bài-viết", "tuoitre.vn", "https://tuoitre.vn/b%C3%A0i-vi%E1%BA%BFt"),
    ],
)
def test_what_users_paste(raw, host, canonical):
    url = parse_url(raw)
    assert url.host == host
    if canonical is not None:
        assert url.canonical == canonical


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty_url"),
        ("  \t ", "empty_url"),
        ("javascript:alert(1)", "unsupported_scheme"),
        ("JavaScript:alert(1)", "unsupported_scheme"),
        ("data:text/html,<b>x</b>", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("chrome://settings", "unsupported_scheme"),
        ("ftp://a.vn/x", "unsupported_scheme"),
        ("mailto:a@b.vn", "unsupported_scheme"),
        ("http://", "missing_host"),
        ("http://@/", "missing_host"),
        ("https:///", "missing_host"),
        ("http://a.vn:99999/", "invalid_port"),
        ("http://a.vn:x/", "invalid_port"),
        ("http://1.2.3.999/", "invalid_host"),
        ("http://a_b c.vn/", "invalid_host"),
        ("http://" + "a" * 64 + ".vn/", "invalid_host"),
        ("http://a.vn/" + "x" * 8200, "url_too_long"),
    ],
)
def test_refusals_have_stable_codes(raw, code):
    with pytest.raises(InvalidURL) as exc:
        parse_url(raw)
    assert exc.value.code == code
    assert exc.value.message and exc.value.message_en
    assert isinstance(exc.value, ValueError)


def test_non_string_refused():
    with pytest.raises(InvalidURL):
        parse_url(None)  # type: ignore[arg-type]


def test_share_url_strips_tracking_only():
    url = "https://a.vn/x?id=1&utm_source=fb&fbclid=ABC&b=2&utm_campaign=z"
    assert share_url(url) == "https://a.vn/x?id=1&b=2"
    assert share_url("https://a.vn/x?fbclid=1") == "https://a.vn/x"
    assert share_url("https://a.vn/x?si=1&sid=2") == "https://a.vn/x?sid=2"
    assert share_url("https://a.vn/x") == "https://a.vn/x"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=120))
@example("http://a.vn/%2e%2e/%2E/x")
@example("HTTP://[::1]:0/")
@example("0\xad")  # a soft hyphen dropped by IDNA leaves "0": the address 0.0.0.0
def test_any_text_parses_or_raises_invalid_url(text):
    try:
        url = parse_url(text)
    except InvalidURL:
        return
    again = parse_url(url.canonical)
    assert again.canonical == url.canonical  # idempotent
    assert again.host == url.host


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_path = st.from_regex(r"(/[A-Za-z0-9._~!$&'()*+,;=:@-]{0,8}){0,4}", fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["http", "https"]),
    st.lists(_label, min_size=1, max_size=4),
    st.sampled_from(["vn", "com", "com.vn", "org"]),
    _path,
    st.one_of(st.none(), st.from_regex(r"[a-z0-9=&_.]{0,12}", fullmatch=True)),
)
def test_fast_path_agrees_with_slow_path(scheme, labels, tld, path, query):
    url = f"{scheme}://{'.'.join(labels)}.{tld}{path}" + (f"?{query}" if query is not None else "")
    fast = parse_url(url)
    slow = _parse_slow(url)
    if PLAIN_URL(url):
        assert fast == slow
    assert fast.canonical == slow.canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("https://https://tuoi-tre.com/x", "https://tuoi-tre.com/x"),
        ("http://https//a.vn/x", "https://a.vn/x"),
        ("https//vnexpress.net/abc", "https://vnexpress.net/abc"),
        ("HTTPS://HTTPS://A.VN", "https://a.vn/"),
        ("http://http.vn/", "http://http.vn/"),  # a host named http.vn stays
        ("https://a.vn/x%2F..%2Fy", "https://a.vn/x%2F..%2Fy"),  # escaped slashes are data
        ("https://a.vn/x%2f%2e%2e%2fy/z", "https://a.vn/x%2F..%2Fy/z"),
        ("https://a.vn/x%5c..%5cy", "https://a.vn/x%5C..%5Cy"),
        ("https://a.vn/x/%2e%2e/y", "https://a.vn/y"),  # escaped dots still resolve
    ],
)
def test_paste_slips_and_escaped_separators(raw, canonical):
    assert parse_url(raw).canonical == canonical
