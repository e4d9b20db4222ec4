"""htmx fragments for Translate / Show original on notes and comments (the same services as the API).

A provider failure never becomes an error page: the reader gets the original back with a short message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hongshu.comments.selectors import comment_detail
from hongshu.core.ratelimit import client_ip
from hongshu.language.translation import service
from hongshu.language.translation.base import TranslationFailure
from hongshu.language.translation.service import comment_translate, note_translate, target_for
from hongshu.notes.selectors import access_note
from hongshu.web.common import fragment_view, member_of, viewer_of

KINDS = ("note", "comment")


def _failure_message(failure: TranslationFailure) -> str:
    if failure.reason == "rate_limited":
        return _("Too many translations for now. Please try again later.")
    return _("Translation is not available right now. Here is the original.")


def _original(request: HttpRequest, kind: str, object_id: int, *, failure: str | None = None) -> HttpResponse:
    member = member_of(request)
    if kind == "note":
        note = access_note(viewer=member, note_id=object_id)
        context = {"note": note, "restored": True, "translation_failure": failure}
        return render(request, "language/_note_body.html", context)
    view = comment_detail(viewer=member, comment_id=object_id)
    return render(request, "language/_comment_body.html", {"c": view, "translation_failure": failure})


@require_POST
@fragment_view
def translate_fragment(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    member = member_of(request)
    target = target_for(getattr(request, "LANGUAGE_CODE", None))
    try:
        if kind == "note":
            result = note_translate(viewer=member, note_id=object_id, target=target, ip=client_ip(request))
        else:
            result = comment_translate(
                viewer=member, comment_id=object_id, target=target, ip=client_ip(request)
            )
    except TranslationFailure as failure:
        response = _original(request, kind, object_id, failure=_failure_message(failure))
        for name, value in failure.headers.items():  # a 200 htmx swaps in, still saying when to retry
            response[name] = value
        return response
    context = {"result": result, "kind": kind, "glosses": [result.title_gloss, result.gloss]}
    return render(request, "language/_translated.html", context)


@require_GET
@fragment_view
def original_fragment(request: HttpRequest, kind: str, object_id: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    return _original(request, kind, object_id)


@require_POST
def always_translate_set(request: HttpRequest) -> HttpResponse:
    """The settings page's "Always translate" switch (a plain form post; redirects back)."""
    member = viewer_of(request)
    if member is None:
        return redirect("sign-in")
    service.always_translate_set(member=member, enabled=request.POST.get("always_translate") == "on")
    messages.success(request, _("Your translation settings are saved."))
    return redirect("me-settings")
