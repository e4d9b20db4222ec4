"""`{% note_languages as languages %}`: the languages an author can set on a note, by their own names."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from hongshu.textlib.codes import CONTENT_LANGUAGES, READABLE_LANGUAGES

register = template.Library()


@register.simple_tag
def note_languages() -> list[tuple[str, str]]:
    """Every code the note service accepts (`CONTENT_LANGUAGES`): languages by their own names (as in the
    profile's language list), then "mixed" and "und" in the reader's language."""
    named = [(code, name) for code, name in READABLE_LANGUAGES.items() if code in CONTENT_LANGUAGES]
    return [*named, ("mixed", gettext("Several languages")), ("und", gettext("Not sure"))]
