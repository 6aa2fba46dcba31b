"""Rules: a ``host[/path-prefix]`` pattern on the allow or deny list, and its validation.

A pattern is canonical when its host is in canonical form (lowercase, punycode, no trailing
dot, no port, no leading ``www.``) and its path prefix, if any, starts with ``/``, has no
trailing ``/``, no query or fragment, and is lowercase (path prefixes are compared
case-insensitively: ``facebook.com/UBNDHiepHoa`` is the same page as ``/ubndhiephoa``).
Path prefixes are put in the canonical form of URL paths (UTF-8 percent-escaped, dot segments
resolved): ``youtube.com/@báochínhphủ`` is stored as ``youtube.com/@b%c3%a1och%c3%adnhph%e1%bb%a7``,
the form URLs are compared in.

Refused unless forced, so that one bad line cannot mark a whole namespace official or denied:

* host-only rules on shared platforms (facebook.com, youtube.com, blogspot.com, …);
* host-only rules on a public suffix (``com``, ``vn``, ``com.vn``), except ``gov.vn``, whose
  registrants are all state agencies (the one suffix rule of the default list);
* host-only rules on URL shorteners (``bit.ly``): their links hide where they lead;
* a path rule naming no page on a platform: a generic first segment alone
  (``facebook.com/profile.php``, ``facebook.com/groups``, ``youtube.com/watch``,
  ``zalo.me/g``). Facebook pages that have no username are listed as
  ``facebook.com/profile.php?id=<number>``, the one pattern with a query: it covers that
  ``id`` only.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass

from .domains import default_suffix_list, is_ip_host
from .errors import InvalidRule, InvalidURL
from .tables import default_tables
from .urls import canonical_host, canonical_path

__all__ = [
    "LISTS",
    "PLATFORM_SUBDOMAINS",
    "Rule",
    "canonical_pattern",
    "make_rule",
    "split_pattern",
]

LISTS = ("allow", "deny")
#: Subdomains on which a platform serves the same pages (path rules cover them too).
PLATFORM_SUBDOMAINS = ("m", "mbasic", "mobile", "web", "www")
MAX_PATTERN_LENGTH = 512
#: Public suffixes that may be a rule: every registrant under gov.vn is a state agency.
SUFFIX_RULES = frozenset(("gov.vn",))
#: First path segments on platforms that name no page by themselves.
GENERIC_SEGMENTS = frozenset(
    (
        "@",
        "c",
        "channel",
        "dialog",
        "discover",
        "embed",
        "events",
        "explore",
        "feed",
        "g",
        "gaming",
        "groups",
        "hashtag",
        "home.php",
        "l.php",
        "live",
        "login",
        "marketplace",
        "p",
        "pages",
        "people",
        "permalink.php",
        "photo.php",
        "photos",
        "playlist",
        "plugins",
        "profile.php",
        "reel",
        "reels",
        "results",
        "s",
        "search",
        "share",
        "sharer",
        "sharer.php",
        "shorts",
        "stories",
        "story.php",
        "tag",
        "user",
        "video",
        "videos",
        "watch",
    )
)
_PROFILE_ID = re.compile(
    r"(?i)(?:https?://)?(?:(?:www|m|web|mbasic|mobile)\.)?facebook\.com/profile\.php\?"
    r"(?:[^#]*&)?id=(\d{1,20})(?:[&#].*)?"
).fullmatch
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")
# A lowercase ASCII host of 2+ labels whose last label is not numeric (not an IP address).
_PLAIN_HOST = re.compile(
    r"(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+"
    r"[a-z_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
).fullmatch


@dataclass(frozen=True, slots=True)
class Rule:
    """One line of a list. ``review_by`` is an ISO date (``YYYY-MM-DD``) or ``""``.

    ``basis`` is the legal basis of the source's status where one exists (a press licence
    such as "Giấy phép số 123/GP-BTTTT", the decision establishing an agency portal, the
    statute for ``gov.vn``); ``evidence`` is where that can be read (a URL).
    """

    pattern: str
    list: str
    name: str = ""
    category: str = ""
    scope: str = "national"
    evidence: str = ""
    note: str = ""
    review_by: str = ""
    id: int | None = None
    basis: str = ""

    @property
    def host(self) -> str:
        """The host part of the pattern."""
        return split_pattern(self.pattern)[0]

    @property
    def path(self) -> str:
        """The path prefix of the pattern, ``""`` for a host rule."""
        return split_pattern(self.pattern)[1]


def split_pattern(pattern: str) -> tuple[str, str]:
    """``("facebook.com", "/ubndhiephoa")`` for ``facebook.com/ubndhiephoa``."""
    host, slash, path = pattern.partition("/")
    return host, (slash + path if slash else "")


def _bad(code: str, vi: str, en: str) -> InvalidRule:
    return InvalidRule(code, vi, en)


def canonical_pattern(
    text: str, *, force: bool = False, platforms: frozenset[str] | None = None
) -> str:
    """The canonical form of a pattern, or :class:`InvalidRule` explaining what is wrong."""
    raw = (text or "").strip()
    if _PLAIN_HOST(raw) is not None and not raw.startswith("www.") and "xn--" not in raw:
        if not force:  # already canonical (the common case in big imports): no IDNA work
            _refuse_namespace(raw, platforms, maybe_ip=False)
        return raw
    profile = _PROFILE_ID(raw)
    if profile is not None:
        return f"facebook.com/profile.php?id={int(profile.group(1))}"
    if not raw:
        raise _bad("empty_pattern", "Mẫu (pattern) đang để trống.", "The pattern is empty.")
    if len(raw) > MAX_PATTERN_LENGTH:
        raise _bad("invalid_pattern", "Mẫu quá dài.", "The pattern is too long.")
    lowered = raw.lower()
    for prefix in ("https://", "http://", "//"):
        if lowered.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    if any(c in raw for c in "?# \t") or "\\" in raw or "@" in raw.partition("/")[0]:
        raise _bad(
            "invalid_pattern",
            "Mẫu chỉ gồm tên miền và (tùy chọn) đường dẫn, ví dụ: baochinhphu.vn hoặc "
            "facebook.com/tenfanpage; không có dấu ?, #, @ hay khoảng trắng.",
            "A pattern is a host and an optional path, e.g. baochinhphu.vn or "
            "facebook.com/pagename, without ?, #, @ or spaces.",
        )
    host_text, path = split_pattern(raw)
    if ":" in host_text and not host_text.startswith("["):
        host_text = host_text.rsplit(":", 1)[0]
    try:
        host = canonical_host(host_text)
    except InvalidURL as exc:
        raise _bad(
            "invalid_pattern",
            f"Tên miền “{host_text}” không hợp lệ.",
            f"The host “{host_text}” is not valid.",
        ) from exc
    if not host.startswith("[") and not all(_LABEL.fullmatch(x) for x in host.split(".")):
        raise _bad(
            "invalid_pattern",
            f"Tên miền “{host_text}” không hợp lệ.",
            f"The host “{host_text}” is not valid.",
        )
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    path = canonical_path("/" + path).lower().rstrip("/") if path.strip("/") else ""
    if not force:
        if path:
            _refuse_generic_path(host, path, platforms)
        else:
            _refuse_namespace(host, platforms)
    return host + path


@functools.lru_cache(maxsize=8)
def _last_two_labels(platforms: frozenset[str]) -> frozenset[str]:
    return frozenset(_tail2(p) for p in platforms)


def _tail2(host: str) -> str:
    return host[host.rfind(".", 0, max(host.rfind("."), 0)) + 1 :]


def _refuse_namespace(host: str, platforms: frozenset[str] | None, maybe_ip: bool = True) -> None:
    """Host-only rules that would cover a platform, a public suffix or a shortener."""
    _refuse_platform_host(host, platforms)
    if (
        host not in SUFFIX_RULES
        and not (maybe_ip and is_ip_host(host))
        and (default_suffix_list().is_public_suffix(host))
    ):
        raise _bad(
            "public_suffix_rule",
            f"“{host}” là đuôi tên miền dùng chung (như .com, .vn): một quy tắc như vậy phủ cả "
            "triệu trang web. Hãy ghi tên miền cụ thể (ví dụ baochinhphu.vn), hoặc chọn “buộc "
            "lưu” nếu thật sự cần.",
            f"“{host}” is a public suffix (like .com or .vn): such a rule would cover millions "
            "of sites. Give a specific domain (e.g. baochinhphu.vn), or force it if you really "
            "mean it.",
        )
    if host in default_tables().shorteners:
        raise _bad(
            "shortener_host_rule",
            f"“{host}” là dịch vụ rút gọn liên kết: liên kết của nó che giấu trang đích, nên "
            "không thể tin hay chặn cả dịch vụ. Hãy ghi trang đích thật, hoặc chọn “buộc lưu” "
            "nếu thật sự cần.",
            f"“{host}” is a URL shortener: its links hide where they lead, so the whole "
            "service cannot be trusted or denied. Give the real destination, or force it if "
            "you really mean it.",
        )


def _refuse_generic_path(host: str, path: str, platforms: frozenset[str] | None) -> None:
    """``facebook.com/profile.php`` or ``youtube.com/watch`` alone names no page."""
    first, _, rest = path[1:].partition("/")
    if rest or first not in GENERIC_SEGMENTS:
        return
    if platforms is None:
        platforms = default_tables().platforms
    domain = default_suffix_list().registrable_domain(host)
    if host in platforms or domain in platforms:
        hint_vi = hint_en = ""
        if first == "profile.php":
            hint_vi = " Trang không có tên riêng thì ghi cả số id: facebook.com/profile.php?id=…."
            hint_en = " For a page without a username give its id: facebook.com/profile.php?id=…."
        raise _bad(
            "platform_generic_path",
            f"“{host}{path}” không chỉ một trang cụ thể mà phủ mọi trang, video hay nhóm trên "
            f"{domain or host}.{hint_vi} Hãy ghi đường dẫn của trang cụ thể, hoặc chọn “buộc "
            "lưu” nếu thật sự cần.",
            f"“{host}{path}” names no page: it covers every page, video or group on "
            f"{domain or host}.{hint_en} Give the page's own path, or force it if you really "
            "mean it.",
        )


def _refuse_platform_host(host: str, platforms: frozenset[str] | None) -> None:
    if platforms is None:
        platforms = default_tables().platforms
    if _tail2(host) not in _last_two_labels(platforms):
        return  # cheap exit for the vast majority of hosts
    domain = default_suffix_list().registrable_domain(host)
    if host in platforms or domain in platforms:
        raise _bad(
            "platform_host_rule",
            f"“{host}” là nền tảng dùng chung: không thể đưa cả nền tảng vào danh sách. "
            "Hãy ghi đường dẫn của trang cụ thể (ví dụ facebook.com/tentrang), hoặc chọn "
            "“buộc lưu” nếu thật sự cần.",
            f"“{host}” is a shared platform: a rule for the whole platform is refused. Give the "
            "page's path (e.g. facebook.com/pagename), or force it if you really mean it.",
        )


def _check_review_by(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise _bad(
            "invalid_review_by",
            f"Ngày xem lại “{value}” không hợp lệ; dùng dạng NNNN-TT-NN (ví dụ 2027-06-30).",
            f"Review date “{value}” is not valid; use YYYY-MM-DD (e.g. 2027-06-30).",
        ) from None


def make_rule(
    list_: str,
    pattern: str,
    *,
    force: bool = False,
    name: object = "",
    category: object = "",
    scope: object = "",
    evidence: object = "",
    note: object = "",
    review_by: object = "",
    id: object = None,
    basis: object = "",
) -> Rule:
    """A validated :class:`Rule`: checks the list name, pattern and review date."""
    if list_ not in LISTS:
        raise _bad(
            "invalid_list",
            f"Danh sách “{list_}” không tồn tại; chọn allow (cho phép) hoặc deny (chặn).",
            f"List “{list_}” does not exist; use allow or deny.",
        )
    return Rule(
        canonical_pattern(pattern, force=force),
        list_,
        _text(name),
        _text(category),
        _text(scope) or "national",
        _text(evidence),
        _text(note),
        _check_review_by(_text(review_by)),
        int(id) if id is not None and id != "" else None,  # type: ignore[call-overload]
        _text(basis),
    )


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if value is None else str(value).strip()
