"""The JSON form of a check result (``/api/v1/check``, the batch route, the public page).

Parts shared by many results (a rule, reasons, advice) are built once and cached, so the
dicts returned here must be treated as read-only.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

import idna

from .core import Advice, CheckResult, Reason, Rule
from .core.messages import VERDICT_LABELS
from .core.results import raw_slots
from .core.tables import Tables
from .core.urls import share_url

__all__ = ["NOT_TEXT", "result_json", "result_to_dict"]


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
    key = (r.verdict, id(reasons), id(rule), id(imitates), id(advice), id(tables))
    key += (r.lists_version, en, today)
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
    s = share_url(c)
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
