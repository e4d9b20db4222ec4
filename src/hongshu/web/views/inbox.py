"""The notifications page: grouped activity, newest first, and "mark all read" (which clears the badge)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hongshu.notifications.selectors import notifications_page, notifications_unread
from hongshu.notifications.services import notifications_mark_all_read
from hongshu.web.common import fragment_view, is_htmx, member_of, page_view
from hongshu.web.presenters import notification_of


@login_required
@require_GET
@page_view
def notifications(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    page = notifications_page(recipient=member, cursor=request.GET.get("cursor"))
    context = {
        "items": [notification_of(view) for view in page.items],
        "next_cursor": page.next_cursor,
        "unread": notifications_unread(recipient=member),
    }
    template = "web/inbox/_items.html" if is_htmx(request) else "web/inbox/notifications.html"
    return render(request, template, context)


@require_POST
@fragment_view
def notifications_read(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    notifications_mark_all_read(recipient=member)
    if not is_htmx(request):
        return redirect("notifications")
    return render(request, "web/inbox/_read.html", {"unread": notifications_unread(recipient=member)})
