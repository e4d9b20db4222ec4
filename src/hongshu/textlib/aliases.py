"""Names across languages: the English name of a Chinese word and the Chinese words for an English name.

CC-CEDICT's reverse index (`cedict.py`) leaves proper nouns out (their glosses are descriptions: "Chengdu
subprovincial city and capital of Sichuan…"), so a romanised place name or a brand found nothing in Chinese
notes. This index is built once per process (`aliases()`, loaded before workers fork by `config/wsgi.py`):

- From CC-CEDICT's proper-noun entries of two or more characters: the romanisation a gloss starts with when
  it spells the entry's pinyin (成都 `Cheng2 du1` → "Chengdu subprovincial city…" → Chengdu; 西安 → Xi'an),
  and a short capitalised name a gloss is (东京 → Tokyo, 香港 → Hong Kong, 长城 → the Great Wall,
  麦当劳 → McDonald's). Descriptions ("capital of Japan") are not names: they are not capitalised.
- From `data/aliases.tsv`, written for Hongshu: brands under their mainland Chinese trade names (瑞幸 →
  Luckin, 泡泡玛特 → Pop Mart), the usual abbreviations of US cities (洛杉矶 → LA), and the everyday Chinese word
  for an English word where the dictionary leads to a rarer one (cat → 猫咪, metro → 地铁).

Names are compared by `key`: letters and digits only, accents folded, case folded, a leading "the" dropped,
so "Xi'an", "xian", "Hong Kong", "hongkong", "McDonald's" and "mcdonalds" meet the way people type them.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from hongshu.textlib import cedict, chinese

DATA = Path(__file__).resolve().parent / "data" / "aliases.tsv"
KINDS = frozenset({"brand", "city", "place", "word"})
_NAMES_PER_KEY = 2
_NAME_MAX_WORDS = 4
_KEY_MIN_CHARS = 2
_NOT_KEY = regex.compile(r"[^a-z0-9]+")
_THE = regex.compile(r"^the\s+", regex.I)
_CUT = regex.compile(r"[,;(]")
_HAN = regex.compile(r"\p{Han}")
_SKIP = regex.compile(r"^(see |variant of |old variant of |used in |surname |abbr\. |CL:)", regex.I)
_NO_DIGITS = str.maketrans("", "", "0123456789")
_lock = threading.Lock()


def key(text: str) -> str:
    """How names are compared: "Xi'an" → xian, "the Bund" → bund, "Ōsaka" → osaka, "McDonald's" → mcdonalds."""
    text = _THE.sub("", text.strip())
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_KEY.sub("", text.casefold())


def _pinyin_key(entry: cedict.Entry) -> str:
    """Numbered pinyin as letters only: `Xi1 an1` → xian, `Lu:4 shan1` → lushan."""
    return key(entry.pinyin.replace("u:", "u").translate(_NO_DIGITS))


def names_in_gloss(entry: cedict.Entry) -> list[str]:
    """The English names a proper-noun entry's glosses give, as written ("Chengdu", "Hong Kong")."""
    pinyin = _pinyin_key(entry)
    names: list[str] = []
    for definition in entry.definitions[:3]:
        if _SKIP.match(definition.strip()):
            continue
        for part in _CUT.split(definition)[0].split(" or "):
            words = _THE.sub("", part.strip()).split()
            # The romanisation the gloss starts with: "Chengdu subprovincial city…" spells Cheng2 du1.
            spelled, prefix = 0, ""
            for count, word in enumerate(words[:_NAME_MAX_WORDS], start=1):
                prefix += key(word)
                if prefix == pinyin:
                    spelled = count
                if not pinyin.startswith(prefix):
                    break
            if spelled:
                names.append(" ".join(words[:spelled]))
            elif 0 < len(words) <= _NAME_MAX_WORDS and words[0][:1].isupper() and not _HAN.search(part):
                names.append(" ".join(words))
    return list(dict.fromkeys(names))


def _curated_rows(lines: Iterable[str]) -> list[tuple[str, list[str], list[str]]]:
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, chinese_words, english_names = line.rstrip("\n").split("\t")
        if kind not in KINDS:
            raise ValueError(f"aliases.tsv line {number}: unknown kind {kind!r}")
        rows.append((kind, chinese_words.split("|"), english_names.split("|")))
    return rows


@dataclass(frozen=True)
class Aliases:
    by_key: dict[
        str, list[str]
    ]  # key of an English name → Simplified words, the curated and most common first
    by_word: dict[str, list[str]]  # Simplified word → English names as written, curated first

    def chinese_for(self, words: Sequence[str]) -> list[str]:
        """Chinese words for an English name given as its words (["hong", "kong"] → ["香港"])."""
        name_key = key(" ".join(words))
        return self.by_key.get(name_key, []) if len(name_key) >= _KEY_MIN_CHARS else []

    def english_for(self, word: str) -> list[str]:
        """English names of a Simplified Chinese word (成都 → ["Chengdu"], 洛杉矶 → ["LA", "Los Angeles"])."""
        return self.by_word.get(word, [])


def build(dictionary: cedict.Dictionary, curated: Iterable[str]) -> Aliases:
    """The index from a dictionary's proper nouns and the curated rows (lines of `data/aliases.tsv`).

    A name that is also an ordinary English word keeps its Chinese name only when that name is at least as
    common as the word's usual translation: china → 中国 (not only 瓷器), turkey → 土耳其, but change is not
    嫦娥 (Chang'e) and sun is not 太阳报 (The Sun).
    """
    by_key: dict[str, dict[str, float]] = defaultdict(dict)  # key → {word: rank, lower first}
    by_word: dict[str, list[str]] = defaultdict(list)
    for _kind, words, names in _curated_rows(curated):
        for name in names:
            for position, word in enumerate(words):
                by_key[key(name)].setdefault(word, -1_000_000_000 + position)
        for word in words:
            by_word[word].extend(n for n in names if n not in by_word[word])
    for entry in dictionary.entries():
        if not entry.is_name or len(entry.simplified) < 2:
            continue  # one character is an abbreviation (川, 沪): too ambiguous in a document
        frequency = chinese.word_frequency(entry.simplified)
        for name in names_in_gloss(entry):
            if name not in by_word[entry.simplified]:
                by_word[entry.simplified].append(name)
            name_key = key(name)
            if len(name_key) <= _KEY_MIN_CHARS:
                continue
            ordinary = dictionary.chinese_for(name, limit=1) or dictionary.chinese_for(name_key, limit=1)
            if ordinary and chinese.word_frequency(ordinary[0]) > frequency:
                continue
            by_key[name_key].setdefault(entry.simplified, -frequency)
    return Aliases(
        by_key={
            k: sorted(words, key=lambda w: (words[w], w))[:_NAMES_PER_KEY] for k, words in by_key.items()
        },
        by_word=dict(by_word),
    )


@lru_cache(maxsize=1)
def aliases() -> Aliases:
    with _lock:
        return build(cedict.dictionary(), DATA.read_text(encoding="utf-8").splitlines())


def warm() -> None:
    aliases()
