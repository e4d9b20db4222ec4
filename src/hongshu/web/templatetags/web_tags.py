"""Template helpers for the web pages."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hongshu.accounts.models import User
from hongshu.notes.services import INLINE_TOPIC, MENTION
from hongshu.web.presenters import Author, author_of

register = template.Library()


@register.filter
def rich_body(text: str) -> SafeString:
    """Escape a note body, link its inline #topics to their topic pages (in the accent colour), link @mentions to
    profiles and keep its line breaks. (Handles are ASCII letters, digits and underscores, so they need no escaping.)"""
    escaped = escape(text)  # escaping leaves `#`, `@` and letters alone, so the matches stay the same
    marked = INLINE_TOPIC.sub(
        lambda m: f'<a class="topic" href="/topics/{quote(m.group(1), safe="")}">#{m.group(1)}</a>',
        escaped,
    )
    linked = MENTION.sub(lambda m: f'<a class="mention" href="/@{m.group(1)}">@{m.group(1)}</a>', marked)
    return mark_safe(linked.replace("\n", "<br>"))  # noqa: S308 - built from escaped text only


@register.filter
def as_author(user: User) -> Author:
    return author_of(user)


@register.filter
def lang_attr(language: str) -> SafeString:
    """` lang="…"` for a note's detected language, nothing for "und" or "mixed" (not language tags)."""
    if language in ("", "und", "mixed"):
        return mark_safe("")
    return mark_safe(f' lang="{escape(language)}"')  # noqa: S308 - escaped
