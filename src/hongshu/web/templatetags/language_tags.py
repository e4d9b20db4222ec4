"""`{{ text|reading:user }}` and `{{ note.body|rich_reading:user }}`: Chinese text in the reader's script,
with pinyin ruby for members who asked for it (see hongshu.textlib.display)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from hongshu.textlib.display import in_script, reading_html, reading_of, ruby_over_html
from hongshu.web.templatetags.web_tags import rich_body

register = template.Library()


@register.filter
def reading(text: str, user: object) -> SafeString:
    return reading_html(str(text or ""), reading_of(user))


@register.filter
def rich_reading(text: str, user: object) -> SafeString:
    """A note body: converted first (topics and mentions keep working: handles are ASCII), then linked by
    `rich_body`, then ruby over the text parts of the resulting HTML."""
    preferences = reading_of(user)
    html = rich_body(in_script(str(text or ""), preferences))
    return ruby_over_html(html) if preferences.show_pinyin else html
