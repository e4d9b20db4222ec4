"""Text measures and normalisation shared by every app."""

from __future__ import annotations

import unicodedata

import regex

_GRAPHEME = regex.compile(r"\X")
_CONTROL = regex.compile(r"[\p{Cc}\p{Cs}\p{Co}&&[^\n\t]]", flags=regex.V1)


def grapheme_length(text: str) -> int:
    """User-perceived characters: 20 Chinese characters, 20 letters and 20 emoji all count 20."""
    return len(_GRAPHEME.findall(text))


def clean_text(text: str) -> str:
    """NFC-normalise, unify newlines, drop control characters, trim the ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned: str = _CONTROL.sub("", text)
    return cleaned.strip()
