"""Spelling correction for English query words: `coffe` → coffee, `dumplngs` → dumplings, `tokio` → tokyo.

SymSpell (symspellpy) over the English frequency dictionary that ships inside the package (82,765 words,
MIT licence; nothing is downloaded). Only words the dictionary does not know are corrected, and only to the
most frequent word at the smallest edit distance: 1 edit for words of 4–5 letters, 2 from 6 letters on.
Whether a correction is used at all is decided by the caller (the search selector uses it only for words the
note index does not contain, so `ielts` is never "corrected" to belts when notes mention IELTS).

The dictionary loads once per process (~2 s, ~55 MB): `warm()` does it before web workers fork.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache

import regex
from symspellpy import SymSpell, Verbosity

MIN_LENGTH = 4  # shorter words have too many neighbours one edit away (cat → car, hat, bat …)
MAX_LENGTH = 30
_WORD = regex.compile(r"^[a-z]+$")
_DICTIONARY = "frequency_dictionary_en_82_765.txt"


@lru_cache(maxsize=1)
def _symspell() -> SymSpell:
    # prefix_length 5 instead of the default 7: a third of the memory, the same answers for query words.
    speller = SymSpell(max_dictionary_edit_distance=2, prefix_length=5)
    path = importlib.resources.files("symspellpy") / _DICTIONARY
    with importlib.resources.as_file(path) as file:
        speller.load_dictionary(str(file), term_index=0, count_index=1, encoding="utf-8")
    return speller


def is_known(word: str) -> bool:
    return word in _symspell().words


def correction(word: str) -> str | None:
    """The likely intended English word for a misspelt `word` (lower-case letters), or None.

    None when the word is known, too short or long, not plain letters, or has no close dictionary word.
    """
    if not (MIN_LENGTH <= len(word) <= MAX_LENGTH) or not _WORD.match(word) or is_known(word):
        return None
    distance = 1 if len(word) <= 5 else 2
    found = _symspell().lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
    if not found:
        return None
    best = max(found, key=lambda s: s.count)  # CLOSEST: all share the smallest distance
    return str(best.term)


def warm() -> None:
    _symspell()
