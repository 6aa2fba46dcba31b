"""Vietnamese words as they appear in ASCII domain labels (diacritics dropped, no spaces).

Two pieces of knowledge the lookalike detector uses to tell a *different* Vietnamese name
from an imitation:

* :func:`is_vietnamese` — whether a label is a run of Vietnamese syllables (``baochinhphu`` =
  bao·chinh·phu, ``laodongthudo``), by a small onset + rhyme grammar. English words with
  consonant clusters (``news``, ``express``, ``24h``) are not; many short English words
  (``hot``, ``online``) happen to be, which is why this is only used where a miss costs little.
* :data:`PLACES` — provinces and major cities, before and after the 2025 mergers. Official
  papers and portals are named after them (``baoquangninh``, ``baoquangbinh``), so two names
  that differ only by the place are two real sources, not a typo of one another.
"""

from __future__ import annotations

import functools

__all__ = ["PLACES", "is_vietnamese", "place_siblings"]

_ONSETS = (
    "ngh",
    "ng",
    "nh",
    "ch",
    "gh",
    "gi",
    "kh",
    "ph",
    "qu",
    "th",
    "tr",
    "b",
    "c",
    "d",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "x",
    "",
)
# Rhymes with their diacritics dropped (ă/â → a, ê → e, ô/ơ → o, ư → u).
_RHYME_TEXT = """
a ac ach ai ak am an ang anh ao ap at au ay
e ec ech em en eng enh eo ep et eu
i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu
o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om on ong ooc oong
op ot
u ua uan uang uanh uat uay uc ue uen uenh uet ui um un ung uo uoc uoi uom uon uong uop uot
uou up ut uu uy uya uych uyen uyet uynh uyp uyt uyu
y yen yet yeu
"""
_RHYMES = frozenset(_RHYME_TEXT.split())
_LONGEST_RHYME = max(map(len, _RHYMES))

#: Provinces and centrally-run cities (the 63 before the 2025 mergers, which include the 34
#: after them) and the short forms used in domain names, diacritics dropped.
_PLACE_TEXT = """
hanoi hochiminh tphcm hcm saigon haiphong danang cantho hue thuathienhue
angiang bariavungtau vungtau bacgiang backan baclieu bacninh bentre binhdinh binhduong
binhphuoc binhthuan camau caobang daklak daknong dienbien dongnai dongthap gialai hagiang
hanam hatinh haiduong haugiang hoabinh hungyen khanhhoa kiengiang kontum laichau lamdong
langson laocai longan namdinh nghean ninhbinh ninhthuan phutho phuyen quangbinh quangnam
quangngai quangninh quangtri soctrang sonla tayninh thaibinh thainguyen thanhhoa tiengiang
travinh tuyenquang vinhlong vinhphuc yenbai
"""
PLACES = frozenset(_PLACE_TEXT.split())


@functools.lru_cache(maxsize=4096)
def is_vietnamese(label: str) -> bool:
    """Whether ``label`` (lower-case ASCII, no hyphens) splits into Vietnamese syllables."""
    n = len(label)
    if not n or not label.isalpha():
        return False
    reach = [False] * (n + 1)
    reach[0] = True
    for i in range(n):
        if not reach[i]:
            continue
        for onset in _ONSETS:
            if not label.startswith(onset, i):
                continue
            j = i + len(onset)
            for k in range(j + 1, min(n, j + _LONGEST_RHYME) + 1):
                if label[j:k] in _RHYMES:
                    reach[k] = True
        if reach[n]:
            return True
    return reach[n]


def place_siblings(name: str) -> set[str]:
    """Names made from ``name`` by putting another place where it names one
    (``baoquangninh`` → ``baoquangbinh``, ``baothanhhoa`` …)."""
    out: set[str] = set()
    for place in PLACES:
        start = name.find(place)
        if start < 0:
            continue
        for other in PLACES:
            if other != place:
                out.add(name[:start] + other + name[start + len(place) :])
    return out
