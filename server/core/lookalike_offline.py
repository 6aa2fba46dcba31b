"""The lookalike detector's data for offline clients (the ``lookalike`` section of
``GET /api/v1/lists``): what :meth:`LookalikeDetector.find` and ``find_page`` need that is not
fixed code, read from the detector and the word modules themselves (one source of truth), so
that the extension's ``lib/lookalike.js`` decides exactly as the server does.

* ``domains``/``names``/``brands``/``candidates``/``pages``: what the detector derived from
  the allow list and the review queue (a domain's name is its own rule's unless ``names``
  says otherwise; a brand maps to its domain's suffix; a page to its rule's pattern);
* ``words``: the word lists of :mod:`.lookalike_words` and :mod:`.vietnamese`;
* ``plain``: the skeleton reduced to what a host can carry: each character that an
  internationalised host may hold (stable under IDNA's mapping: lower case, NFKC) and that
  reads as ASCII, grouped by the ASCII it reads as (``"a"``: ``àáâ…аα…``, packed as runs of
  code points by :func:`pack_chars`; ``""``: the marks that are dropped). The skeleton as
  :meth:`LookalikeDetector._plain` applies it (confusables mapped, diacritics dropped, the
  Latin letters read by their name), per character.

Left to the client as code: punycode, the suffix list (bundled with the extension from the
same tldextract snapshot, ``extension/lib/suffixes.js``), Unicode letter and script classes.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from typing import Any

from confusable_homoglyphs import confusables

from . import lookalike_words as w
from .lookalike_pages import _PAGE_PREFIXES
from .skeleton import _ASCII_LOOKS, _confusable_map, _resolve, _strip_marks
from .vietnamese import _ONSETS, _RHYMES, PLACES

__all__ = ["offline_data", "plain_char"]

#: The format of the section; a client that knows another skips the offline detector.
FORMAT = 1


def plain_char(char: str, skeleton: Mapping[int, str]) -> str:
    """One character as :meth:`LookalikeDetector._plain` reads it (the steps are per character:
    NFD's reordering only moves the marks that are dropped)."""
    plain = _strip_marks(char.translate(skeleton)).lower().translate(skeleton)
    if not plain.isascii():
        plain = "".join(c if c.isascii() else (_resolve(c) or c) for c in plain)
    return plain


#: Characters IDNA keeps that its case folding would change (the deviation characters).
_DEVIATIONS = frozenset("ßς\u200c\u200d")


def _valid(char: str) -> bool:
    return char in _DEVIATIONS or unicodedata.normalize("NFKC", char).casefold() == char


def _host_char(char: str) -> bool:
    """Whether a decoded host can hold ``char``: IDNA maps it to itself, or it is the lower
    case of such a character (IDNA folds Cherokee to capitals, the detector lowers them)."""
    if _valid(char):
        return True
    upper = char.upper()
    return len(upper) == 1 and upper.lower() == char and _valid(upper)


@functools.cache
def plain_table() -> dict[str, str]:
    """ASCII → the host characters that read as it (see the module's doc); ``""`` holds the
    marks that are dropped."""
    skeleton = _confusable_map()
    # What can change: mapped characters, canonical decompositions, marks, Latin letters read
    # by their name (a full scan of every character costs ten times more).
    candidates = {chr(cp) for cp in skeleton}
    candidates.update(c for c in confusables.confusables_data if len(c) == 1)
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        char = chr(cp)
        decomposition = unicodedata.decomposition(char)
        if (
            (decomposition and decomposition[0] != "<")
            or unicodedata.combining(char)
            or unicodedata.name(char, "").startswith("LATIN")
        ):
            candidates.add(char)
    out: dict[str, list[str]] = {}
    for char in sorted(candidates):
        if not _host_char(char):
            continue
        plain = plain_char(char, skeleton)
        if plain != char and plain.isascii():
            out.setdefault(plain, []).append(char)
    return {k: "".join(v) for k, v in sorted(out.items())}


def _sorted(items: Any) -> list[str]:
    return sorted(items)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def pack_chars(chars: str) -> str:
    """Characters as runs of code points, ``,``-separated: each run is its start's distance
    from the previous run's end and, after ``+``, its length less one, in base 36
    (``"1u,2+4"``: code point 66, then 68 to 72). Half the size of the text, gzipped."""
    runs: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    out, end = [], 0
    for a, b in runs:
        out.append(_base36(a - end) + ("" if a == b else "+" + _base36(b - a)))
        end = b
    return ",".join(out)


def offline_data(detector: Any, rule_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The ``lookalike`` section for ``detector`` (a :class:`LookalikeDetector`).
    ``rule_names``: allow-list pattern → name, as the snapshot's rules carry them: a domain's
    name is sent only when it is not its own rule's."""
    rule_names = rule_names or {}
    domains = dict(sorted(detector.domains.items()))
    return {
        "format": FORMAT,
        # official registrable domains; names where the rule of the same pattern has another
        "domains": list(domains),
        "names": {d: n for d, n in domains.items() if rule_names.get(d) != n},
        # brand label -> its domain's public suffix (the domain is label.suffix)
        "brands": {label: d[len(label) + 1 :] for label, (d, _) in sorted(detector.brands.items())},
        "candidates": _sorted(detector.candidates),
        # official pages on shared platforms: domain -> [page name, rule pattern], in the
        # detector's order (the first page a name contains is the one named)
        "pages": {
            domain: [[page, pattern] for page, (pattern, _) in names.items()]
            for domain, names in sorted(detector.pages.items())
        },
        "page_prefixes": _sorted(_PAGE_PREFIXES),
        "words": {
            "gov_substrings": list(w.GOV_SUBSTRINGS),
            "gov_tokens": _sorted(w.GOV_TOKENS),
            "agency_acronyms": _sorted(w.AGENCY_ACRONYMS),
            "vn_markers": _sorted(w._VN_MARKERS),
            "filler": _sorted(w.FILLER_WORDS),
            "vn_short_filler": _sorted(w._VN_SHORT_FILLER),
            "portal_substrings": list(w.PORTAL_SUBSTRINGS),
            "portal_tokens": _sorted(w.PORTAL_TOKENS),
            "foreign_gov": _sorted(w._FOREIGN_GOV),
            "vetted_vn": list(w._VETTED_VN),
            "agency_names": list(w._AGENCY_NAMES),
            "agency_typo_words": list(w._AGENCY_TYPO_WORDS),
            "cong_compounds": list(w._CONG_COMPOUNDS),
            "cong_before": list(w._CONG_BEFORE),
            "open_cctlds": _sorted(w._OPEN_CCTLDS),
            "other_scripts": list(w._OTHER_SCRIPTS),
            "suffix_glue": list(w._SUFFIX_GLUE),
            "free_hosts": _sorted(w._FREE_HOSTS),
            "keyboard": dict(w._KEYBOARD),
            "vowels": "".join(sorted(w._VOWELS)),
            "lookalike_pairs": sorted("".join(sorted(p)) for p in w._LOOKALIKE),
            "min_fuzzy": w.MIN_FUZZY,
            "ascii_looks": [list(pair) for pair in _ASCII_LOOKS],
            "onsets": list(_ONSETS),
            "rhymes": _sorted(_RHYMES),
            "places": _sorted(PLACES),
        },
        # ASCII -> the host characters that read as it (pack_chars); "": marks dropped
        "plain": {k: pack_chars(v) for k, v in plain_table().items()},
    }
