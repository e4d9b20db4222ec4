"""The navigation's unread badge: one bounded count query per page, for signed-in members only."""

from __future__ import annotations

from typing import Any

from django import template

from hongshu.accounts.models import User
from hongshu.core.runtime import surge_active
from hongshu.notifications.selectors import UnreadCount, notifications_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> UnreadCount | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return notifications_unread(recipient=user)


@register.simple_tag(takes_context=True)
def surge_banner(context: dict[str, Any]) -> bool:
    """Whether to show staff the surge banner: one query per page, for staff only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return isinstance(user, User) and user.is_authenticated and user.is_staff and surge_active()
