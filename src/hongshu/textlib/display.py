"""How Chinese text is shown to a reader: in their script (Simplified, or Traditional as used in Taiwan or
Hong Kong) and, if they asked for it, with pinyin over each character as <ruby> markup.

Stored text is never changed; this is display only. Every piece of text is escaped on its own and only the
assembled markup is marked safe, so a note that contains `<script>` shows it as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from hongshu.textlib import chinese

TRADITIONAL_SCRIPTS = frozenset({"tw", "hk"})
# Splits rendered HTML into tags and text; Han characters only ever occur in the text parts.
_TAG = regex.compile(r"(<[^>]*>)")


@dataclass(frozen=True, slots=True)
class Reading:
    script: str = "hans"
    show_pinyin: bool = False

    @property
    def plain(self) -> bool:
        return self.script not in TRADITIONAL_SCRIPTS and not self.show_pinyin


def reading_of(user: object) -> Reading:
    """The reading preferences of a member; visitors (and anything else) read text as it was written."""
    if not getattr(user, "is_authenticated", False):
        return Reading()
    return Reading(
        script=str(getattr(user, "script", "hans")), show_pinyin=bool(getattr(user, "show_pinyin", False))
    )


def in_script(text: str, reading: Reading) -> str:
    """`text` converted to the reader's Traditional variant (unchanged for Simplified readers)."""
    if reading.script in TRADITIONAL_SCRIPTS and chinese.has_han(text):
        return chinese.to_traditional(text, variant=reading.script)
    return text


def _ruby(pairs: list[tuple[str, str | None]], *, escaped: bool) -> str:
    parts = []
    for run, reading in pairs:
        text = run if escaped else str(conditional_escape(run))
        parts.append(f"<ruby>{text}<rt>{escape(reading)}</rt></ruby>" if reading else text)
    return "".join(parts)


def reading_html(text: str, reading: Reading) -> SafeString:
    """Plain text for a reader: escaped, in their script, with ruby pinyin if they want it."""
    converted = in_script(text, reading)
    if not reading.show_pinyin or not chinese.has_han(converted):
        return conditional_escape(converted)
    return mark_safe(_ruby(chinese.pinyin_marked(converted), escaped=False))  # noqa: S308 - parts escaped


def ruby_over_html(html: SafeString) -> SafeString:
    """Pinyin over the Han characters of already-safe HTML (the text parts only; tags are left alone).

    Text parts of safe HTML are already escaped, and Han characters are never part of an entity, so the
    runs pypinyin passes through are kept as they are."""
    parts = _TAG.split(str(html))
    out = [
        part
        if part.startswith("<") or not chinese.has_han(part)
        else _ruby(chinese.pinyin_marked(part), escaped=True)
        for part in parts
    ]
    return mark_safe("".join(out))  # noqa: S308 - only escaped text and existing tags
