"""The search page (notes · members · topics), the suggestions dropdown and the member's history buttons."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hongshu.core.pagination import parse_offset
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.feeds.pages import note_cards
from hongshu.search import selectors as search
from hongshu.trends import selectors, services
from hongshu.web.common import fragment_view, member_of, page_view, viewer_of
from hongshu.web.presenters import card_of

TYPES = ("notes", "members", "topics")
PAGE = 20


def _offset(request: HttpRequest) -> int:
    return parse_offset(request.GET.get("offset"), maximum=search.MAX_OFFSET)


@require_GET
@page_view
def search_page(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("type", "notes")
    kind = kind if kind in TYPES else "notes"
    sort = request.GET.get("sort", "relevance")
    media = request.GET.get("media", "all")
    context: dict[str, object] = {"q": q, "type": kind, "sort": sort, "media": media, "types": TYPES}
    if not q:
        context["hot"] = selectors.hot_ranking()
        context["history"] = selectors.history_of(member=viewer, limit=20) if viewer else []
        return render(request, "trends/search.html", context)
    rate_limit_hit("search", member=viewer, ip=client_ip(request))
    offset = _offset(request)
    if kind == "notes":
        page = search.search_notes(viewer=viewer, query=q, sort=sort, media=media, limit=PAGE, offset=offset)
        cards = note_cards(viewer=viewer, notes=page.items, counts=page.counts)
        context["cards"] = [card_of(c.note, likes=c.counts.likes, liked=c.liked) for c in cards]
    elif kind == "members":
        page = search.search_members(viewer=viewer, query=q, limit=PAGE, offset=offset)  # type: ignore[assignment]
        context["members"] = page.items
    else:
        page = search.search_topics(query=q, limit=PAGE, offset=offset)  # type: ignore[assignment]
        context["topics"] = page.items
    if offset == 0:
        services.search_record(
            viewer=viewer, query=q, ip=client_ip(request)
        )  # later pages are the same search, counted once
    context["next_offset"] = page.next_offset
    return render(request, "trends/search.html", context)


@require_GET
@fragment_view
def search_suggest(request: HttpRequest) -> HttpResponse:
    """The dropdown under the search box, as an HTML fragment for htmx."""
    viewer = viewer_of(request)
    rate_limit_hit("suggest", member=viewer, ip=client_ip(request))
    found = selectors.suggest(viewer=viewer, prefix=request.GET.get("q", "")[:200], limit=8)
    return render(request, "trends/_suggest.html", {"suggestions": found})


@require_POST
@page_view
def history_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    services.history_delete(member=member_of(request), entry_id=entry_id)
    return redirect("search")


@require_POST
@page_view
def history_clear(request: HttpRequest) -> HttpResponse:
    services.history_clear(member=member_of(request))
    return redirect("search")
