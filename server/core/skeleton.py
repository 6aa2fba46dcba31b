"""Skeletons in the spirit of Unicode's UTS #39: a name's characters mapped to the Latin
letters they look like (the confusables data of ``confusable-homoglyphs``, followed to an
ASCII letter; Latin letters with hooks, strokes or small capitals read by their Unicode
name; a few confusables.txt entries the package lacks), Vietnamese diacritics dropped."""

from __future__ import annotations

import functools
import unicodedata
from types import MappingProxyType

from confusable_homoglyphs import confusables

#: UTS #39 confusables.txt entries that the pairwise groups of ``confusable-homoglyphs`` do
#: not reach an ASCII letter from (``ь`` → ``b``, ``ə`` → ``e``).
#: Also the Cyrillic letters Chromium's IDN spoof checker reads as Latin in whole-script names
#: (``к``, ``т``, ``м``, ``н``, ``в``).
_SKELETON_EXTRA = {
    "ь": "b",
    "Ь": "b",
    "ə": "e",
    "ǝ": "e",
    "Ə": "e",
    "ɘ": "e",
    "đ": "d",
    "Đ": "d",
    "к": "k",
    "т": "t",
    "м": "m",
    "н": "h",
    "в": "b",
    # Latin letters the name rule does not reach (ENG, WYNN, U BAR) and one whose
    # confusables group reads it as another letter than it shows (V WITH PALATAL HOOK)
    "ŋ": "n",
    "Ŋ": "n",
    "ƿ": "p",
    "Ƿ": "p",
    "ʉ": "u",
    "ᶌ": "v",
    # Cyrillic letters that pass for Latin ones in whole-script names: KOMI SJE (g), PALOCHKA
    # (l, as in Chromium's IDN spoof checker; the confusables groups read it as i)
    "ԍ": "g",
    "ӏ": "l",
    "Ӏ": "l",
}

#: ASCII sequences that pass for one letter (UTS #39 confusables.txt: ``rn``/``m``,
#: ``cl``/``d``, ``vv``/``w``) and digits that pass for letters; applied to whole labels
#: compared with whole brands only (``v0v.vn``, ``qclnd.vn``), never inside longer words.
_ASCII_LOOKS = (("0", "o"), ("1", "l"), ("rn", "m"), ("cl", "d"), ("vv", "w"))


def ascii_skeleton(label: str) -> str:
    """``label`` as read when its ASCII look-alikes are taken for the letters they imitate."""
    for seq, letter in _ASCII_LOOKS:
        if seq in label:
            label = label.replace(seq, letter)
    return label


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _resolve(char: str) -> str | None:
    """The ASCII letter or digit a character passes for: its confusables followed (up to
    four steps, marks dropped at each) to an ASCII one, else, for a Latin letter, the base
    letter its Unicode name gives (``ɦ`` LATIN SMALL LETTER H WITH HOOK → ``h``, ``ɴ`` LATIN
    LETTER SMALL CAPITAL N → ``n``): the same idea as UTS #39's skeleton."""
    data = confusables.confusables_data
    seen, frontier = {char}, [char]
    for _ in range(4):
        following = []
        for x in frontier:
            for g in data.get(x, ()):
                t = _strip_marks(g["c"])
                if t.isascii() and t.isalnum():
                    return t.lower()
                if len(t) == 1 and t not in seen:
                    seen.add(t)
                    following.append(t)
        frontier = following
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        base = name.split(" LETTER ", 1)[-1].split(" WITH ")[0]
        for word in ("SMALL CAPITAL ", "CAPITAL ", "SMALL "):
            base = base.replace(word, "")
        if len(base) == 1:
            return base.lower()
    return None


@functools.cache
def _confusable_map() -> MappingProxyType[int, str]:
    """Every non-ASCII character with an ASCII look-alike, and ASCII digits that read as
    letters (``0`` → ``o``, ``1`` → ``l``: used only on internationalised names).

    Built once per process (about 30 ms, three quarters of a checker rebuild on the default
    lists when it was rebuilt each time) and read-only: it depends only on package data."""
    table: dict[int, str] = {}
    for char in confusables.confusables_data:
        if len(char) == 1 and (not char.isascii() or char in "01"):
            found = _resolve(char)
            if found is not None and len(found) == 1 and found != char:
                table[ord(char)] = found
    for char, to in _SKELETON_EXTRA.items():
        table[ord(char)] = to
    return MappingProxyType(table)


#: Path segments that come before a page's name (youtube.com/c/name, facebook.com/groups/x).


def _to_unicode(name: str) -> str | None:
    """Punycode labels decoded with the standard codec (hosts are validated on parsing;
    ``idna.decode`` validates again and costs several times more on long names)."""
    try:
        return ".".join(
            label[4:].encode("ascii").decode("punycode").lower()
            if label.startswith("xn--")
            else label
            for label in name.split(".")
        )
    except UnicodeError:
        return None
