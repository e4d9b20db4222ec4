"""Template helpers for the web pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hongshu.accounts.models import User
from hongshu.notes.services import INLINE_TOPIC
from hongshu.web.presenters import Author, author_of

register = template.Library()


@register.filter
def rich_body(text: str) -> SafeString:
    """Escape a note body, show its inline #topics in the accent colour and keep its line breaks."""
    escaped = escape(text)  # escaping leaves `#` and letters alone, so topic matches stay the same
    marked = INLINE_TOPIC.sub(lambda m: f'<span class="topic">#{m.group(1)}</span>', escaped)
    return mark_safe(marked.replace("\n", "<br>"))  # noqa: S308 - built from escaped text only


@register.filter
def as_author(user: User) -> Author:
    return author_of(user)


@register.filter
def lang_attr(language: str) -> SafeString:
    """` lang="…"` for a note's detected language, nothing for "und" or "mixed" (not language tags)."""
    if language in ("", "und", "mixed"):
        return mark_safe("")
    return mark_safe(f' lang="{escape(language)}"')  # noqa: S308 - escaped
