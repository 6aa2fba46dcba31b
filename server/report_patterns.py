"""Which rule covers a reported URL: the narrowest pattern an admin would write for it, and
the open reports a given rule matches (read only; closing them is
:meth:`server.lists_service.ListsService.add_rule`'s business)."""

from __future__ import annotations

from urllib.parse import urlsplit

from .core import Checker, InvalidURL, Rule
from .core.domains import default_suffix_list
from .core.matching import DOTLESS_PAGES, page_key
from .core.rules import GENERIC_SEGMENTS, canonical_pattern
from .core.tables import Tables, default_tables
from .store import ReportRecord, Store

__all__ = ["covered_reports", "suggested_pattern"]


def suggested_pattern(canonical_url: str, host: str) -> str:
    """The narrowest rule pattern that would cover a reported URL, in canonical form: the
    page on a shared platform (``facebook.com/baochinhphutinnong`` for
    ``https://www.facebook.com/Bao.ChinhPhu.TinNong/posts/1``; two segments where the first
    names no page, like ``facebook.com/groups/abc``; ``facebook.com/profile.php?id=N``),
    else the registrable domain (``bao-gia.com.vn`` for ``tin.bao-gia.com.vn``), else the
    host (IP addresses). A platform URL without a page gives the platform's domain, which
    the rule form then refuses with its own explanation."""
    parts = urlsplit(canonical_url)
    host = (host or parts.hostname or "").lower()
    domain = default_suffix_list().registrable_domain(host) or host
    platforms = default_tables().platforms
    if host not in platforms and domain not in platforms:
        return domain
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return domain
    if segments[0].lower() == "profile.php":
        candidate = f"{domain}/profile.php?{parts.query}"
    else:
        take = 2 if segments[0].lower() in GENERIC_SEGMENTS and len(segments) > 1 else 1
        path = "/" + "/".join(segments[:take])
        if domain in DOTLESS_PAGES:
            path = page_key(path)
        candidate = domain + path
    try:
        return canonical_pattern(candidate, platforms=platforms)
    except Exception:  # a generic path alone names no page: the form explains why
        return canonical_pattern(candidate, force=True, platforms=platforms)


def covered_reports(store: Store, rule: Rule, tables: Tables) -> list[ReportRecord]:
    """The open reports whose URL ``rule`` matches (checked with a checker holding only that
    rule, so the answer is exactly the checker's own matching)."""
    open_reports = store.list_reports("open")
    if not open_reports:
        return []
    only = Checker(rules=[rule], tables=tables)
    found = []
    for report in open_reports:
        try:
            result = only.check(report.canonical_url)
        except InvalidURL:
            continue
        if result.rule is not None and result.rule.pattern == rule.pattern:
            found.append(report)
    return found
