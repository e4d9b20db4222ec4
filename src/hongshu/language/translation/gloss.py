"""The offline default: a word-by-word CC-CEDICT gloss with pinyin. Not a translation, and labelled so.

Chinese → English: jieba's normal (accurate) cut — search mode would repeat overlapping sub-words — each
word looked up in CC-CEDICT (first definition; numbered pinyin shown with tone marks). English → Chinese:
each word through the dictionary's reverse index.
"""

from __future__ import annotations

import regex

from hongshu.language.translation.base import GlossToken, TranslationProvider, TranslationResult, is_chinese
from hongshu.textlib import cedict, chinese

_SYLLABLE = regex.compile(r"^([a-zü:v]+?)([1-5])$", regex.I)
_MARKS = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "ü": "ǖǘǚǜ"}
_ENGLISH_WORD = regex.compile(r"[A-Za-z][A-Za-z'-]*|\s+|[^\sA-Za-z]+")
_HAN_WORD = regex.compile(r"\p{Han}")


def _mark_syllable(syllable: str) -> str:
    match = _SYLLABLE.match(syllable)
    if not match:
        return syllable.replace("u:", "ü")
    letters, tone = match.group(1).replace("u:", "ü").replace("v", "ü"), int(match.group(2))
    if tone == 5:
        return letters
    lower = letters.lower()
    # The standard rule: a or e takes the mark; in "ou" the o does; otherwise the last vowel.
    if "a" in lower:
        index = lower.index("a")
    elif "e" in lower:
        index = lower.index("e")
    elif "ou" in lower:
        index = lower.index("o")
    else:
        vowels = [i for i, c in enumerate(lower) if c in "aeiouü"]
        if not vowels:
            return letters
        index = vowels[-1]
    vowel = lower[index]
    marked = _MARKS[vowel][tone - 1]
    if letters[index].isupper():
        marked = marked.upper()
    return letters[:index] + marked + letters[index + 1 :]


def marked_pinyin(numbered: str) -> str:
    """CC-CEDICT's "huo3 guo1" → "huǒ guō"."""
    return " ".join(_mark_syllable(s) for s in numbered.split())


def cut(text: str) -> list[str]:
    """jieba's accurate-mode words (with the platform dictionary); whitespace kept as its own tokens."""
    return list(chinese._jieba().cut(text))


def _first_meaning(definitions: tuple[str, ...]) -> str | None:
    for definition in definitions:
        if not regex.match(r"(CL:|variant of|old variant of|see )", definition):
            return definition
    return definitions[0] if definitions else None


def _reading(text: str) -> str:
    return " ".join(r for _, r in chinese.pinyin_marked(text) if r)


def _chinese_tokens(word: str) -> list[GlossToken]:
    entries = cedict.dictionary().lookup(word)
    common = [e for e in entries if not e.is_name] or entries
    if common:
        # A character with several readings has one entry per reading (要 yāo "to demand", yào "to want"):
        # take the entry read the way pypinyin reads the word, which knows the common reading.
        reading = _reading(word)
        entry = next((e for e in common if marked_pinyin(e.pinyin).lower() == reading), common[0])
        return [GlossToken(word, marked_pinyin(entry.pinyin), _first_meaning(entry.definitions))]
    if _HAN_WORD.search(word) and len(word) > 1:
        # A compound jieba kept but CC-CEDICT lacks (麻又辣): gloss its characters, so it still helps.
        return [token for character in word for token in _chinese_tokens(character)]
    return [GlossToken(word, None, None)]


def gloss_chinese(text: str) -> list[GlossToken]:
    return [t for word in cut(chinese.to_simplified(text)) if word.strip() for t in _chinese_tokens(word)]


def gloss_english(text: str) -> list[GlossToken]:
    tokens = []
    for word in _ENGLISH_WORD.findall(text):
        if not word.strip():
            continue
        found = cedict.dictionary().chinese_for(word, limit=1) if word[0].isalpha() else []
        if found:
            pinyin = " ".join(r for _, r in chinese.pinyin_marked(found[0]) if r)
            tokens.append(GlossToken(word, pinyin, found[0]))
        else:
            tokens.append(GlossToken(word, None, None))
    return tokens


def gloss_text(tokens: list[GlossToken]) -> str:
    """A readable one-line form of the gloss (for clients that show only `content`)."""
    # Space-separated in both directions: word boundaries are the point of a gloss.
    return " ".join(t.meaning or t.original for t in tokens)


class GlossProvider(TranslationProvider):
    name = "gloss"

    def translate(self, *, text: str, source: str, target: str) -> TranslationResult:
        to_chinese = is_chinese(target)
        from_chinese = is_chinese(source) or (source in ("und", "mixed") and chinese.has_han(text))
        tokens = gloss_english(text) if to_chinese and not from_chinese else gloss_chinese(text)
        return TranslationResult(
            text=gloss_text(tokens),
            kind="gloss",
            provider=self.name,
            source=source,
            target=target,
            gloss=tuple(tokens),
        )
