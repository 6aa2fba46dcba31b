"""List health: probe every allow-listed site and flag what an admin should review; propose
successors of moved domains and the official social pages a site links to.

For each host-only allow rule (path rules name pages on platforms, which are not probed):
resolve the name through the SSRF-guarded fetcher; look at the TLS certificate (valid for the
name? whose?); ``HEAD`` the home page following at most a few redirects, then ``GET`` the final
page with a capped body; read the status and the title. Flags, each with words an admin can act
on: ``no_resolve``, ``unreachable``, ``http_error``, ``redirect_other_domain``, ``parked``,
``cert_other_name``, ``cert_invalid``, ``title_mismatch``. A flag never changes a verdict: the
rule stays as it is until an admin keeps, replaces or moves it.

Proposals go to the review queue (never the lists), with dated evidence, each audited with the
actor ``assistant`` and undoable:

* a redirect to another registrable domain that answers normally → the target as a pending
  allow rule "successor of …", the redirect chain as evidence;
* links to Facebook pages, YouTube channels, Zalo OAs and TikTok accounts on the home page and
  its contact/about pages (same site, at most two) → pending path rules, evidence = the page
  where the link was found.

Decisions: a title "no longer names the source" when none of the rule name's distinctive words
(diacritics folded, generic words such as "báo", "cổng", "thông tin" left out) nor the domain's
own label appears in it; a page is parked when its title or first bytes use the usual wording
of parking and for-sale pages (English and Vietnamese) or it ends on a known parking service.
Politeness: at most ``workers`` sites at once, one request at a time per site, small bodies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..core import InvalidRule
from ..core.domains import SuffixList, default_suffix_list
from ..core.rules import Rule, canonical_pattern
from ..i18n import N_, render
from ..store.accounts import Actor
from ..store.engine import fold
from ..unmask import _Refused, describe_resolve_error
from . import ASSISTANT
from .fetch import FetchResult, GuardedFetcher, TlsInfo
from .pages import CONTACT, Page, parked_by, read_page, social_pattern

__all__ = ["FLAGS", "HealthChecker", "social_pattern"]

BODY_BYTES = 96 * 1024
#: code → the words for admins (Vietnamese; English in the catalogue, server/i18n.py); ``{x}``
#: is filled per finding.
FLAGS = {
    "no_resolve": N_(
        "Tên miền không còn phân giải được (có thể đã hết hạn): xem xét giữ, "
        "thay bằng tên miền mới hay chuyển sang danh sách chặn."
    ),
    "unreachable": N_("Không mở được trang: {x}."),
    "http_error": N_("Trang chủ trả lời lỗi {x}."),
    "redirect_other_domain": N_(
        "Trang chuyển hướng sang tên miền khác: {x}. Nếu đây là tên miền mới, "
        "hãy duyệt đề xuất thay thế."
    ),
    "parked": N_("Trang có dấu hiệu bị bỏ/rao bán (“{x}”): tên miền có thể đã đổi chủ."),
    "cert_other_name": N_("Chứng chỉ TLS cấp cho tên khác: {x}."),
    "cert_invalid": N_("Chứng chỉ TLS không hợp lệ ({x})."),
    "title_mismatch": N_("Tiêu đề trang (“{x}”) không còn nhắc tới tên nguồn."),
}
_GENERIC_WORDS = frozenset(
    (
        "bao",
        "dien",
        "tu",
        "cong",
        "thong",
        "tin",
        "trang",
        "cua",
        "va",
        "online",
        "the",
        "of",
        "and",
        "portal",
        "news",
        "tp",
        "tinh",
        "so",
        "ubnd",
        "chinh",
        "thuc",
        "viet",
        "nam",
        "vn",
        "cu",
        "moi",
    )
)


def _flag(code: str, x: str = "") -> dict[str, str]:
    message = FLAGS[code]
    return {
        "code": code,
        "message": render(message, False, {"x": x}),
        "message_en": render(message, True, {"x": x}),
    }


def _names_source(title: str, rule: Any, suffixes: SuffixList) -> bool:
    folded = fold(title)
    words = set(re.findall(r"[a-z0-9]+", folded))
    compact = re.sub(r"[^a-z0-9]", "", folded)
    name_words = [
        w
        for w in re.findall(r"[a-z0-9]+", fold(rule.name or ""))
        if len(w) >= 3 and w not in _GENERIC_WORDS
    ]
    label = (suffixes.registrable_domain(rule.pattern) or rule.pattern).split(".")[0]
    if len(label) >= 4 and label.replace("-", "") in compact:
        return True
    return not name_words or any(w in words for w in name_words)  # no words: cannot judge


class HealthChecker:
    """Runs the checks above over allow rules and records findings and proposals."""

    def __init__(
        self,
        fetcher: GuardedFetcher,
        feeds: Any,
        platforms: frozenset[str],
        *,
        ports: dict[str, int] | None = None,
        workers: int = 4,
        suffixes: SuffixList | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.feeds = feeds
        self.platforms = platforms
        self.ports = {"https": 443, "http": 80, **(ports or {})}
        self.workers = workers
        self.suffixes = suffixes or default_suffix_list()

    def run(self, rules: Iterable[Any], propose: bool = True) -> tuple[int, list[dict[str, Any]]]:
        """Check every host-only allow rule; store the run; ``(run id, results)``."""
        todo = [r for r in rules if r.list == "allow" and "/" not in r.pattern]
        allowed = {r.pattern for r in todo}
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            results = list(pool.map(lambda r: self.check_rule(r, allowed, propose), todo))
        run = self.feeds.save_health(results, Actor(ASSISTANT, reason="list health"))
        return run, results

    def _url(self, scheme: str, host: str) -> str:
        port = self.ports[scheme]
        default = 443 if scheme == "https" else 80
        return f"{scheme}://{host}/" if port == default else f"{scheme}://{host}:{port}/"

    def check_rule(
        self,
        rule: Any,
        allowed: set[str] = frozenset(),  # type: ignore[assignment]
        propose: bool = True,
    ) -> dict[str, Any]:
        """The findings for one rule (proposals written when ``propose``)."""
        host = rule.pattern
        out: dict[str, Any] = {
            "rule_id": rule.id,
            "pattern": host,
            "name": rule.name,
            "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "resolves": True,
            "chain": [],
            "status": None,
            "title": "",
            "tls": None,
            "flags": [],
            "proposals": [],
        }
        try:
            self.fetcher._check(self._url("https", host))
        except _Refused as exc:
            if exc.code == "resolve_dns_failed":
                out["resolves"] = False
                out["flags"].append(_flag("no_resolve"))
                return out
        tls = self.fetcher.tls(host, self.ports["https"])
        out["tls"] = {
            "valid": tls.valid,
            "error": tls.error,
            "names": list(tls.names),
            "holder": tls.holder,
            "not_after": tls.not_after,
        }
        self._tls_flags(tls, out)
        got = self._visit(host, tls)
        out["chain"] = list(got.chain)
        if got.error:
            if not (got.error == "tls_failed" and out["flags"]):  # the cert flag says why
                out["flags"].append(_flag("unreachable", _why(got.error)))
            return out
        out["status"] = got.status
        page = read_page(got.body, got.headers)
        out["title"] = page.title
        self._page_flags(rule, got, page, out, allowed, propose)
        if propose and got.status is not None and got.status < 400 and not parked_by(got, page):
            self._discover(rule, got, page, out)
        return out

    def _tls_flags(self, tls: TlsInfo, out: dict[str, Any]) -> None:
        if tls.error == "hostname_mismatch":
            names = ", ".join(tls.names[:5]) or "?"
            holder = f" ({tls.holder})" if tls.holder else ""
            out["flags"].append(_flag("cert_other_name", names + holder))
        elif tls.error in ("untrusted", "expired"):
            out["flags"].append(_flag("cert_invalid", tls.detail or tls.error))

    def _visit(self, host: str, tls: TlsInfo) -> FetchResult:
        """HEAD (following redirects), then a capped GET of the final page; http when https
        cannot be had at all."""
        start = self._url("https" if tls.error != "no_tls" else "http", host)
        head = self.fetcher.fetch(start, method="HEAD", max_bytes=0)
        if head.error and start.startswith("https"):
            plain = self.fetcher.fetch(self._url("http", host), method="HEAD", max_bytes=0)
            head = plain if not plain.error else head
        if head.error:
            return head
        target = head.final_url
        got = self.fetcher.fetch(target, max_bytes=BODY_BYTES)
        return FetchResult(
            head.chain + got.chain[1:], got.status, got.headers, got.body, got.error, got.truncated
        )

    def _page_flags(
        self,
        rule: Any,
        got: FetchResult,
        page: Page,
        out: dict[str, Any],
        allowed: set[str],
        propose: bool,
    ) -> None:
        if got.status is not None and got.status >= 400:
            out["flags"].append(_flag("http_error", str(got.status)))
        final = urlsplit(got.final_url).hostname or ""
        mine = self.suffixes.registrable_domain(rule.pattern) or rule.pattern
        theirs = self.suffixes.registrable_domain(final) or final
        covered = final == rule.pattern or final.endswith("." + rule.pattern)
        parked = parked_by(got, page)
        if parked:
            out["flags"].append(_flag("parked", parked))
        if theirs != mine and not covered:
            out["flags"].append(_flag("redirect_other_domain", " → ".join(got.chain)))
            ok = got.status is not None and got.status < 400 and not parked
            if propose and ok:
                self._propose_successor(rule, final.removeprefix("www."), got, out, allowed)
        if (
            page.title
            and rule.name
            and not parked
            and not _names_source(page.title, rule, self.suffixes)
        ):
            out["flags"].append(_flag("title_mismatch", page.title[:120]))

    def _propose_successor(
        self, rule: Any, target: str, got: FetchResult, out: dict[str, Any], allowed: set[str]
    ) -> None:
        try:
            pattern = canonical_pattern(target, platforms=self.platforms)
        except InvalidRule:
            return  # a platform or a public suffix is never a successor
        if pattern in allowed:
            return
        today = dt.date.today().isoformat()
        proposal = Rule(
            pattern,
            "allow",
            rule.name,
            rule.category,
            rule.scope,
            evidence=f"Chuyển hướng ngày {today}: {' → '.join(got.chain)}",
            note=f"Tên miền kế nhiệm của {rule.pattern} (successor of "
            f"{rule.pattern}), thấy ngày {today}",
            basis=rule.basis,
        )
        pid = self.feeds.propose(proposal, "assistant:successor", _actor(rule))
        out["proposals"].append({"kind": "successor", "pattern": pattern, "pending_id": pid})

    def _discover(self, rule: Any, got: FetchResult, page: Page, out: dict[str, Any]) -> None:
        pages = [(got.final_url, page)]
        site = urlsplit(got.final_url).hostname or ""
        seen_pages = {got.final_url}
        for href, text in page.links:
            if len(pages) >= 3:
                break
            url = urljoin(got.final_url, href)
            if (
                urlsplit(url).hostname == site
                and url not in seen_pages
                and (CONTACT.search(href) or CONTACT.search(fold(text)))
            ):
                seen_pages.add(url)
                more = self.fetcher.fetch(url, max_bytes=BODY_BYTES)
                if not more.error and more.status == 200:
                    pages.append((more.final_url, read_page(more.body, more.headers)))
        found: dict[str, tuple[str, str]] = {}
        for where, p in pages:
            for href, _ in p.links:
                hit = social_pattern(urljoin(where, href), self.platforms)
                if hit is not None and hit[0] not in found:
                    found[hit[0]] = (hit[1], where)
        today = dt.date.today().isoformat()
        for pattern, (label, where) in list(found.items())[:10]:
            proposal = Rule(
                pattern,
                "allow",
                f"{rule.name} ({label})",
                "official_page",
                rule.scope,
                evidence=f"{where} (liên kết trên trang chính thức, ngày {today})",
                note=f"Tìm thấy trên {rule.pattern} (found on the official site) ngày {today}",
            )
            pid = self.feeds.propose(proposal, "assistant:social", _actor(rule))
            out["proposals"].append(
                {"kind": "social", "pattern": pattern, "found_on": where, "pending_id": pid}
            )


def _why(code: str) -> str:
    if code == "tls_failed":
        return "kết nối TLS thất bại"
    return describe_resolve_error(code)[0]


def _actor(rule: Any) -> Actor:
    return Actor(ASSISTANT, reason=f"list health of {rule.pattern}")
