"""Lookalike detection: unlisted hosts that imitate an allow-listed (official) source.

Built once from the allow list; ``find(host, domain)`` is pure and costs a handful of set
lookups. The official *brands* are the registrable labels of allow-listed domains outside
``gov.vn`` (``tuoitre`` for ``tuoitre.vn``): province and agency names under ``gov.vn`` are
ordinary place names, so imitations of state agencies are caught by the state-agency words
instead. Techniques, each a reason code:

* ``lookalike_homograph`` — the host's Unicode form, with confusable characters mapped to
  Latin (Unicode's confusables table from ``confusable-homoglyphs``) and Vietnamese diacritics
  removed (``đ`` → ``d``), spells an official domain or brand;
* ``lookalike_mixed_script`` — a label mixing Latin letters with look-alike letters of another
  script (``gооgle.com`` with Cyrillic ``о``), whatever it imitates: no legitimate name does;
* ``lookalike_tld_swap`` — an official brand on another suffix (``tuoitre.com``), also with
  hyphens added (``tuoi-tre.com``) or the suffix glued on (``tuoitrevn.com``);
* ``lookalike_typosquat`` — the label is one edit (omission, insertion, repetition,
  transposition, or a replacement by a keyboard neighbour, a bit flip, another vowel or a
  look-alike character) from a brand of at least 5 characters: a symmetric-delete index
  makes this a few lookups. Any other replacement (``tienphong``/``bienphong``) is a
  different word, not a slip;
* ``lookalike_combosquat`` — a brand of at least 5 characters plus other words
  (``vnexpressnews.net``, ``baochinhphu-news.com``);
* ``lookalike_embedded_domain`` — an official domain or brand as subdomain labels of
  another domain (``baochinhphu.vn.tin-moi.xyz``);
* ``lookalike_page`` — on a shared platform, a page named like an official page of the list
  (``facebook.com/baochinhphuu`` for ``facebook.com/baochinhphu``): fake fan pages are the
  commonest imitation on social networks (:mod:`.lookalike_pages`);
* ``lookalike_gov_token`` — state-agency words (``gov``, ``chinhphu``, ``dichvucong``,
  ``bocongan``, ``bhxh``, ``nopthue``, …) on a domain outside ``gov.vn``; ministry acronyms
  (``bca``, ``mof``, ``gdt``) only beside Vietnamese words or ``vn``/``vietnam``
  (``canhan-gdt.com``), as ``bca.co.id`` and ``btc.com`` are other organisations'
  (:mod:`.lookalike_agency`).

Never imitations: official domains, domains waiting in the review queue for the allow list
(``candidates``), and names in vetted registries — ``gov.vn``, ``edu.vn`` (schools) and
other states' government suffixes (``moh.gov.sg``, ``mof.go.jp``).

Different Vietnamese names are not imitations (see :mod:`.vietnamese`):

* a name that differs from a brand only by the place it names (``baoquangbinh`` for
  ``baoquangninh``) is another province's source;
* under ``.vn`` — whose registrants must prove their identity — official names contain each
  other (``baochinhphu`` ⊃ ``chinhphu``, ``daibieunhandan`` ⊃ ``nhandan``,
  ``tuoitrethudo`` ⊃ ``tuoitre``), so a brand with Vietnamese words around it is not a
  combosquat, unless the brand is not itself Vietnamese (``vnexpresschinhthuc``), the words
  are hyphenated on or are filler — dress-up (``tuoitreonline``, ``tintuoitre``) or scam words
  (``trungthuong``, ``quatang``) — or *Báo* stands before a newspaper's own brand
  (``baotuoitre``); and state-run media carry agency words (``congan.com.vn``,
  ``chinhphu.vn``), so a label made only of Vietnamese syllables counts only the agency
  words no newspaper is named after (``gov``, ``dichvucong``, ``bocongan``, ``bhxh``,
  ``tongcucthue``, …). Typos, suffix swaps, homographs and embedded domains count
  everywhere.

Thresholds: brands shorter than 5 characters (``vtv``, ``vov``, ``qdnd``) and brands one
letter from a common word (``bnews``: ``news.com.au``, ``cnews.fr``) are matched only exactly
(homograph, suffix swap, embedding), or next to filler words, a channel number or *Báo*
(``vov-news.com``, ``vtv24h.com``, ``vtv1.com``, ``baocand.com``; under ``.vn`` only with a
hyphen, as ``vtcnews.vn`` and ``vtvgo.vn`` are their own): one edit from them, or them inside
a longer word (``vovinam``), hits countless unrelated names.

Internationalised names are read as people read them: after the homograph checks, the other
checks see the name with look-alikes mapped and diacritics dropped (``cổngdịchvụcông.com``
carries ``dichvucong``). Quality is measured by ``bench/bench_lookalike.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .domains import SuffixList, default_suffix_list
from .edit_distance import deletes, one_edit
from .lookalike_agency import agency_words
from .lookalike_pages import PageLookalikes, official_page, page_name
from .lookalike_words import (
    _AGENCY_NAME_RE,
    _FILLER_SIZES,
    _FOREIGN_GOV,
    _FREE_HOSTS,
    _OTHER_SCRIPTS,
    _SUFFIX_GLUE,
    _VETTED_VN,
    _VN_SHORT_FILLER,
    FILLER_WORDS,
    MIN_FUZZY,
    REASONS,
    _extends,
)
from .skeleton import _confusable_map, _resolve, _strip_marks, _to_unicode, ascii_skeleton
from .vietnamese import is_vietnamese, place_siblings

__all__ = ["REASONS", "Imitation", "LookalikeDetector", "page_name"]


@dataclass(frozen=True, slots=True)
class Imitation:
    """What a suspicious host imitates, and how."""

    code: str
    domain: str
    name: str
    #: For homographs the domain in both forms, ``vnеxpress.net (xn--vnxpress-d8g.net)``.
    detail: str = ""


class LookalikeDetector:
    """Finds imitations of the official sources given at construction."""

    def __init__(
        self,
        official: Iterable[tuple[str, str]],
        suffixes: SuffixList | None = None,
        candidates: Iterable[str] = (),
    ):
        """``official``: (pattern, name) of allow-listed rules; path patterns use their host.
        ``candidates``: patterns waiting in the review queue for the allow list; their domains
        are never called imitations (``hanoimoi.vn``, the current domain of the listed
        ``hanoimoi.com.vn``, waits for evidence): an admin is deciding, and telling officials
        that a source under review fakes itself would be wrong."""
        self.suffixes = suffixes or default_suffix_list()
        self.candidates = frozenset(  # host patterns only: a queued page is not its site
            d for p in candidates if "/" not in p and (d := self.suffixes.registrable_domain(p))
        )
        self.domains: dict[str, str] = {}  # official registrable domain -> name
        self.brands: dict[str, tuple[str, str]] = {}  # brand label -> (domain, name)
        # A domain is named after its own rule when it has one, not after a subdomain's
        # (chinhphu.vn is the government portal; baodientu.chinhphu.vn was its newspaper).
        rows = []
        pages: dict[str, dict[str, tuple[str, str]]] = {}
        for pattern, name in official:
            host, _, path = pattern.partition("/")
            domain = self.suffixes.registrable_domain(host)
            if domain and not path:
                rows.append((host != domain, domain, name))
            elif domain and (page := official_page(path)):
                pages.setdefault(domain, {}).setdefault(page, (pattern, name))
        self._pages = PageLookalikes(pages)
        #: official pages on shared platforms: domain -> {page name -> (pattern, name)}
        self.pages = self._pages.pages
        rows.sort(key=lambda r: r[0])  # stable: the list's order otherwise
        for _, domain, name in rows:
            self.domains.setdefault(domain, name)
            if domain.endswith(".gov.vn"):
                continue
            label = domain[: len(domain) - len(self.suffixes.public_suffix(domain)) - 1]
            old = self.brands.get(label)
            if (
                "." not in label
                and len(label) >= 3
                and (
                    old is None or len(domain) < len(old[0])  # prefer nhandan.vn to .com.vn
                )
            ):
                self.brands[label] = (domain, self.domains[domain])
        self._most_labels = max((d.count(".") + 1 for d in self.domains), default=0)
        #: Brands matched only exactly or beside filler words: short ones (``vtv``) and those
        #: one letter from a common word (``bnews``: ``news.com.au``, ``cnews.fr``).
        self.exact_only = {
            b for b in self.brands if len(b) < MIN_FUZZY or not FILLER_WORDS.isdisjoint(deletes(b))
        }
        self._exact_sizes = sorted({len(b) for b in self.exact_only})
        #: in a fixed order: a set's order changes with the hash seed, and so would the brand
        #: named when a look-alike label is one slip from two short brands (útv.vn: htv, vtv)
        self._exact_sorted = tuple(sorted(self.exact_only))
        self._deleted: dict[str, list[str]] = {}
        for brand in self.brands.keys() - self.exact_only:
            for d in deletes(brand) | {brand}:
                self._deleted.setdefault(d, []).append(brand)
        self._lengths = sorted({len(b) for b in self.brands.keys() - self.exact_only})
        fuzzy = sorted(self.brands.keys() - self.exact_only, key=len, reverse=True)
        #: whether a word contains any brand matched fuzzily: one C-speed scan before the
        #: per-position search (most unknown names contain none)
        self._any_brand = re.compile("|".join(map(re.escape, fuzzy)) or "(?!)").search
        self._siblings = set().union(*map(place_siblings, self.brands)) - self.brands.keys()
        self._papers = {b for b, (_, name) in self.brands.items() if name.lower().startswith("báo")}
        self._skeleton = _confusable_map()
        self._ascii_looks = {ascii_skeleton(b): b for b in self.brands}

    def _hit(self, code: str, brand_or_domain: str, detail: str = "") -> Imitation:
        domain, name = self.brands.get(brand_or_domain) or (
            brand_or_domain,
            self.domains.get(brand_or_domain, ""),
        )
        return Imitation(code, domain, name, detail)

    def find(self, host: str, domain: str) -> Imitation | None:
        """The imitated official source, or None. ``host`` and ``domain`` are canonical."""
        if len(host) > 253:
            return None  # no such host (parse_url refuses it); keeps the scans below short
        if (
            not domain
            or domain in self.domains
            or domain in self.candidates
            or domain.endswith(_VETTED_VN)
        ):
            return None
        suffix = self.suffixes.public_suffix(domain)
        under_vn = suffix == "vn" or suffix.endswith(".vn")
        if not under_vn and not _FOREIGN_GOV.isdisjoint(suffix.split(".")[:-1]):
            return None
        label = domain[: len(domain) - len(suffix) - 1]
        subdomain = host[: len(host) - len(domain) - 1] if host != domain else ""
        if under_vn and label in self.brands and self.brands[label][0].endswith(".vn"):
            return None  # baocamau.vn for baocamau.com.vn: the outlet's own old or new name
        free = suffix in _FREE_HOSTS
        if domain in _FREE_HOSTS and subdomain:  # binhchon-vtv.weebly.com: the page is named
            subdomain, _, label = subdomain.rpartition(".")
            free, under_vn = True, False
        if "xn--" in host:
            found = self._homograph(domain)
            if found is not None:
                return found
            # The other checks read the name as people do: look-alikes mapped, no diacritics
            # (cổngdịchvụcông.com is congdichvucong.com).
            host, domain = self._plain(host), self._plain(domain)
            label = domain.rsplit(".", suffix.count(".") + 1)[0]
            subdomain = host[: len(host) - len(domain) - 1] if host != domain else ""
        if "-" in label:  # a brand as a whole hyphenated part: anninhthudo-claim
            for part in label.split("-"):
                if part in self.brands and part not in self.exact_only and part != label:
                    return self._hit("lookalike_combosquat", part, f"{part} + other words")
        found = (
            self._ascii_lookalike(label.replace("-", ""))
            or self._same_name(label, suffix)
            or self._split(subdomain, label)
            or self._embedded(host, subdomain)
            or (free and self._free_page(label))
            or None
        )
        if found is not None:
            return found
        word = label.replace("-", "")
        if word in self._siblings:
            return None
        tld = suffix.rsplit(".", 1)[-1]
        portal_only = under_vn and is_vietnamese(word)
        if _AGENCY_NAME_RE(word) is not None:  # bocongan-gov.com imitates Bộ Công an
            return self._typo(label) or _gov(label, subdomain, tld, portal_only)
        return (
            self._typo(label)
            or self._combo(word, under_vn and not free, "-" in label)
            or self._typo_with_filler(label)
            or _gov(label, subdomain, tld, portal_only)
        )

    def find_page(self, domain: str, path: str) -> Imitation | None:
        """The official page a page on a shared platform imitates (``facebook.com`` +
        ``/baochinhphuu``), or None (see :mod:`.lookalike_pages`)."""
        found = self._pages.find(domain, path, self._another_name)
        if found is None:
            return None
        (pattern, name), key = found
        return Imitation("lookalike_page", pattern, name, key)

    def _plain(self, name: str) -> str:
        """A punycode name as read: Unicode, confusables mapped to Latin, diacritics dropped."""
        text = _to_unicode(name)
        if text is None:
            return name
        plain = _strip_marks(text.translate(self._skeleton)).lower().translate(self._skeleton)
        if not plain.isascii():  # Latin letters outside the confusables data (ꝁ, ɴ)
            plain = "".join(c if c.isascii() else (_resolve(c) or c) for c in plain)
        return plain

    def _homograph(self, domain: str) -> Imitation | None:
        """Only where the internationalised part is what spells the official name:
        ``xn--80a.tuoitre.com`` and ``tuoitre.рф`` are the brand on another domain or suffix,
        left to the other checks."""
        if "xn--" not in domain:
            return None
        text = _to_unicode(domain)
        if text is None:
            return None
        plain = self._plain(domain)
        if plain in self.domains:
            return self._hit("lookalike_homograph", plain, f"{text} ({domain})")
        label = plain.split(".", 1)[0]
        if label in self.brands and domain.startswith("xn--"):
            return self._hit("lookalike_homograph", label, f"{text} ({domain})")
        if domain.startswith("xn--") and len(label) <= MIN_FUZZY:
            for brand in self._exact_sorted:  # short brands: a look-alike letter and one slip
                if len(brand) >= 3 and one_edit(label, brand):
                    return self._hit("lookalike_homograph", brand, f"{text} ({domain})")
        if self._mixed_script(text.split(".", 1)[0]):
            return Imitation("lookalike_mixed_script", plain, "", f"{text} ({domain})")
        return None

    def _ascii_lookalike(self, word: str) -> Imitation | None:
        """A whole name that is a brand written with ASCII look-alikes (``v0v``, ``bnevvs``)."""
        brand = self._ascii_looks.get(ascii_skeleton(word))
        if brand is None or brand == word:
            return None
        return self._hit("lookalike_homograph", brand, word)

    def _mixed_script(self, label: str) -> bool:
        """Latin letters (``đ`` and other Vietnamese letters included) beside letters of
        another script that pass for Latin ones (Cyrillic ``о``, Greek ``ο``)."""
        latin = other = False
        for c in label:
            if not c.isalpha():
                continue
            if c.isascii() or unicodedata.name(c, "").startswith("LATIN"):
                latin = True
            elif ord(c) in self._skeleton or unicodedata.name(c, "").startswith(_OTHER_SCRIPTS):
                other = True  # Cyrillic т has no Latin twin in the table, yet reads as t
        return latin and other

    def _same_name(self, label: str, suffix: str) -> Imitation | None:
        if label in self.brands:
            return self._hit("lookalike_tld_swap", label)
        joined = label.replace("-", "")
        if joined != label and joined in self.brands:
            # nhan-dan.vn for nhandan.vn only adds a character; tuoi-tre.com also swaps the end
            same_end = self.brands[joined][0] == f"{joined}.{suffix}"
            code = "lookalike_typosquat" if same_end else "lookalike_tld_swap"
            return self._hit(code, joined, "hyphenated")
        for glue in _SUFFIX_GLUE:
            if joined.endswith(glue) and joined[: -len(glue)] in self.brands:
                return self._hit("lookalike_tld_swap", joined[: -len(glue)], "suffix glued on")
        return None

    def _split(self, subdomain: str, label: str) -> Imitation | None:
        """A brand split across labels: ``thanhn.ien.vn``, ``baochinh.phu.vn``."""
        if not subdomain:
            return None
        last = subdomain.rsplit(".", 1)[-1]
        for joined in {last + label, subdomain.replace(".", "") + label}:
            joined = joined.replace("-", "")
            if joined in self.brands and joined not in self.exact_only:
                return self._hit("lookalike_typosquat", joined, "split across labels")
        return None

    def _free_page(self, label: str) -> Imitation | None:
        """On a free-hosting site a short brand counts between digits or hyphens, as a word of
        the page's name (``binhchon-2022vtv6vn``); longer brands count anywhere."""
        for part in re.split(r"[^a-z]+", label):
            for size in self._exact_sizes:
                if (part[:size] in self.exact_only and part[size:] in ("", "vn")) or (
                    part[-size:] in self.exact_only and part[:-size] in ("", "vn")
                ):
                    brand = part[:size] if part[:size] in self.exact_only else part[-size:]
                    return self._hit("lookalike_combosquat", brand, f"{brand} in a page name")
        return None

    def _embedded(self, host: str, subdomain: str) -> Imitation | None:
        """An official domain spelled out in the host before its real registrable domain."""
        if not subdomain:
            return None
        labels = host.split(".")
        last = len(labels) - 1  # the spelled-out domain must end before the host does
        for i in range(last):
            for k in range(i + 2, min(last, i + self._most_labels) + 1):
                piece = ".".join(labels[i:k])
                if piece in self.domains:
                    return self._hit("lookalike_embedded_domain", piece)
        for lab in subdomain.split("."):
            if lab in self.brands or lab.replace("-", "") in self.brands:
                return self._hit("lookalike_embedded_domain", lab.replace("-", ""))
        return None

    def _typo(self, label: str) -> Imitation | None:
        word = label.replace("-", "") if len(label) - label.count("-") >= MIN_FUZZY else label
        # Any one-letter replacement counts unless the result spells Vietnamese words
        # (tienphong / bienphong is another word, anninhthzdo a slip).
        candidates = {b for key in deletes(word) | {word} for b in self._deleted.get(key, ())}
        if not candidates:
            return None
        loose = not is_vietnamese(word)
        for brand in sorted(candidates):
            # one letter added at the end is a slip even where it spells another syllable
            # (nhandanh); longer words that continue the brand's syllable are another name
            if one_edit(word, brand, loose) and not (
                word.startswith(brand)
                and len(word) > len(brand) + 1
                and _extends(brand, word[len(brand) :])
            ):
                return self._hit("lookalike_typosquat", brand, f"one edit from {brand}")
        return None

    def _typo_with_filler(self, label: str) -> Imitation | None:
        """A slip plus filler words: ``vnexpres-news``, ``tuoitrre-online``."""
        parts = label.split("-")
        rests = []
        if len(parts) > 1:
            rest = "".join(p for p in parts if p not in FILLER_WORDS)
            if len(rest) < len(label) - label.count("-"):
                rests.append(rest)
        else:
            for k in _FILLER_SIZES:
                if len(label) - k < MIN_FUZZY:
                    break
                if label[-k:] in FILLER_WORDS:
                    rests.append(label[:-k])
                if label[:k] in FILLER_WORDS:
                    rests.append(label[k:])
        for rest in rests:
            if (
                len(rest) >= MIN_FUZZY
                and rest not in self._siblings
                and not is_vietnamese(rest)
                and (found := self._typo(rest)) is not None
            ):
                return found
        return None

    def _combo(self, word: str, under_vn: bool, hyphenated: bool) -> Imitation | None:
        n = len(word)
        for size in reversed(self._lengths) if self._any_brand(word) else ():
            if size >= n:
                continue
            for i in range(n - size + 1):
                piece = word[i : i + size]
                # Vietnamese words before a brand make another name on any suffix
                # (vattu·nongnghiep, baoho·laodong); after it only under .vn (outside, a brand
                # plus words is the scam pattern: dantri·trungthuong).
                if (
                    piece in self.brands
                    and piece not in self.exact_only
                    and not (
                        _extends(piece, word[i + size :])
                        or (
                            not hyphenated
                            and (under_vn or i > 0)
                            and self._another_name(word[:i], piece, word[i + size :])
                        )
                    )
                ):
                    return self._hit("lookalike_combosquat", piece, f"{piece} + other words")
        # vtcnews.vn is VTC's own news site: under .vn only 24h-style filler counts (vov24h.vn)
        fillers = _VN_SHORT_FILLER if under_vn and not hyphenated else FILLER_WORDS
        # Short brands count only with filler words (vov-news, vtv24h), a channel number
        # (vtv1, vtv24) or Báo before them (baocand), also with a channel number after
        # (kenhvov1).
        bare = word.rstrip("0123456789")
        for size in self._exact_sizes:
            for brand, rest, after in (
                (word[:size], word[size:], True),
                (word[-size:], word[:-size], False),
                (bare[-size:], bare[:-size], False),
            ):
                if brand in self.exact_only and (
                    rest in fillers
                    or (
                        after
                        and rest.isdigit()
                        and len(rest) <= 2
                        and not (under_vn and not hyphenated)
                    )
                    or (not after and rest == "bao" and fillers is FILLER_WORDS)
                    or (not after and rest in fillers and len(word) - len(bare) <= 2)
                ):
                    shown = f"{brand} + {rest}" if after else f"{rest} + {brand}"
                    return self._hit("lookalike_combosquat", brand, shown)
        return None

    def _another_name(self, before: str, brand: str, after: str) -> bool:
        """Whether ``before + brand + after`` reads as another Vietnamese name
        (``bao·chinhphu``, ``tuoitre·thudo``) rather than the brand dressed up: the brand is
        itself Vietnamese words (``vnexpresschinhthuc`` is VnExpress dressed up), the added
        words are Vietnamese syllables, not filler (``online``, ``tin``, ``moi``,
        ``trungthuong``), and not *Báo* before a source that is itself a newspaper
        (``baotuoitre`` is Báo Tuổi Trẻ's own name)."""
        if before == "bao" and not after and brand not in self._papers:
            return True  # baobacninhtv: Báo Bắc Ninh TV's paper, not the broadcaster dressed up
        if not before and after == "tv" and brand.startswith("bao"):
            return True  # baobacninh·tv: the merged "Báo và PT-TH Bắc Ninh", the paper's successor
        if (before == "bao" and not after and brand in self._papers) or not is_vietnamese(brand):
            return False
        if before and after.isdigit():
            after = ""  # benhviennhandan115: a number after another name
        return all(not w or (w not in FILLER_WORDS and is_vietnamese(w)) for w in (before, after))


_GOV_HIT = Imitation("lookalike_gov_token", "gov.vn", "Cơ quan nhà nước (gov.vn)")


def _gov(label: str, subdomain: str, tld: str, portal_only: bool) -> Imitation | None:
    return _GOV_HIT if agency_words(label, subdomain, tld, portal_only) else None
