"""Edit-distance helpers of the lookalike detector: one plausible slip (keyboard neighbours,
one flipped bit, vowel for vowel, look-alike letters) and Damerau–Levenshtein distance one."""

from __future__ import annotations

from .lookalike_words import _KEYBOARD, _LOOKALIKE, _VOWELS

__all__ = ["deletes", "one_edit", "slip"]


def deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def slip(a: str, b: str) -> bool:
    """Whether typing ``b`` for ``a`` is a plausible slip or disguise."""
    if a.isdigit() and b.isdigit():
        return False  # numbered siblings (baoquankhu2 / baoquankhu4) are not typos
    return (
        b in _KEYBOARD.get(a, "")
        or a in _KEYBOARD.get(b, "")
        or (ord(a) ^ ord(b)).bit_count() == 1
        or (a in _VOWELS and b in _VOWELS)
        or frozenset((a, b)) in _LOOKALIKE
    )


def one_edit(a: str, b: str, loose: bool = False) -> bool:
    """Damerau–Levenshtein distance exactly 1 (adjacent transposition counts once), where a
    replacement must be a plausible slip (:func:`slip`)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return slip(b[diff[0]], a[diff[0]]) or (
                loose and not (a[diff[0]].isdigit() and b[diff[0]].isdigit())
            )
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
