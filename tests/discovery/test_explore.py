"""Explore, personalized: sources, not interested, diversity, visitors, the policy, the API and the job."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.periodic import PERIODIC_JOBS, beat_schedule, periodic_task
from hongshu.discovery import selectors, services
from hongshu.discovery.models import NotInterested, PoolEntry
from hongshu.discovery.ranking import Candidate, diversify
from hongshu.interactions.services.interactions import like_create
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create, note_delete
from hongshu.social.services.graph import block_create, mute_create

_NOTE_LINK = re.compile(r'data-note-link="(\d+)"')


def _note(
    author: User, title: str, *, topics: list[str] | None = None, language: str = "en", **kw: Any
) -> Note:
    photo = MediaAsset.objects.create(
        owner=author, state=MediaAsset.State.READY, content_type="image/jpeg", width=1080, height=1440
    )
    return note_create(
        author=author,
        title=title,
        body="",
        images=[ImageSpec(media_id=photo.pk)],
        topics=topics or [],
        language=language,
        **kw,
    )


def _picked(member: User, *interests: str) -> User:
    """A newcomer who picked `interests` at sign-up."""
    member.interests = list(interests)
    member.save(update_fields=["interests"])
    return member


def _explore(viewer: User | None, *, language: str = "en", limit: int = 20, cursor: str | None = None) -> Any:
    return selectors.feed_explore(viewer=viewer, cursor=cursor, language=language, limit=limit)


def _ids(page: Any) -> list[int]:
    return [n.pk for n in page.items]


@pytest.fixture
def authors(make_member: Callable[..., User]) -> list[User]:
    return [make_member(f"author{i}") for i in range(12)]


def test_interests_picked_at_sign_up_change_what_a_cold_start_member_sees(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    camping, makeup = set(), set()
    for i, author in enumerate(authors):
        camping.add(_note(author, f"tent {i}", topics=["camping"]).pk)
        makeup.add(_note(author, f"lipstick {i}", topics=["makeup"]).pk)
    services.pool_refresh()
    hiker, painter = _picked(make_member("hiker"), "outdoors"), _picked(make_member("painter"), "beauty")
    hiker_page, painter_page = _ids(_explore(hiker, limit=6)), _ids(_explore(painter, limit=6))
    # four of a topic per screen at most (topics spread), the rest of the screen is theirs too
    assert len(camping & set(hiker_page)) >= 4
    assert len(makeup & set(painter_page)) >= 4
    assert hiker_page[0] in camping
    assert painter_page[0] in makeup


def test_topics_of_recent_likes_lift_notes_in_those_topics(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    coffee = [_note(a, f"latte {i}", topics=["coffee"]) for i, a in enumerate(authors)]
    for i, a in enumerate(authors):
        _note(a, f"run {i}", topics=["fitness"])
    services.pool_refresh()
    reader = make_member("reader")
    like_create(user=reader, note_id=coffee[0].pk)
    page = _ids(_explore(reader, limit=5))
    assert len({n.pk for n in coffee} & set(page)) >= 4


@pytest.mark.parametrize("kind", ["note", "author", "topic"])
def test_not_interested_removes_from_explore_and_undo_restores(
    kind: str, authors: list[User], member_api: Callable[..., Any]
) -> None:
    target = _note(authors[0], "the one", topics=["ramen"])
    others = [_note(a, f"other {i}", topics=["tea"]) for i, a in enumerate(authors[1:])]
    services.pool_refresh()
    member, client = member_api("picky")

    def shown() -> set[int]:
        response = client.get("/feeds/explore", data={"limit": 50})
        assert response.status_code == 200
        return {int(item["id"]) for item in response.json()["items"]}

    assert target.pk in shown()
    body = {"note": {"id": str(target.pk)}, "author": {"name": "author0"}, "topic": {"name": "#Ramen"}}[kind]
    response = client.post("/not-interested", json={"kind": kind, **body})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == kind
    assert target.pk not in shown()
    assert {n.pk for n in others} <= shown()
    listed = client.get("/not-interested").json()["items"]
    assert [(m["kind"], m["name"]) for m in listed] == [
        (kind, {"note": "the one", "author": "author0", "topic": "ramen"}[kind])
    ]
    ref = {"note": str(target.pk), "author": "author0", "topic": "ramen"}[kind]
    assert client.delete(f"/not-interested/{kind}/{ref}").status_code == 204
    assert target.pk in shown()
    assert not NotInterested.objects.filter(member=member).exists()


def test_not_interested_refuses_a_note_the_member_cannot_see(
    authors: list[User], member_api: Callable[..., Any]
) -> None:
    hidden = _note(authors[0], "secret", visibility="private")
    _member, client = member_api("nosy")
    response = client.post("/not-interested", json={"kind": "note", "id": str(hidden.pk)})
    assert response.status_code == 404
    response = client.post("/not-interested", json={"kind": "topic", "name": "nothing-like-it"})
    assert response.status_code == 404


def test_a_mark_made_while_scrolling_applies_to_the_next_pages(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    notes = [_note(a, f"n{i}-{j}") for j in range(3) for i, a in enumerate(authors)]
    services.pool_refresh()
    reader = make_member("reader")
    first = _explore(reader, limit=10)
    later = [n for n in notes if n.pk not in _ids(first)]
    services.not_interested_add(member=reader, kind="author", target_id=later[0].author_id)
    rest: list[Note] = []
    cursor = first.next_cursor
    while cursor:
        page = _explore(reader, limit=10, cursor=cursor)
        rest += page.items
        cursor = page.next_cursor
    assert rest
    assert all(n.author_id != later[0].author_id for n in rest)


def test_diversity_no_author_twice_in_a_row_at_most_two_per_screen(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    for j in range(4):
        for i, a in enumerate(authors):
            _note(a, f"n{i}-{j}", topics=[f"topic{i % 3}"])
    services.pool_refresh()
    page = _explore(make_member("reader"), limit=20).items
    assert len(page) == 20
    owners = [n.author_id for n in page]
    assert all(a != b for a, b in itertools.pairwise(owners))
    assert max(Counter(owners).values()) <= 2


def test_diversify_spreads_topics_and_relaxes_only_when_it_must() -> None:
    ranked = [Candidate(i, author_id=i % 2, lang_group="en", topic_ids=(7,)) for i in range(6)]
    ranked += [Candidate(100 + i, author_id=10 + i, lang_group="en", topic_ids=(8,)) for i in range(4)]
    out = diversify(ranked, screen=10, per_author=2, per_topic=3)
    first = out[:6]
    assert Counter(t for c in first for t in c.topic_ids)[7] <= 3
    assert sorted(c.note_id for c in out) == sorted(c.note_id for c in ranked)  # nothing hidden


def test_visitors_get_the_trending_pool_in_their_language_mix(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    english = [_note(a, f"en {i}-{j}", language="en") for j in range(3) for i, a in enumerate(authors)]
    chinese = [_note(a, f"中文 {i}-{j}", language="zh-Hans") for j in range(3) for i, a in enumerate(authors)]
    old = english[0]
    Note.objects.filter(pk=old.pk).update(published_at=timezone.now() - timedelta(days=2))
    fans = [make_member(f"fan{i}") for i in range(5)]
    for fan in fans:
        like_create(user=fan, note_id=old.pk)
    services.pool_refresh()
    assert PoolEntry.objects.count() == len(english) + len(chinese)
    en_page = _ids(_explore(None, language="en"))
    zh_page = _ids(_explore(None, language="zh-hans"))
    zh_ids = {n.pk for n in chinese}
    assert old.pk in en_page[:3]  # the most engaged note leads the English visitors' page
    assert 2 <= len(zh_ids & set(en_page)) <= 6  # the bridge: about a fifth in the other language
    assert len(zh_ids & set(zh_page)) >= 14


def test_blocked_muted_private_and_deleted_notes_never_appear(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    reader = make_member("reader")
    blocker, muted, writer = authors[0], authors[1], authors[2]
    hidden = [_note(blocker, "blocker's"), _note(muted, "muted's")]
    private = _note(writer, "mine only", visibility="private")
    followers = _note(writer, "friends only", visibility="followers")
    gone = _note(writer, "gone soon")
    visible = [_note(a, f"fine {i}") for i, a in enumerate(authors[3:])]
    services.pool_refresh()
    block_create(blocker=blocker, blocked=reader)
    mute_create(muter=reader, muted=muted)
    note_delete(note=gone, actor=writer)
    shown = set(_ids(_explore(reader, limit=50)))
    assert shown.isdisjoint({n.pk for n in hidden} | {private.pk, followers.pk, gone.pk})
    assert {n.pk for n in visible} <= shown
    assert blocker.pk not in {n.author_id for n in _explore(reader, limit=50).items}


def test_cursor_pages_are_stable_while_new_notes_arrive(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    notes = [_note(a, f"n{i}-{j}") for j in range(3) for i, a in enumerate(authors)]
    reader = make_member("reader")
    first = _explore(reader, limit=10)
    _note(authors[0], "brand new")
    second = _explore(reader, limit=10, cursor=first.next_cursor)
    again = _explore(reader, limit=10, cursor=first.next_cursor)
    assert _ids(second) == _ids(again)
    assert set(_ids(first)).isdisjoint(_ids(second))
    seen = _ids(first) + _ids(second)
    cursor = second.next_cursor
    while cursor:
        page = _explore(reader, limit=10, cursor=cursor)
        seen += _ids(page)
        cursor = page.next_cursor
    assert sorted(seen) == sorted(n.pk for n in notes)  # every note once; the new one waits for a new load


def test_a_broken_cursor_is_a_problem(api: Any) -> None:
    response = api.get("/feeds/explore", data={"cursor": "nope"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_cursor"


def test_the_api_signed_in_by_token_by_cookie_and_signed_out(
    authors: list[User], member_api: Callable[..., Any], cookie_api: Callable[[Client], Any], api: Any
) -> None:
    for i, a in enumerate(authors):
        _note(a, f"outdoor {i}", topics=["camping"])
        _note(a, f"indoor {i}", topics=["makeup"])
    services.pool_refresh()
    hiker, by_token = member_api("hiker")
    _picked(hiker, "outdoors")
    web = Client()
    web.force_login(hiker)
    by_cookie = cookie_api(web)
    pages = {}
    for name, client in (("token", by_token), ("cookie", by_cookie), ("visitor", api)):
        response = client.get("/feeds/explore", data={"limit": 6})
        assert response.status_code == 200, (name, response.content)
        body = response.json()
        assert body["next_cursor"]
        assert {"id", "author", "title", "images", "topics", "counts"} <= set(body["items"][0])
        pages[name] = [item["topics"] for item in body["items"]]
    assert pages["token"][0] == pages["cookie"][0] == ["camping"]
    assert sum(t == ["camping"] for t in pages["token"]) >= 4
    assert sum(t == ["camping"] for t in pages["cookie"]) >= 4
    bad = Client(headers={"authorization": "Bearer hs_wrong"})
    assert bad.get("/api/v1/feeds/explore").status_code == 401


def test_the_web_button_marks_and_the_undo_restores(
    authors: list[User], make_member: Callable[..., User]
) -> None:
    note = _note(authors[0], "dismiss me")
    _note(authors[1], "keep me")
    reader = make_member("reader")
    client = Client()
    client.force_login(reader)
    home = client.get("/").content.decode()
    assert str(note.pk) in _NOTE_LINK.findall(home)
    assert 'action="/not-interested"' in home
    response = client.post("/not-interested", {"kind": "note", "id": str(note.pk), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert str(note.pk) not in _NOTE_LINK.findall(client.get("/").content.decode())
    client.post("/not-interested", {"kind": "note", "id": str(note.pk), "undo": "1", "next": "/"})
    assert str(note.pk) in _NOTE_LINK.findall(client.get("/").content.decode())
    # the note page offers the three kinds
    page = client.get(f"/notes/{note.pk}").content.decode()
    assert 'data-not-interested="note"' in page
    assert 'data-not-interested="author"' in page


def test_the_pool_refresh_is_a_scheduled_periodic_job(authors: list[User]) -> None:
    assert beat_schedule()["refresh-explore-pool"] == {"task": "discovery.refresh_pool", "schedule": 300.0}
    assert any(job.task == "discovery.refresh_pool" for job in PERIODIC_JOBS)
    _note(authors[0], "pooled")
    periodic_task("discovery.refresh_pool").apply(throw=True)
    assert PoolEntry.objects.count() == 1


def test_the_marks_page_lists_marks_with_undo(authors: list[User], make_member: Callable[..., User]) -> None:
    note = _note(authors[0], "dull", topics=["chess"])
    reader = make_member("reader")
    services.not_interested_add(member=reader, kind="topic", name="chess")
    services.not_interested_add(member=reader, kind="note", target_id=note.pk)
    client = Client()
    client.force_login(reader)
    page = client.get("/me/not-interested").content.decode()
    assert "#chess" in page
    assert "dull" in page
    assert page.count("data-undo") == 2
    assert "/me/not-interested" in client.get("/me/settings").content.decode()
