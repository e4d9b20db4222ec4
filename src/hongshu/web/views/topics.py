"""Topic pages (`/topics/<name>`: hot and latest, the follow-topic button) and Nearby (`/nearby`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hongshu.core.pagination import Page
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.feeds.pages import note_cards
from hongshu.notes.models import Note, Topic
from hongshu.topics import selectors, services
from hongshu.topics.selectors import Sort
from hongshu.web.common import is_htmx, member_of, page_view, viewer_of
from hongshu.web.presenters import card_of


def _sort(request: HttpRequest, default: Sort) -> Sort:
    asked = request.GET.get("sort")
    return asked if asked in ("hot", "latest") else default  # type: ignore[return-value]


def _feed(
    request: HttpRequest, template: str, page: Page[Note], more: str, query: dict[str, str], **extra: object
) -> HttpResponse:
    """Cards of `page` (a fixed number of queries), with the next page's fragment URL (`more`, for htmx) and
    the same page's URL (`next_href`, for a reader without scripts)."""
    viewer = viewer_of(request)
    cards = [
        card_of(c.note, likes=c.counts.likes, liked=c.liked)
        for c in note_cards(viewer=viewer, notes=page.items)
    ]
    after = urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else ""
    links = {
        "more_href": f"{reverse(more)}?{after}" if after else "",
        "next_href": f"?{after}" if after else "",
    }
    return render(request, template, {"cards": cards, **links, **extra})


def _topic_context(request: HttpRequest, topic: Topic) -> dict[str, object]:
    return {
        "topic": topic,
        "following_topic": selectors.is_following_topic(member=viewer_of(request), topic=topic),
    }


@require_GET
@page_view
def topic_page(request: HttpRequest, name: str) -> HttpResponse:
    topic = selectors.access_topic(name=name)
    sort = _sort(request, "hot")
    page = selectors.topic_notes(
        viewer=viewer_of(request), topic=topic, sort=sort, cursor=request.GET.get("cursor")
    )
    context = {"sort": sort, **_topic_context(request, topic)}
    return _feed(
        request, "web/topics/topic.html", page, "topic-more", {"name": topic.name, "sort": sort}, **context
    )


@require_GET
@page_view
def topic_more(request: HttpRequest) -> HttpResponse:
    """The next page of a topic's notes (`?name=`), as a fragment htmx loads as the reader nears the end."""
    topic = selectors.access_topic(name=request.GET.get("name", "")[:200])
    sort = _sort(request, "hot")
    page = selectors.topic_notes(
        viewer=viewer_of(request), topic=topic, sort=sort, cursor=request.GET.get("cursor")
    )
    return _feed(request, "web/topics/_page.html", page, "topic-more", {"name": topic.name, "sort": sort})


@login_required
@require_POST
@page_view
def topic_follow(request: HttpRequest, name: str) -> HttpResponse:
    """Follow or unfollow (`action=unfollow`) a topic; htmx gets the new button, a plain form a redirect."""
    member = member_of(request)
    topic = selectors.access_topic(name=name)
    if request.POST.get("action") == "unfollow":
        services.topic_unfollow(member=member, topic=topic)
    else:
        rate_limit_hit("follow", member=member, ip=client_ip(request))
        services.topic_follow(member=member, topic=topic)
    if is_htmx(request):
        return render(request, "web/topics/_follow.html", _topic_context(request, topic))
    return redirect("topic", name=topic.name)


def _nearby(request: HttpRequest, template: str) -> HttpResponse:
    viewer = viewer_of(request)
    region = selectors.region_of(viewer=viewer, asked=request.GET.get("region"))
    sort = _sort(request, "latest")
    context: dict[str, object] = {"feed": "nearby", "region": region, "sort": sort}
    if not region:
        return render(request, template, {**context, "cards": []})
    page = selectors.nearby_notes(viewer=viewer, region=region, sort=sort, cursor=request.GET.get("cursor"))
    return _feed(request, template, page, "nearby-more", {"region": region, "sort": sort}, **context)


@require_GET
@page_view
def nearby(request: HttpRequest) -> HttpResponse:
    return _nearby(request, "web/topics/nearby.html")


@require_GET
@page_view
def nearby_more(request: HttpRequest) -> HttpResponse:
    return _nearby(request, "web/topics/_page.html")
