"""Chinese text tools shared by search, the language bridge and display: one instance of each per process.

- `to_simplified` / `to_traditional`: OpenCC (Traditional → Simplified folding for the index; Taiwan and
  Hong Kong display forms). Stored text always stays as written.
- `segment`: jieba in search mode (overlapping sub-words, e.g. 小红书 → 小红, 红书, 小红书) with the platform
  dictionary `data/userdict.txt` (word, frequency, part of speech per line); `segment_bulk` is the same on
  rjieba (Rust), for indexing many notes.
- `pinyin_syllables` / `pinyin_full` / `pinyin_initials` / `pinyin_marked`: pypinyin, with its bundled data.

Everything loads lazily once per process; `warm()` loads it all up front (before workers fork).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
import pypinyin
import regex
import rjieba

USER_DICTIONARY = Path(__file__).resolve().parent / "data" / "userdict.txt"
_HAN = regex.compile(r"\p{Han}")
_lock = threading.Lock()
TRADITIONAL_VARIANTS = {"tw": "s2twp", "hk": "s2hk"}


def platform_words() -> list[tuple[str, int]]:
    """(word, frequency) of the shipped platform dictionary."""
    words = []
    for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and not line.startswith("#"):
            words.append((parts[0], int(parts[1]) if len(parts) > 1 else 1000))
    return words


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def to_simplified(text: str) -> str:
    """Traditional characters and phrases folded to Simplified (t2s); other text unchanged."""
    return _converter("t2s").convert(text) if has_han(text) else text


def to_traditional(text: str, *, variant: str = "tw") -> str:
    """Simplified text shown in Traditional: `tw` (Taiwan, with phrases: 软件 → 軟體) or `hk`."""
    return _converter(TRADITIONAL_VARIANTS[variant]).convert(text) if has_han(text) else text


@lru_cache(maxsize=1)
def _jieba() -> jieba.Tokenizer:
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tokenizer.load_userdict(str(USER_DICTIONARY))
        return tokenizer


@lru_cache(maxsize=1)
def _rjieba() -> rjieba.Jieba:
    tokenizer = rjieba.Jieba()
    for word, frequency in platform_words():
        tokenizer.add_word(word, frequency, None)
    return tokenizer


def segment(text: str) -> list[str]:
    """jieba search-mode tokens of `text` (whitespace dropped; punctuation kept for the caller to filter)."""
    return [token for token in _jieba().cut_for_search(text) if token.strip()]


def segment_bulk(text: str) -> list[str]:
    """`segment`, on rjieba: several times faster, for (re)indexing."""
    return [token for token in _rjieba().cut_for_search(text, True) if token.strip()]


def word_frequency(word: str) -> int:
    """How common a word is in jieba's dictionary (0 when unknown): ranks dictionary candidates."""
    return int(_jieba().FREQ.get(word, 0) or 0)


def pinyin_syllables(text: str) -> list[str]:
    """Toneless pinyin per character of Chinese text; other runs pass through as they are."""
    return [s for s in pypinyin.lazy_pinyin(text, errors="default") if s.strip()]


def pinyin_full(text: str) -> str:
    """`火锅` → `huoguo` (no spaces, no tones): how people type a name they cannot write."""
    return "".join(pinyin_syllables(to_simplified(text))).lower()


def pinyin_initials(text: str) -> str:
    """`火锅` → `hg`."""
    return "".join(s[0] for s in pinyin_syllables(to_simplified(text)) if s).lower()


def pinyin_marked(text: str) -> list[tuple[str, str | None]]:
    """(character or run, pinyin with tone marks or None) for ruby display: `[("重", "chóng"), ("!", None)]`.

    Readings come from whole phrases (重庆 → chóng qìng, not zhòng), so the text is read in one call.
    """
    pairs: list[tuple[str, str | None]] = []
    position = 0
    for (reading,) in pypinyin.pinyin(text, style=pypinyin.Style.TONE, errors="default"):
        if _HAN.match(text, position):
            pairs.append((text[position], reading))
            position += 1
        else:  # a run pypinyin passed through unchanged
            pairs.append((reading, None))
            position += len(reading)
    return pairs


def warm() -> None:
    """Load every dictionary now (web workers call this before they fork, so memory is shared)."""
    _jieba()
    _rjieba()
    _converter("t2s")
    pinyin_syllables("红薯")
