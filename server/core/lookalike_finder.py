"""What the checker asks of a lookalike detector: the interface (:class:`LookalikeFinder`),
the one factory (:func:`lookalike_detector`) and a checker's memo of the answers
(:class:`LookalikeMemo`), which turns an :class:`~.lookalike.Imitation` into what a result
says (:class:`~.results.Imitates` and the reason). The detector itself is
:mod:`.lookalike`, optional for embedders (it needs confusable-homoglyphs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from .lookalike_pages import page_name
from .lookalike_words import REASONS
from .messages import Reason
from .results import Imitates

if TYPE_CHECKING:
    from .lookalike import Imitation

__all__ = ["LookalikeFinder", "LookalikeMemo", "lookalike_detector"]

#: An imitation as a result states it, or None.
Found = tuple[Imitates, tuple[Reason, ...]] | None


class LookalikeFinder(Protocol):
    """What the checker needs from a lookalike detector (:class:`.lookalike.LookalikeDetector`)."""

    @property
    def pages(self) -> Mapping[str, object]:
        """Domains of shared platforms with official pages (keys; values are the detector's)."""
        ...

    def find(self, host: str, domain: str) -> Imitation | None:
        """The official source an unlisted host imitates, or None."""
        ...

    def find_page(self, domain: str, path: str) -> Imitation | None:
        """The official page a page on a shared platform imitates, or None; the answer
        depends on ``path`` only through :func:`~.lookalike_pages.page_name`."""
        ...


def lookalike_detector(
    official: Iterable[tuple[str, str]], candidates: Iterable[str] = ()
) -> LookalikeFinder | None:
    """The lookalike detector for ``official`` (pattern, name) allow rules, never calling the
    ``candidates`` (patterns waiting in the review queue) imitations; None when the detector
    cannot be imported. The one factory: :class:`~.checker.Checker` (``lookalike=True``) and
    the service both build it here."""
    try:
        from .lookalike import LookalikeDetector
    except ImportError:
        return None
    return LookalikeDetector(official=official, candidates=candidates)


class LookalikeMemo:
    """A detector's answers for one checker, memoised: hosts repeat, and an answer depends
    on the host alone (on a platform with official pages, on the page the path names).
    Cleared when full; safe under the GIL."""

    __slots__ = ("_cache", "_page_domains", "_size", "detector")

    def __init__(self, detector: LookalikeFinder, size: int = 1 << 16) -> None:
        self.detector = detector
        self._page_domains = frozenset(detector.pages)
        self._cache: dict[str, Found] = {}
        self._size = size

    def imitation(self, host: str, domain: str, canonical: str) -> Found:
        """What an unlisted URL (its host, domain and canonical form) imitates, or None."""
        cache = self._cache
        if host in cache:
            found = cache[host]
        else:
            found = self._remember(host, self.detector.find(host, domain))
        if found is not None or domain not in self._page_domains:
            return found
        head = "/".join(canonical.split("?", 1)[0].split("/", 6)[3:5])
        # keyed by the page the path names, all that ``find_page`` reads of it: every
        # post, photo and video of one page shares an entry
        key = f"{domain}/{page_name(head)}"
        if key in cache:
            return cache[key]
        return self._remember(key, self.detector.find_page(domain, head))

    def _remember(self, key: str, found: Imitation | None) -> Found:
        value = None if found is None else (Imitates(found.domain, found.name), (_reason(found),))
        cache = self._cache
        if len(cache) >= self._size:
            cache.clear()
        cache[key] = value
        return value


def _reason(found: Imitation) -> Reason:
    vi, en = REASONS[found.code]
    return Reason(
        found.code,
        vi.format(domain=found.domain, shown=found.detail),
        en.format(domain=found.domain, shown=found.detail),
    )
