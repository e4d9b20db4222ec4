"""Text measures and normalisation shared by every app.

Every service that accepts text from a member runs it through `clean_input` (which refuses NUL, drops
control characters, NFC-normalises and, for names and titles, strips invisible format characters) and
bounds it with `check_length` (user-perceived characters *and* code points). Lookups by a name that came
from a URL or a request use `is_storable` first: PostgreSQL cannot hold NUL in text, so asking it to
compare one is an error, not a miss.
"""

from __future__ import annotations

import unicodedata

import regex
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import InvalidInput, field_error

_GRAPHEME = regex.compile(r"\X")
_CONTROL = regex.compile(r"[\p{Cc}\p{Cs}\p{Co}&&[^\n\t]]", flags=regex.V1)
# NUL cannot be stored in a PostgreSQL text column; a lone surrogate cannot be encoded as UTF-8.
_UNSTORABLE = regex.compile(r"[\x00\p{Cs}]")

# Scripts whose spelling needs ZERO WIDTH NON-JOINER / JOINER between letters (Persian, Urdu, the Indic
# scripts, Sinhala...). Between Latin, Cyrillic, Greek or Han letters they only hide a difference.
_JOINING_SCRIPTS = (
    r"\p{sc=Arabic}\p{sc=Syriac}\p{sc=Nko}\p{sc=Mongolian}\p{sc=Devanagari}\p{sc=Bengali}\p{sc=Gurmukhi}"
    r"\p{sc=Gujarati}\p{sc=Oriya}\p{sc=Tamil}\p{sc=Telugu}\p{sc=Kannada}\p{sc=Malayalam}\p{sc=Sinhala}"
    r"\p{sc=Khmer}\p{sc=Myanmar}"
)
# Format characters (category Cf: bidi overrides and isolates, zero-width space and joiners, the BOM,
# invisible tag letters...) are removed, except where a visible sequence needs them:
# - ZWJ between two emoji (👩‍👩‍👧 stays one family), after an optional skin tone or VS16;
# - ZWNJ / ZWJ after a letter of a joining script and before another letter or mark;
# - the tag letters of a subdivision flag (🏴 + tags + CANCEL TAG, e.g. the flag of Scotland).
_FORMAT = regex.compile(
    r"(?P<keep>"
    r"\U0001F3F4[\U000E0020-\U000E007E]+\U000E007F"
    r"|(?<=\p{Extended_Pictographic}[\p{Emoji_Modifier}\uFE0F]*)\u200D(?=\p{Extended_Pictographic})"
    rf"|(?<=[{_JOINING_SCRIPTS}]\p{{M}}*)[\u200C\u200D](?=[\p{{L}}\p{{M}}])"
    r")|\p{Cf}"
)

NUL_REFUSED = _("Text cannot contain the null character (U+0000).")


def grapheme_length(text: str) -> int:
    """User-perceived characters: 20 Chinese characters, 20 letters and 20 emoji all count 20."""
    return len(_GRAPHEME.findall(text))


def clean_text(text: str) -> str:
    """NFC-normalise, unify newlines, drop control characters, trim the ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned: str = _CONTROL.sub("", text)
    return cleaned.strip()


def strip_format_characters(text: str) -> str:
    """Remove invisible format characters (Unicode category Cf) that let a name pass for another one —
    right-to-left overrides, zero-width spaces and joiners — keeping those emoji and joining scripts need."""
    return _FORMAT.sub(lambda match: match.group("keep") or "", text)


def is_storable(text: str) -> bool:
    """Whether the database can hold (and compare) this text: no NUL, no unpaired surrogate."""
    return _UNSTORABLE.search(text) is None


def refuse_nul(text: str, *, field: str) -> None:
    """Refuse text carrying NUL (a 422 naming the field) instead of letting the database fail on it."""
    if "\x00" in text:
        raise field_error(field, NUL_REFUSED, code="invalid_character")


def clean_input(text: str, *, field: str, single_line: bool = False, strip_format: bool = False) -> str:
    """The one way member-written text enters: NUL refused, format characters stripped (for names and
    titles: `strip_format`), control characters dropped, NFC, ends trimmed; newlines become spaces in
    `single_line` fields."""
    refuse_nul(text, field=field)
    if strip_format:
        text = strip_format_characters(text)
    text = clean_text(text)
    if single_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


def code_points_error(field: str, limit: int) -> InvalidInput:
    return field_error(
        field,
        _(
            "This text has too many accents or joined symbols: at most %(limit)d Unicode code points "
            "are allowed."
        )
        % {"limit": limit},
        code="too_many_code_points",
    )


def check_length(
    text: str, *, field: str, graphemes: int, code_points: int, message: str | Promise, code: str
) -> None:
    """Bound text by what a reader sees (`graphemes`, refused with `message` / `code`) and by what the
    column stores (`code_points`): one grapheme can carry hundreds of combining marks."""
    if len(text) <= graphemes:  # a grapheme is at least one code point
        return
    if grapheme_length(text) > graphemes:
        raise field_error(field, message, code=code)
    if len(text) > code_points:
        raise code_points_error(field, code_points)
