"""Language detection for stored text: lingua restricted to the languages we serve, plus script checks.

Codes: `zh-Hans`, `zh-Hant`, `en`, `ja`, `ko`, `mixed` (Chinese and English both substantial) and `und`
(nothing to detect: emoji, numbers, punctuation). The detector loads once per process.
"""

from __future__ import annotations

from functools import lru_cache

import hanzidentifier
import regex
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SERVED = {Language.ENGLISH: "en", Language.CHINESE: "zh", Language.JAPANESE: "ja", Language.KOREAN: "ko"}
_NOISE = regex.compile(r"https?://\S+|[@#][\w.]+|\p{Emoji_Presentation}", flags=regex.UNICODE)
_HAN = regex.compile(r"\p{Han}")
_LATIN = regex.compile(r"\p{Latin}+")
_LETTER = regex.compile(r"\p{L}")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_HANGUL_WORD = regex.compile(r"\p{Hangul}+")
# A Latin run counts as a "word" for the mixed check; three English words beside Chinese are a mix.
_MIXED_MIN_LATIN_WORDS = 3
_MIXED_MIN_HAN = 4


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*SERVED).with_preloaded_language_models().build()


def _chinese_variant(text: str) -> str:
    return "zh-Hant" if hanzidentifier.identify(text) == hanzidentifier.TRADITIONAL else "zh-Hans"


def _by_script(content: str, *, han: int, latin_words: int) -> str | None:
    """Scripts decide before statistics: kana means Japanese (a Chinese post borrowing の is rare), and hangul
    words at least as many as Latin ones mean Korean even when lingua, on a few words, says English."""
    if _KANA.search(content):
        return "ja"
    hangul_words = len(_HANGUL_WORD.findall(content))
    if hangul_words and not han and hangul_words >= latin_words:
        return "ko"
    return None


def detect_language(text: str) -> str:
    """The language code of `text` (see the module docstring)."""
    content = _NOISE.sub(" ", text)
    if not _LETTER.search(content):
        return "und"
    han = len(_HAN.findall(content))
    latin_words = len(_LATIN.findall(content))
    by_script = _by_script(content, han=han, latin_words=latin_words)
    if by_script:
        return by_script
    found = detector().detect_language_of(content)
    code = SERVED.get(found, "und") if found is not None else "und"
    if code in ("zh", "en") and han >= _MIXED_MIN_HAN and latin_words >= _MIXED_MIN_LATIN_WORDS:
        return "mixed"
    if code == "zh":
        return _chinese_variant(content)
    if code == "und" and han:
        return _chinese_variant(content)
    return code
