"""Chinese name studio: suggest Chinese names for a Latin-script name by sound.

Two sources, tried in order:
1. a lookup table of established transliterations, merged once per process from CC-CEDICT name entries
   ("Michael (name)") and the `samplename` package's male/female lists (Traditional, converted here);
2. for a name in neither, a name composed syllable by syllable from our own table `data/syllables.tsv`
   (greedy longest match), labelled as composed so nobody takes it for an established name.
Each suggestion carries Simplified characters, pinyin with tone marks and the meaning of each character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import regex

from hongshu.textlib import cedict, chinese

SOURCE_DICTIONARY = "dictionary"
SOURCE_COMPOSED = "composed"
SOURCE_MEANINGFUL = "meaningful"
MAX_SUGGESTIONS = 3
NAME_MAX_GRAPHEMES = 6

# "Michael (name)", "Mary (female given name)": a single Latin word glossed as a personal name.
_CEDICT_NAME = regex.compile(r"^([A-Z][a-z]+) \((?:[a-z ]*)?(?:given )?name[^)]*\)$")
_LATIN_WORD = regex.compile(r"\p{Latin}+")
_HAN_ONLY = regex.compile(r"^\p{Han}+$")
_SKIP_MEANING = regex.compile(r"^(CL:|see |variant of |old variant of |used in |surname |abbr\. )", regex.I)
_VOWELS = frozenset("aeiouy")
# Transliteration characters → a character of the same (toneless) sound with a pleasant meaning, the way
# people pick a personal name rather than a dictionary transliteration: 丽 "beautiful" for 利, 思 "think" for 斯.
_MEANINGFUL = {
    "利": "丽",
    "斯": "思",
    "伊": "依",
    "比": "碧",
    "马": "玛",
    "罗": "洛",
    "莫": "墨",
    "迪": "笛",
    "加": "佳",
    "雷": "蕾",
    "赫": "鹤",
    "希": "曦",
    "西": "熙",
    "夫": "芙",
    "艾": "爱",
    "格": "歌",
    "巴": "芭",
    "波": "博",
    "贝": "蓓",
    "卢": "露",
    "穆": "慕",
    "萨": "飒",
    "里": "理",
    "克": "可",
}


@dataclass(frozen=True, slots=True)
class CharacterMeaning:
    character: str
    pinyin: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    characters: str  # Simplified
    pinyin: str  # with tone marks, one syllable per character, space separated
    source: str  # SOURCE_DICTIONARY | SOURCE_COMPOSED
    characters_detail: tuple[CharacterMeaning, ...]


def _add(table: dict[str, list[str]], english: str, chinese_name: str) -> None:
    key = english.casefold()
    if _HAN_ONLY.match(chinese_name) and chinese_name not in table.setdefault(key, []):
        table[key].append(chinese_name)


@lru_cache(maxsize=1)
def name_table() -> dict[str, list[str]]:
    """Lower-cased English given name → Simplified transliterations, CC-CEDICT's first (it is curated)."""
    table: dict[str, list[str]] = {}
    for entry in cedict.dictionary().entries():
        if not entry.is_name:
            continue
        for definition in entry.definitions:
            match = _CEDICT_NAME.match(definition)
            if match:
                _add(table, match.group(1), entry.simplified)
    # samplename ships data next to its module; read it as package data (never import its `tests`).
    package = files("sampleName")
    for filename in ("male.json", "female.json"):
        for row in json.loads(package.joinpath(filename).read_text(encoding="utf-8")):
            english, traditional = str(row.get("english", "")), str(row.get("chinese", ""))
            if english and traditional:
                _add(table, english, chinese.to_simplified(traditional))
    return table


@lru_cache(maxsize=1)
def syllable_table() -> dict[str, str]:
    """Letter chunk → character, from data/syllables.tsv (comment lines start with #)."""
    text = files("hongshu.textlib").joinpath("data/syllables.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            chunk, character = line.split("\t")
            table[chunk] = character
    return table


def compose(name: str) -> str:
    """Characters for `name` by greedy longest match of letter chunks ("Brayden" → 布雷伊德恩)."""
    letters = "".join(_LATIN_WORD.findall(name)).casefold()
    # A final silent e after a consonant ("Jane", "Kate") is not pronounced.
    if len(letters) > 3 and letters.endswith("e") and letters[-2] not in _VOWELS:
        letters = letters[:-1]
    table = syllable_table()
    longest = max(map(len, table))
    out: list[str] = []
    position = 0
    while position < len(letters):
        for size in range(min(longest, len(letters) - position), 0, -1):
            character = table.get(letters[position : position + size])
            if character is not None:
                out.append(character)
                position += size
                break
        else:  # a letter outside a-z after casefolding (é, ß): skip it
            position += 1
    return "".join(out)[: NAME_MAX_GRAPHEMES * 2]


def character_meaning(character: str) -> str:
    """The first common-noun definition CC-CEDICT gives for a single character ("" if none)."""
    entries = cedict.dictionary().lookup(character)
    for entry in sorted(entries, key=lambda e: e.is_name):
        for definition in entry.definitions:
            if definition and not _SKIP_MEANING.match(definition):
                return definition
    return ""


def _suggestion(characters: str, source: str) -> Suggestion:
    pairs = chinese.pinyin_marked(characters)
    detail = tuple(CharacterMeaning(c, reading or "", character_meaning(c)) for c, reading in pairs)
    return Suggestion(characters, " ".join(d.pinyin for d in detail), source, detail)


def meaningful_variant(characters: str) -> str:
    """`characters` with sound-alike characters of pleasant meaning ("" when nothing changes)."""
    variant = "".join(_MEANINGFUL.get(c, c) for c in characters)
    return variant if variant != characters else ""


def given_name(name: str) -> str:
    """The first Latin word of a name ("Mary Ann Smith" → "Mary"): the studio names the given name."""
    words = _LATIN_WORD.findall(name)
    return words[0] if words else ""


def names_suggest(*, name: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """Suggestions for the given name in `name`: established ones (or one composed by sound), then one
    "meaningful" variant of the first that has sound-alikes; empty for a name with no letters."""
    word = given_name(name)
    if not word:
        return []
    known = name_table().get(word.casefold(), [])
    if known:
        suggestions = [_suggestion(c, SOURCE_DICTIONARY) for c in known[:limit]]
    else:
        composed = compose(word)
        suggestions = [_suggestion(composed, SOURCE_COMPOSED)] if composed else []
    taken = {s.characters for s in suggestions}
    variants = (meaningful_variant(s.characters) for s in suggestions)
    variant = next((v for v in variants if v and v not in taken), "")
    if variant:
        suggestions.append(_suggestion(variant, SOURCE_MEANINGFUL))
    return suggestions


def is_valid_chinese_name(name: str) -> bool:
    """Han characters only, 1 to 6 of them."""
    return bool(_HAN_ONLY.match(name)) and len(name) <= NAME_MAX_GRAPHEMES
