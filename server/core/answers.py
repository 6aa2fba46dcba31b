"""The JSON form of a check result (``/api/v1/check``, the batch route, the public page),
and a batch's answers (:func:`answer_many`).

Parts shared by many results (a rule, reasons, advice) are built once and cached, so the
dicts returned here must be treated as read-only. Compiled with the checker by ``make
compile`` (see :mod:`._native`): a batch's loop, the check and the answer's bytes then run
as native code, the answer's per-URL part being most of what a batch item costs after the
check itself; the sources run as they are otherwise, with the same results.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from typing import Any

import idna

from .checker import Checker
from .errors import InvalidURL
from .messages import VERDICT_LABELS, Advice, Reason
from .results import CheckResult, raw_slots
from .rules import Rule
from .tables import Tables
from .urls import share_url

__all__ = [
    "NOT_TEXT",
    "Answer",
    "add_counts",
    "answer_many",
    "batch_keys",
    "cached_many",
    "result_json",
    "result_to_dict",
    "stat_key",
]

#: A URL's answer as the service caches it: (serialised response, verdict, statistics key).
Answer = tuple[bytes, str, str]
#: What :func:`answer_many` returns.
Batch = tuple[
    list[bytes | dict[str, Any]],
    dict[tuple[str, str], Answer],
    dict[tuple[str, str], int],
    int,
    int,
]


def _unicode_host(host: str) -> str:
    if "xn--" not in host:
        return host
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return host


@functools.lru_cache(maxsize=8192)
def _rule_dict(rule: Rule, en: bool, labels: tuple[str, str]) -> dict[str, Any]:
    return {
        "pattern": rule.pattern,
        "list": rule.list,
        "name": rule.name,
        "category": rule.category,
        "category_label": (labels[1] if en else labels[0]) or rule.category,
        "scope": rule.scope,
        "evidence": rule.evidence,
        "basis": rule.basis or None,
        "note": rule.note,
        "review_by": rule.review_by or None,
    }


@functools.lru_cache(maxsize=8192)
def _reasons_list(reasons: tuple[Reason, ...], en: bool) -> list[dict[str, str]]:
    return [{"code": x.code, "message": x.message_en if en else x.message} for x in reasons]


@functools.lru_cache(maxsize=16)
def _advice_dict(advice: Advice, en: bool) -> dict[str, Any]:
    return {
        "summary": advice.summary_en if en else advice.summary,
        "five_khong": list(advice.five_khong_en if en else advice.five_khong),
    }


_NO_LABELS = ("", "")
#: Added when the matched rule's review date has passed: the verdict stays, the reader is
#: told the listing is due to be checked again (issue 15).
_OVERDUE = (
    "Quy tắc này đã quá hạn xem lại (hạn {date}); quản trị viên cần kiểm tra lại "
    "bằng chứng. Kết quả vẫn giữ nguyên.",
    "This rule is past its review date ({date}); the administrators need to check its "
    "evidence again. The verdict stands.",
)


#: A batch item that is not text, in Vietnamese and in English.
NOT_TEXT = (
    {"code": "invalid_url", "message": "Liên kết phải là chuỗi ký tự."},
    {"code": "invalid_url", "message": "URL must be a string."},
)


def result_to_dict(
    r: CheckResult, lang: str, tables: Tables, today: str | None = None
) -> dict[str, Any]:
    """The JSON form of a check result in ``lang`` (``"vi"`` or ``"en"``); ``today``
    (``YYYY-MM-DD``, local time) decides whether the rule is overdue for review.

    Parts shared by many results (rule, reasons, advice) are built once and cached: the
    returned dict must be treated as read-only.
    """
    host = r.host
    return {
        "url": r.url,
        "canonical_url": r.canonical_url,
        "share_url": share_url(r.canonical_url),
        "host": host,
        "host_unicode": _unicode_host(host) if "xn--" in host else host,
        "domain": r.domain,
        **_verdict_part(r, lang == "en", tables, today or time.strftime("%Y-%m-%d")),
    }


def _verdict_part(r: CheckResult, en: bool, tables: Tables, today: str) -> dict[str, Any]:
    """The fields after ``domain``: what the verdict says, the same for every URL whose
    check gave the same verdict, reasons, rule, chain, imitation and advice."""
    rule = r.rule
    reasons = _reasons_list(r.reasons, en)
    if rule is None:
        rule_json = None
    else:
        rule_json = _rule_of(rule, en, tables)
        if rule.review_by and rule.review_by < today:
            overdue = _OVERDUE[en].format(date=rule.review_by)
            reasons = [*reasons, {"code": "review_overdue", "message": overdue}]
    return {
        "verdict": r.verdict,
        "verdict_label": VERDICT_LABELS[r.verdict][en],
        "reasons": reasons,
        "rule": rule_json,
        "chain": list(r.chain),
        "imitates": {"domain": r.imitates.domain, "name": r.imitates.name} if r.imitates else None,
        "advice": _advice_dict(r.advice, en),
        "lists_version": r.lists_version,
    }


#: ``_verdict_part``'s serialised form, in two pieces around the value of ``chain`` (a
#: URL's own), keyed by the identity of the objects it is made from (a result's raw
#: ``reasons`` and ``rule`` slots, imitation, advice, the tables) and the values it reads
#: (verdict, lists version, language, day). An entry holds those objects, so none can be
#: freed, and its ``id`` reused, while the entry lives.
_verdict_memo: dict[tuple[Any, ...], tuple[tuple[object, ...], bytes, bytes]] = {}
#: ``,"host":…,"host_unicode":…,"domain":…`` by host (with the domain it was made for).
_host_memo: dict[str, tuple[str, bytes]] = {}
_MEMO_SIZE = 8192
_CHAIN = b',"chain":'


def result_json(
    r: CheckResult, lang: str, tables: Tables, today: str, dumps: Callable[[Any], bytes]
) -> bytes:
    """``dumps(result_to_dict(r, lang, tables, today))``, byte for byte, in a ``bytes`` of
    its exact size (a cache can keep it as it is).

    The URL's own strings are serialised per result; the host's fields once per host; the
    rest of the verdict part (about four fifths of the bytes: reasons, rule, advice) once
    per rule or kind of answer: a listed result holds its packed rule in its ``rule`` slot
    and the checker's shared reasons (see ``core/results.py``), so every URL of a rule, and
    every unlisted URL, shares one entry. A batch of new URLs on known hosts then
    serialises little more than its URLs. Both memos are bounded (cleared when full).
    """
    en = lang == "en"
    reasons, rule = raw_slots(r)
    imitates = r.imitates
    advice = r.advice
    key = (
        r.verdict,
        id(reasons),
        id(rule),
        id(imitates),
        id(advice),
        id(tables),
        r.lists_version,
        en,
        today,
    )
    hit = _verdict_memo.get(key)
    if hit is None:
        part = dumps(_verdict_part(r, en, tables, today))
        cut = part.index(_CHAIN) + len(_CHAIN)
        after = part.index(b',"imitates":', cut)
        if len(_verdict_memo) >= _MEMO_SIZE:
            _verdict_memo.clear()
        held = (reasons, rule, imitates, advice, tables)
        hit = _verdict_memo[key] = (held, b"," + part[1:cut], part[after:])
    host = r.host
    domain = r.domain
    known = _host_memo.get(host)
    if known is None or known[0] != domain:
        shown = _unicode_host(host) if "xn--" in host else host
        fields = {"host": host, "host_unicode": shown, "domain": domain}
        if len(_host_memo) >= _MEMO_SIZE:
            _host_memo.clear()
        known = _host_memo[host] = (domain, b"," + dumps(fields)[1:-1])
    url = r.url
    c = r.canonical_url
    u_json = dumps(url)
    c_json = u_json if c == url else dumps(c)
    s = c if "?" not in c else share_url(c)  # only a query has tracking to strip
    s_json = c_json if s == c else dumps(s)
    chain = r.chain
    # a chain of one is the URL as given (most links); a tuple is an array
    chain_json = b"[%s]" % u_json if len(chain) == 1 and chain[0] == url else dumps(chain)
    return b"".join(
        (
            b'{"url":',
            u_json,
            b',"canonical_url":',
            c_json,
            b',"share_url":',
            s_json,
            known[1],
            hit[1],
            chain_json,
            hit[2],
        )
    )


_rule_memo: dict[tuple[int, bool], tuple[Rule, Tables, dict[str, Any]]] = {}


def _rule_of(rule: Rule, en: bool, tables: Tables) -> dict[str, Any]:
    """:func:`_rule_dict` memoised by the rule's identity (and the tables' labels)."""
    key = (id(rule), en)
    hit = _rule_memo.get(key)
    if hit is not None and hit[0] is rule and hit[1] is tables:
        return hit[2]
    value = _rule_dict(rule, en, tables.categories.get(rule.category, _NO_LABELS))
    if len(_rule_memo) >= 8192:
        _rule_memo.clear()
    _rule_memo[key] = (rule, tables, value)
    return value


def answer_many(
    checker: Checker,
    urls: Sequence[object],
    keys: Sequence[tuple[str, str] | None],
    found: Sequence[Answer | None],
    lang: str,
    tables: Tables,
    today: str,
    dumps: Callable[[Any], bytes],
    resolve: Callable[[CheckResult], CheckResult] | None,
    page_key: Callable[[CheckResult], str],
) -> Batch:
    """A batch's answers, in order, each the single check's :func:`result_json` bytes, or
    the item's error as a dict (an item that is not text, or no web address).

    ``keys[i]`` is ``urls[i]``'s cache key (:func:`batch_keys`), ``found[i]`` its cached
    answer or None (looked up by the caller, who holds the cache's lock); a URL given twice
    is answered once. ``resolve`` follows a shortened
    link (None: no resolver), ``page_key`` names the page of a link on a shared platform
    (the statistics key, see ``CheckerService.stat_key``). Returns (answers, the new
    answers by (URL, language), the counts by (verdict, statistics key), cache hits, cache
    misses): the caller stores, counts and reports. A URL that is no web address counts as
    a miss, an item that is not text as neither.
    """
    en = lang == "en"
    platforms = tables.platforms
    out: list[bytes | dict[str, Any]] = []
    fresh: dict[tuple[str, str], Answer] = {}
    counts: dict[tuple[str, str], int] = {}
    hits = misses = 0
    for i in range(len(urls)):
        hit = found[i]
        cache_key = keys[i]
        if cache_key is None:
            out.append({"url": urls[i], "error": NOT_TEXT[en]})
            continue
        url = cache_key[0]
        if hit is None:
            hit = fresh.get(cache_key)  # the same URL earlier in this batch: a hit too
        if hit is not None:
            hits += 1
        else:
            misses += 1
            try:
                result = checker.check(url)
            except InvalidURL as exc:
                out.append(
                    {"url": url, "error": {"code": exc.code, "message": exc.message_for(lang)}}
                )
                continue
            if resolve is not None and result.is_shortener:
                result = resolve(result)
            hit = fresh[cache_key] = (
                result_json(result, lang, tables, today, dumps),
                result.verdict,
                stat_key(result, platforms, page_key),
            )
        counted = (hit[1], hit[2])
        counts[counted] = counts.get(counted, 0) + 1
        out.append(hit[0])
    return out, fresh, counts, hits, misses


# -- the rest of a batch's per-URL work, compiled with it (see server/check_service.py) --


def stat_key(
    result: CheckResult, platforms: frozenset[str], page_key: Callable[[CheckResult], str]
) -> str:
    """What a check is counted under: the page on a shared platform (``page_key``, e.g.
    ``facebook.com/tentrang``: the rule an admin would write), else the domain."""
    domain = result.domain
    if domain in platforms or result.host in platforms:
        return page_key(result)
    return domain


def batch_keys(urls: Sequence[object], lang: str) -> list[tuple[str, str] | None]:
    """The cache key of each item, ``(URL, language)``, or None for an item that is not text."""
    return [(url, lang) if isinstance(url, str) else None for url in urls]


def cached_many(data: dict[Any, Answer], keys: Sequence[Any]) -> list[Answer | None]:
    """``keys``' values in ``data`` (an ``OrderedDict``; a key found becomes the most
    recently used) or None, a key that is None included: the batch's cache lookups."""
    out: list[Answer | None] = []
    for key in keys:
        value = None if key is None else data.get(key)
        if value is not None:
            data.move_to_end(key)  # type: ignore[attr-defined]
        out.append(value)
    return out


def add_counts(
    stats: dict[tuple[str, str, str], int], day: str, counts: dict[tuple[str, str], int]
) -> dict[str, int]:
    """Add a batch's ``{(verdict, key): n}`` to ``stats`` under ``day``; the totals per
    verdict."""
    verdicts: dict[str, int] = {}
    for pair, n in counts.items():
        verdict = pair[0]
        key = (day, verdict, pair[1])
        stats[key] = stats.get(key, 0) + n
        verdicts[verdict] = verdicts.get(verdict, 0) + n
    return verdicts
