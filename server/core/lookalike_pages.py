"""Official pages on shared platforms, and pages named like them (``lookalike_page``).

Fake fan pages are the commonest imitation on social networks: ``facebook.com/baochinhphuu``
for the listed ``facebook.com/baochinhphu``. Pages are compared by name as the platform
compares them (:func:`page_name`: case, dots and a leading ``@`` ignored); a page one slip
from an official page's name, or that name with filler or foreign words around it, imitates
it. :class:`~.lookalike.LookalikeDetector` holds a :class:`PageLookalikes` of its allow list.
"""

from __future__ import annotations

from collections.abc import Callable

from .edit_distance import deletes, one_edit
from .lookalike_words import MIN_FUZZY
from .rules import GENERIC_SEGMENTS

__all__ = ["PageLookalikes", "official_page", "page_name"]

_PAGE_PREFIXES = frozenset(("c", "user", "channel", "groups", "pages", "people", "pg"))


def page_name(path: str) -> str:
    """The page a platform path names, as Facebook compares names: ``/Bao.ChinhPhu/posts`` →
    ``baochinhphu`` (case, dots and a leading ``@`` ignored)."""
    segments = [s for s in path.split("?", 1)[0].split("#", 1)[0].split("/") if s]
    if len(segments) > 1 and segments[0].lower() in _PAGE_PREFIXES:
        segments = segments[1:]
    if not segments:
        return ""
    return segments[0].lower().lstrip("@").replace(".", "")


def official_page(path: str) -> str:
    """The page name of an allow rule's path on a platform, ``""`` when it names no page
    that can be imitated (a generic first segment, a ``?id=`` page, a name too short)."""
    if "?" in path or path.split("/")[0] in GENERIC_SEGMENTS:
        return ""
    page = page_name(path)
    return page if len(page) >= MIN_FUZZY else ""


class PageLookalikes:
    """The official pages of each platform domain, indexed for one-slip lookups."""

    def __init__(self, pages: dict[str, dict[str, tuple[str, str]]]) -> None:
        """``pages``: domain -> {page name -> (pattern, name)}, in the allow list's order."""
        self.pages = pages
        self._longest = max((len(p) for names in pages.values() for p in names), default=0)
        self._deleted: dict[str, dict[str, list[str]]] = {}
        for domain, names in pages.items():
            index = self._deleted[domain] = {}
            for page in names:
                for d in deletes(page) | {page}:
                    index.setdefault(d, []).append(page)

    def find(
        self, domain: str, path: str, another_name: Callable[[str, str, str], bool]
    ) -> tuple[tuple[str, str], str] | None:
        """``((pattern, name), page name)`` of the official page that the page at ``path``
        on ``domain`` imitates, or None. ``another_name(before, page, after)`` says when a
        name containing an official one is another name (the detector's rule for brands)."""
        names = self.pages.get(domain)
        if not names:
            return None
        key = page_name(path)
        if len(key) < MIN_FUZZY - 1 or key in names:
            return None
        joined = key.replace("-", "").replace("_", "")
        if len(joined) > 4 * self._longest:
            return None  # no page name is a paragraph; keeps the scans below short
        if joined in names:  # @bao-chinhphu for @baochinhphu
            return names[joined], key
        if len(joined) <= self._longest + 1:
            for variant in sorted(deletes(joined) | {joined}):  # in a fixed order, as brands
                for page in self._deleted[domain].get(variant, ()):
                    if one_edit(joined, page):
                        return names[page], key
        for page, official in names.items():
            at = joined.find(page)
            if at >= 0 and not another_name(joined[:at], page, joined[at + len(page) :]):
                return official, key
        return None
