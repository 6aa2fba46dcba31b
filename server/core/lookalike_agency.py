"""State-agency imitations (``lookalike_gov_token``): agency words on a domain outside
``gov.vn`` — ``gov`` glued on or as a word, ``chinhphu``, ``dichvucong``, ``bocongan``, ``bhxh``,
``nopthue``, one slip from the long agency names, and ministry acronyms (``bca``, ``mof``,
``gdt``) only beside Vietnamese words or ``vn``/``vietnam``. The word lists are
:mod:`.lookalike_words`'; :class:`~.lookalike.LookalikeDetector` asks :func:`agency_words`.
"""

from __future__ import annotations

from .edit_distance import deletes, one_edit
from .lookalike_words import (
    _AGENCY_TYPO_WORDS,
    _GOV_RE,
    _OPEN_CCTLDS,
    _PORTAL_RE,
    _VN_MARKERS,
    _VOWELS,
    AGENCY_ACRONYMS,
    GOV_TOKENS,
    PORTAL_TOKENS,
    _drop_compounds,
    _foreign_gov_name,
)
from .vietnamese import is_vietnamese

__all__ = ["agency_words"]

#: symmetric-delete index of the agency words whose slips count (as for brands)
_AGENCY_DELETED: dict[str, list[str]] = {}
for _w in _AGENCY_TYPO_WORDS:
    for _k in deletes(_w) | {_w}:
        _AGENCY_DELETED.setdefault(_k, []).append(_w)


def agency_words(label: str, subdomain: str, tld: str, portal_only: bool = False) -> bool:
    """Whether the name carries state-agency words (``lookalike_gov_token``): ``label`` is
    the registrable label, ``subdomain`` what stands before it, ``tld`` the last label of
    the suffix; ``portal_only`` (a Vietnamese name under .vn) counts only the agency words
    no newspaper is named after."""
    words = f"{subdomain}.{label}" if subdomain else label
    tokens = set(words.replace(".", "-").split("-"))
    if "gov" in tokens and _foreign_gov_name(words, label, tld):
        tokens.discard("gov")
    flat = _drop_compounds(words.replace("-", "").replace(".", ""))
    substrings, whole = (_PORTAL_RE, PORTAL_TOKENS) if portal_only else (_GOV_RE, GOV_TOKENS)
    if not portal_only and any(
        one_edit(t, w)
        for t in tokens
        if len(t) >= 7
        for k in deletes(t) | {t}
        for w in _AGENCY_DELETED.get(k, ())
    ):
        return True
    glued = any(
        t.rstrip("0123456789").endswith(("gov", "govn", "govvn", "govt"))
        or (t.startswith("gov") and 3 < len(t) <= 5 and t[3] not in _VOWELS)
        for t in tokens
        if t != "gov"
    )
    # another state's registry or suffix (digitalgov.gov, mygov.in) is not an imitation
    if (
        glued
        and tld not in ("gov", "mil")
        and (tld in ("vn", "com", "net", "org") or len(tld) != 2 or tld in _OPEN_CCTLDS)
        and not _foreign_gov_name(words, label, tld)
    ):
        return True
    return bool(
        tokens & whole
        or substrings(flat) is not None
        or (
            not portal_only
            and tokens & AGENCY_ACRONYMS
            and any(
                t in _VN_MARKERS or (t not in AGENCY_ACRONYMS and is_vietnamese(t))
                for t in tokens
                if t
            )
        )
    )
