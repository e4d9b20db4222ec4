"""Checks on a model's output before it is shown: translated text is data, so an answer that looks like it
followed instructions in the text (or chatted) instead of translating it is rejected, never shown."""

from __future__ import annotations

import regex

from hongshu.language.translation.base import TranslationFailure, is_chinese
from hongshu.textlib import chinese
from hongshu.textlib.detection import detect_language

# Detection is unreliable on a few words; below this many letters the language check is skipped.
DETECT_MIN_LETTERS = 20
_LETTER = regex.compile(r"\p{L}")
_LATIN = regex.compile(r"[A-Za-z]")
_PREAMBLE = regex.compile(
    r"^\W*(sure|certainly|of course|okay|ok|here is|here's|here are|as an ai|i cannot|i can't|i'm sorry|"
    r"i am sorry|translation\s*:|translated text\s*:|好的|当然|以下是|这是翻译|翻译如下|抱歉|对不起)",
    regex.I,
)
_MARKUP = regex.compile(r"</?(text|translation|system|user|assistant)\b", regex.I)


def check_output(*, original: str, output: str, target: str) -> str:
    """The output if it passes every check, else TranslationFailure("rejected")."""
    output = output.strip()
    if not output:
        raise TranslationFailure("rejected", "empty output")
    if _PREAMBLE.match(output) and not _PREAMBLE.match(original.strip()):
        raise TranslationFailure("rejected", "the model added a preamble")
    if _MARKUP.search(output) and not _MARKUP.search(original):
        raise TranslationFailure("rejected", "the model echoed prompt markup")
    letters_in = len(_LETTER.findall(original))
    letters_out = len(_LETTER.findall(output))
    # Chinese → English grows about 2-4× in letters, English → Chinese shrinks about 3-4×: bounds with
    # room for both, plus slack for short texts, where the ratio says little.
    if letters_out > 8 * letters_in + 40:
        raise TranslationFailure("rejected", "far longer than the original")
    if letters_in >= 10 and letters_out < letters_in / 10:
        raise TranslationFailure("rejected", "far shorter than the original")
    source_has_latin = bool(_LATIN.search(original))
    if is_chinese(target) and not chinese.has_han(output) and source_has_latin and letters_in >= 3:
        raise TranslationFailure("rejected", "no Chinese in a translation into Chinese")
    if target == "en" and chinese.has_han(original) and not _LATIN.search(output):
        raise TranslationFailure("rejected", "no English in a translation into English")
    if letters_out >= DETECT_MIN_LETTERS:
        found = detect_language(output)
        matches = is_chinese(found) if is_chinese(target) else found == target
        if found not in ("mixed", "und") and not matches:
            raise TranslationFailure("rejected", f"output is in {found}, not {target}")
    return output
