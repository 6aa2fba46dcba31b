"""Every link in a pasted message, as the extension's ``findLinks`` reads them
(``extension/lib/share.js``): ``http(s)://`` links, and links without a scheme only with an
ending people use for web addresses, so that "TP.HCM" or "v.v." are not taken for one.
Trailing punctuation is dropped; each link once, in order of appearance."""

from __future__ import annotations

import re

__all__ = ["MAX_LINKS", "find_links"]

#: A pasted message is checked for at most this many links (the rest are named as skipped).
MAX_LINKS = 20

_TLDS = (
    "vn|com|net|org|info|biz|xyz|top|online|site|io|me|co|app|dev|news|gov|edu|asia|tv|"
    "cc|ws|club|live|shop|store|vip|pro|link|click|blog|today|press|media|page|us|uk|cn|"
    "ru|tk|ml|ga|cf|gq"
)
_LINK = re.compile(
    r"(?:\bhttps?://[^\s<>\"'`]+)"
    r"|(?:(?<![@\w.-])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")\b"
    r"(?![.-]?\w)(?:[/?#][^\s<>\"'`]*)?)",
    re.IGNORECASE | re.ASCII,  # as JavaScript reads \w and \b (no u flag)
)
_TRAILING = re.compile(r"[.,;:!?)\]}\"'»”’…]+$")


def find_links(text: str) -> list[str]:
    """The links in ``text`` (see the module docstring)."""
    out: list[str] = []
    for match in _LINK.finditer(text or ""):
        link = _TRAILING.sub("", match.group(0))
        if link.endswith("("):
            link = link[:-1]
        if link and link not in out:
            out.append(link)
    return out
