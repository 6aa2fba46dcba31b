"""What a fetched page says, for the list health check (``health.py``): its title and links
(a small HTML parser), the official social pages it links to (``social_pattern``) and the
signs of a parked or for-sale domain (``parked_by``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from ..core import InvalidRule, InvalidURL, parse_url
from ..core.rules import canonical_pattern
from ..store.engine import fold
from .fetch import FetchResult

__all__ = ["CONTACT", "Page", "parked_by", "read_page", "social_pattern"]

_PARKED = (
    "domain is for sale",
    "domain may be for sale",
    "buy this domain",
    "domain for sale",
    "this domain is parked",
    "parked free",
    "parked domain",
    "domain parking",
    "is for sale",
    "ten mien nay dang duoc rao ban",
    "ten mien dang duoc rao ban",
    "ten mien nay dang duoc ban",
    "mua ten mien nay",
)
_PARKING_HOSTS = (
    "sedoparking.com",
    "parkingcrew.net",
    "bodis.com",
    "dan.com",
    "afternic.com",
    "hugedomains.com",
    "sedo.com",
    "above.com",
    "parklogic.com",
)
CONTACT = re.compile(r"(?i)lien-?he|contact|gioi-?thieu|about")
_SOCIAL_SKIP = frozenset(
    (
        "sharer",
        "sharer.php",
        "share.php",
        "share",
        "dialog",
        "plugins",
        "tr",
        "login",
        "login.php",
        "watch",
        "embed",
        "results",
        "hashtag",
        "intent",
        "home.php",
        "events",
        "groups",
        "photo.php",
        "story.php",
        "permalink.php",
        "policies",
        "privacy",
        "help",
        "legal",
    )
)


class Page(HTMLParser):
    """The title and the links of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._in_title = False
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and not self.title:
            self._in_title = True
        elif tag == "a":
            self._href = dict(attrs).get("href") or None
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "a" and self._href:
            self.links.append((self._href, " ".join(self._text).strip()))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._href is not None:
            self._text.append(data)


def read_page(body: bytes, headers: dict[str, str]) -> Page:
    charset = "utf-8"
    match = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""), re.I)
    if match:
        charset = match.group(1)
    try:
        text = body.decode(charset, "replace")
    except LookupError:
        text = body.decode("utf-8", "replace")
    page = Page()
    try:
        page.feed(text)
        page.close()
    except (AssertionError, ValueError):  # html.parser gives up on some broken markup
        pass
    page.title = " ".join(page.title.split())[:300]
    return page


def social_pattern(url: str, platforms: frozenset[str]) -> tuple[str, str] | None:
    """``(pattern, platform label)`` of a link to an official page, or None."""
    try:
        u = parse_url(url)
    except InvalidURL:
        return None
    host = u.host.removeprefix("www.").removeprefix("m.").removeprefix("web.")
    segments = [s for s in u.path.split("/") if s]
    if not segments:
        return None
    first = segments[0]
    if host in ("facebook.com", "fb.com"):
        if first.lower() == "profile.php":
            match = re.search(r"(?:^|&)id=(\d+)", u.query)
            raw, label = (
                (f"facebook.com/profile.php?id={match.group(1)}" if match else ""),
                "Facebook",
            )
        elif first.lower() == "pages" and len(segments) >= 3:
            raw, label = f"facebook.com/{segments[2]}", "Facebook"  # /pages/Name/ID
        else:
            raw, label = f"facebook.com/{first}", "Facebook"
    elif host == "youtube.com":
        if first.startswith("@"):
            raw = f"youtube.com/{first}"
        elif first in ("channel", "c", "user") and len(segments) >= 2:
            raw = f"youtube.com/{first}/{segments[1]}"
        else:
            raw = ""
        label = "YouTube"
    elif host in ("zalo.me", "oa.zalo.me"):
        raw, label = (f"zalo.me/{first}" if host == "zalo.me" else ""), "Zalo OA"
    elif host == "tiktok.com":
        raw, label = (f"tiktok.com/{first}" if first.startswith("@") else ""), "TikTok"
    else:
        return None
    if not raw or first.lower() in _SOCIAL_SKIP:
        return None
    try:
        return canonical_pattern(raw, platforms=platforms), label
    except InvalidRule:
        return None


def parked_by(got: FetchResult, page: Page) -> str:
    """The wording (or parking host) that marks a parked page, or ``""``."""
    final = urlsplit(got.final_url).hostname or ""
    for parking in _PARKING_HOSTS:
        if final == parking or final.endswith("." + parking):
            return parking
    text = fold(page.title + " " + got.body[:20000].decode("utf-8", "replace"))
    for phrase in _PARKED:
        if phrase in text:
            return phrase
    return ""
