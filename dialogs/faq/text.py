"""Turning what people type into comparable words: normalising, a light stemmer, edit distance."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_POSSESSIVE = re.compile(r"'s\b")
_APOSTROPHE = re.compile(r"'")


def normalise(text: str) -> str:
    """Lower case, plain ASCII letters and digits, single spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES)).lower()
    text = text.encode("ascii", "ignore").decode("ascii")
    # "child's" and "childs" should read the same; "don't" becomes "dont".
    text = _POSSESSIVE.sub("", text)
    text = _APOSTROPHE.sub("", text)
    return _NOT_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of `text`, normalised."""
    return normalise(text).split()


_VOWELS = set("aeiouy")
# Longest suffix first; each is tried once. The stemmer only has to be consistent with itself:
# the same word family must land on the same stem, whatever it looks like.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("isations", "ise"),
    ("isation", "ise"),
    ("ational", "ate"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ions", ""),
    ("ion", ""),
    ("ives", ""),
    ("ive", ""),
    ("ers", "er"),
    ("ed", ""),
    ("sses", "ss"),
    ("xes", "x"),
    ("ches", "ch"),
    ("shes", "sh"),
    ("s", ""),
)
_KEEP_S = ("ss", "us", "is", "ys")
_MIN_STEM = 3


def stem(word: str) -> str:
    """A light English stemmer: 'sessions' -> 'session', 'filmed' -> 'film', 'carers' -> 'carer'."""
    if len(word) <= _MIN_STEM or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if not word.endswith(suffix):
            continue
        if suffix == "s" and word.endswith(_KEEP_S):
            break
        base = word[: -len(suffix)]
        if len(base) < _MIN_STEM or not (_VOWELS & set(base)):
            break
        word = base + replacement
        break
    # "referr" (from "referred") and "refer" should meet; likewise "stopp"/"stop".
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz" + "".join(_VOWELS):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), or `limit + 1` if above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
