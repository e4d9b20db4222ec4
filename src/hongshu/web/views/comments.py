"""htmx endpoints for comments: post a comment or a reply, load more comments or replies, like a comment,
delete one (its author, or the note's author).

Thin adapters over hongshu.comments (the same services and selectors as the JSON API).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.comments import services
from hongshu.comments.selectors import comment_detail, comment_replies, comments_of_note
from hongshu.core.errors import NotFound
from hongshu.core.ids import require_id
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.interactions.selectors import note_counts
from hongshu.web.common import fragment_view, member_of, viewer_of, with_toast


@require_GET
@fragment_view
def comments_more(request: HttpRequest, note_id: int) -> HttpResponse:
    page = comments_of_note(viewer=viewer_of(request), note_id=note_id, cursor=request.GET.get("cursor"))
    return render(request, "web/note/_comments_page.html", {"comments": page, "note_id": note_id})


@require_POST
@fragment_view
def comment_post(request: HttpRequest, note_id: int) -> HttpResponse:
    """A new comment (prepended to the list) or, with `reply_to`, a reply (appended to its thread)."""
    member = member_of(request)
    rate_limit_hit("comment_create", member=member, ip=client_ip(request))
    body = request.POST.get("body", "")
    reply_to = request.POST.get("reply_to", "")
    if reply_to:
        comment = services.comment_reply(
            author=member, comment_id=require_id(reply_to, field="reply_to"), body=body
        )
    else:
        comment = services.comment_create(author=member, note_id=note_id, body=body)
    view = comment_detail(viewer=member, comment_id=comment.pk)
    response = render(request, "web/note/_comment.html", {"c": view, "note_id": note_id})
    if comment.root_id is not None:
        response["HX-Retarget"] = f"#replies-{comment.root_id}"
        response["HX-Reswap"] = "beforeend"
    return with_toast(response, _("Reply posted") if comment.root_id else _("Comment posted"))


@require_GET
@fragment_view
def replies_more(request: HttpRequest, comment_id: int) -> HttpResponse:
    page = comment_replies(viewer=viewer_of(request), comment_id=comment_id, cursor=request.GET.get("cursor"))
    context = {"replies": page, "root_id": comment_id, "first": not request.GET.get("cursor")}
    return render(request, "web/note/_replies_page.html", context)


def _like_button(request: HttpRequest, comment_id: int, *, liked: bool) -> HttpResponse:
    view = comment_detail(viewer=viewer_of(request), comment_id=comment_id)
    return render(request, "web/note/_comment_like.html", {"c": view})


@require_POST
@fragment_view
def comment_like(request: HttpRequest, comment_id: int) -> HttpResponse:
    member = member_of(request)
    rate_limit_hit("like", member=member, ip=client_ip(request))
    services.comment_like(user=member, comment_id=comment_id)
    return _like_button(request, comment_id, liked=True)


@require_POST
@fragment_view
def comment_unlike(request: HttpRequest, comment_id: int) -> HttpResponse:
    services.comment_unlike(user=member_of(request), comment_id=comment_id)
    return _like_button(request, comment_id, liked=False)


@require_POST
@fragment_view
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Delete a comment (same rule as DELETE /api/v1/comments/{id}). The answer replaces it in the list:
    with nothing, or with its placeholder when replies remain; the note's comment counts follow (oob)."""
    member = member_of(request)
    comment = services.comment_delete(actor=member, comment_id=comment_id)
    try:
        view = comment_detail(viewer=member, comment_id=comment_id)  # a root kept for its replies
    except NotFound:
        view = None
    count = note_counts(note_ids=[comment.note_id])[comment.note_id].comments
    context = {"c": view, "note_id": comment.note_id, "count": count}
    return with_toast(render(request, "web/note/_comment_deleted.html", context), _("Comment deleted"))
