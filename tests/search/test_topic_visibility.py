"""Issue 20, item 2: topic names of "only me", followers-only, draft and deleted notes were public.

Topic search (API and the search page's Topics tab), suggestions (API, trends API, the dropdown) and the
sound-alike hints offered every topic any live note named, drafts too after `search_rebuild`, and a topic
never went away. A topic is offered only while a note everyone may see (`Note.objects.visible_to(None)`)
carries it. Every test also shows a topic of a public note IS offered on the same surface, so an empty
answer proves something. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from openapi_core import OpenAPI

from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.notes.services import note_delete, note_update
from hongshu.search.selectors import query_hints, search_topics, suggest_terms
from hongshu.search.services import member_index, search_rebuild
from hongshu.social.services.graph import follow_create
from hongshu.trends.selectors import hot_compute
from hongshu.trends.services import HOT_CACHE_KEY

pytestmark = pytest.mark.django_db
AfterCommit = Callable[[], AbstractContextManager[Any]]
PostNote = Callable[..., Note]

PUBLIC = ("火锅", "huoguo")
# Each topic only on a note a visitor may not read, with its pinyin (what a learner types, and the key of
# the sound-alike hints; none of them is an English word, so the hints look them up).
HIDDEN = {
    "only me": ("拉面", "lamian"),
    "followers only": ("烧烤", "shaokao"),
    "draft": ("奶茶", "naicha"),
    "deleted": ("饺子", "jiaozi"),
}


@dataclass
class World:
    nina: User
    stranger: User
    follower: User
    token: str
    api_client: type[Any]  # tests/conftest.py's ApiClient (validates each answer against OpenAPI)


@pytest.fixture
def world(after_commit: AfterCommit, post_note: PostNote, member_api: Any) -> World:
    with after_commit():
        nina, _ = member_api("nina")
        stranger, token_client = member_api("sam")
        follower, _ = member_api("fay")
        follow_create(follower=follower, followee=nina)  # a follower reads the followers-only note ...
        post_note(nina, title="今晚", body="#火锅")
        post_note(nina, title="一个人", body="#拉面", visibility="private")
        post_note(nina, title="朋友们", body="#烧烤", visibility="followers")
        post_note(nina, title="草稿", body="#奶茶", draft=True)
        gone = post_note(nina, title="删了", body="#饺子")
    with after_commit():
        note_delete(note=gone, actor=nina)
    return World(
        nina=nina,
        stranger=stranger,
        follower=follower,
        token=token_client.token,
        api_client=type(token_client),
    )


# ---- the surfaces: each answers "which of these topic names does it offer for this query?" -------------


def _api(openapi: OpenAPI, world: World, viewer: str) -> Any:
    if viewer == "token":
        return world.api_client(openapi, world.token)
    client = world.api_client(openapi)
    if viewer in ("cookie", "follower"):
        client.client.force_login(world.follower if viewer == "follower" else world.stranger)
    return client


def _web(world: World, viewer: str) -> Client:
    client = Client()
    if viewer == "token":
        client = Client(headers={"authorization": f"Bearer {world.token}"})
    elif viewer in ("cookie", "follower"):
        client.force_login(world.follower if viewer == "follower" else world.stranger)
    return client


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return response


def api_topic_search(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    body = _ok(_api(openapi, world, viewer).get("/search/topics", data={"q": q})).json()
    return {item["name"] for item in body["items"]}


def api_suggest(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    found = _ok(_api(openapi, world, viewer).get("/search/suggest", data={"q": q})).json()
    return {s["value"] for s in found if s["kind"] == "topic"}


def api_trends_suggest(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    found = _ok(_api(openapi, world, viewer).get("/trends/suggest", data={"q": q})).json()
    return {s["value"] for s in found if s["kind"] == "topic"}


def _names_in(html: str) -> set[str]:
    names = [PUBLIC[0], *(name for name, _ in HIDDEN.values()), "豆腐", "煎饼"]
    return {name for name in names if f"#{name}" in html}


def web_suggest(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    return _names_in(_ok(_web(world, viewer).get("/search/suggest", {"q": q})).content.decode())


def web_topics_tab(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    page = _ok(_web(world, viewer).get("/search/", {"q": q, "type": "topics"})).content.decode()
    return _names_in(page)


def sound_alike_hints(openapi: OpenAPI, world: World, viewer: str, q: str) -> set[str]:
    # Viewer-independent (the hints are shared by every search holding the piece): a name offered here
    # is searched for every viewer, so it must come from a note everyone may see.
    return {name for names in query_hints(q).sound_alikes.values() for name in names}


Surface = Callable[[OpenAPI, World, str, str], set[str]]
API_SURFACES: list[Surface] = [api_topic_search, api_suggest, api_trends_suggest]
WEB_SURFACES: list[Surface] = [web_suggest, web_topics_tab]
SURFACES = [*API_SURFACES, *WEB_SURFACES, sound_alike_hints]


def _queries(surface: Surface, name: str, pinyin: str) -> list[str]:
    # Pages echo the query, so they are asked by pinyin only; the hints take a pinyin word (a typed Han run
    # equal to the topic is no hint); the JSON answers by the name and by its pinyin.
    return [pinyin] if surface in (*WEB_SURFACES, sound_alike_hints) else [name, pinyin]


VIEWERS = ["visitor", "cookie", "token", "follower"]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.__name__)
def test_topics_of_notes_a_visitor_cannot_read_are_not_offered(
    world: World, openapi: OpenAPI, surface: Surface, viewer: str
) -> None:
    name, pinyin = PUBLIC
    for q in _queries(surface, name, pinyin):
        assert name in surface(openapi, world, viewer, q), (q, "the public note's topic is offered")
    for why, (name, pinyin) in HIDDEN.items():
        for q in _queries(surface, name, pinyin):
            assert name not in surface(openapi, world, viewer, q), (why, q)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.__name__)
def test_topics_of_drafts_and_private_notes_stay_hidden_after_search_rebuild(
    world: World, openapi: OpenAPI, surface: Surface
) -> None:
    result = search_rebuild()
    for viewer in ("visitor", "token"):
        assert PUBLIC[0] in surface(openapi, world, viewer, PUBLIC[1])
        for why, (name, pinyin) in HIDDEN.items():
            assert name not in surface(openapi, world, viewer, pinyin), (why, viewer)
    assert result.topics == 1  # 火锅 alone is listed


def _offered(openapi: OpenAPI, world: World, name: str, pinyin: str) -> dict[str, bool]:
    return {
        surface.__name__: name in surface(openapi, world, "visitor", q)
        for surface in SURFACES
        for q in _queries(surface, name, pinyin)
    }


def test_a_topic_disappears_when_its_last_public_note_is_deleted_made_private_or_untagged(
    world: World, openapi: OpenAPI, after_commit: AfterCommit, post_note: PostNote
) -> None:
    nina = world.nina
    with after_commit():
        first = post_note(nina, title="早饭", body="#豆腐")
        second = post_note(nina, title="午饭", body="#豆腐 again")
        tagged = post_note(nina, title="路边", body="#煎饼")
    everywhere = dict.fromkeys(_offered(openapi, world, "豆腐", "doufu"), True)
    nowhere = dict.fromkeys(everywhere, False)
    assert _offered(openapi, world, "豆腐", "doufu") == everywhere
    assert _offered(openapi, world, "煎饼", "jianbing") == everywhere

    with after_commit():
        note_delete(note=first, actor=nina)
    assert _offered(openapi, world, "豆腐", "doufu") == everywhere  # another public note still carries it
    with after_commit():
        note_update(note=second, editor=nina, visibility="private")
    assert _offered(openapi, world, "豆腐", "doufu") == nowhere
    with after_commit():
        note_update(note=second, editor=nina, visibility="public")
    assert _offered(openapi, world, "豆腐", "doufu") == everywhere  # and back when public again
    with after_commit():
        note_update(note=second, editor=nina, visibility="followers")
    assert _offered(openapi, world, "豆腐", "doufu") == nowhere

    with after_commit():
        note_update(note=tagged, editor=nina, body="no topic any more")
    assert _offered(openapi, world, "煎饼", "jianbing") == nowhere


def test_a_draft_published_offers_its_topic(
    world: World, openapi: OpenAPI, after_commit: AfterCommit
) -> None:
    draft = Note.objects.get(title="草稿")
    assert "奶茶" not in api_topic_search(openapi, world, "visitor", "naicha")
    with after_commit():
        note_update(note=draft, editor=world.nina, publish=True)
    assert "奶茶" in api_topic_search(openapi, world, "visitor", "naicha")


def test_a_deactivated_authors_topics_are_withdrawn_and_come_back(world: World, openapi: OpenAPI) -> None:
    assert PUBLIC[0] in api_topic_search(openapi, world, "visitor", PUBLIC[1])
    User.objects.filter(pk=world.nina.pk).update(is_active=False)
    member_index(user_id=world.nina.pk)  # what a writer deactivating an account enqueues
    for surface in SURFACES:
        assert PUBLIC[0] not in surface(openapi, world, "visitor", PUBLIC[1]), surface.__name__
    User.objects.filter(pk=world.nina.pk).update(is_active=True)
    member_index(user_id=world.nina.pk)
    assert PUBLIC[0] in api_topic_search(openapi, world, "visitor", PUBLIC[1])
    assert PUBLIC[0] in sound_alike_hints(openapi, world, "visitor", PUBLIC[1])


def test_a_deleted_accounts_topics_are_withdrawn(
    world: World, openapi: OpenAPI, after_commit: AfterCommit
) -> None:
    # Deleting the account cascades over the notes without the note services: the deletion itself must
    # take their topics back.
    from hongshu.members.services import account_delete

    assert _offered(openapi, world, *PUBLIC) == dict.fromkeys(_offered(openapi, world, *PUBLIC), True)
    with after_commit():
        account_delete(user=world.nina, password="correct horse battery")
    assert not any(_offered(openapi, world, *PUBLIC).values())


def test_topic_search_stays_three_queries_whatever_the_topics(
    world: World, after_commit: AfterCommit, post_note: PostNote, count_queries: Any
) -> None:
    def run() -> tuple[int, int, int]:
        with count_queries() as topics:
            found = len(search_topics(query="cook").items)
        with count_queries() as suggestions:
            suggest_terms(viewer=None, prefix="cook")
        return found, len(topics.captured_queries), len(suggestions.captured_queries)

    with after_commit():
        post_note(world.nina, title="#cooking", body="#cookie")
        post_note(world.nina, title="secret", body="#cookbook", visibility="private")
    small = run()
    with after_commit():
        for i in range(8):
            post_note(world.nina, title=f"#cooking{i}")
            post_note(world.nina, title="hidden", body=f"#cookery{i}", visibility="private")
    large = run()
    assert (small[0], large[0]) == (2, 10)  # the private notes' topics are never among them
    assert small[1:] == large[1:]
    assert large[1] == 3  # the key rows, the listed topics with their counts, the page


def test_hot_topics_come_only_from_notes_everyone_may_see(
    world: World, openapi: OpenAPI, after_commit: AfterCommit, post_note: PostNote, member_api: Any
) -> None:
    with after_commit():
        for handle in ("amy", "ben", "cai"):  # several authors within the hour: enough to trend
            author, _ = member_api(handle)
            post_note(author, title="公开", body="#螺蛳粉")
            post_note(author, title="私下", body="#臭豆腐", visibility="private")
            post_note(author, title="好友", body="#凉皮", visibility="followers")
            post_note(author, title="草稿", body="#肉夹馍", draft=True)
    hot = {entry.term for entry in hot_compute()["topics"]}
    assert "螺蛳粉" in hot
    assert not hot & {"臭豆腐", "凉皮", "肉夹馍"}
    cache.delete(HOT_CACHE_KEY)  # the ranking is kept a minute; this one must be computed now
    answer = _ok(_api(openapi, world, "visitor").get("/trends/hot")).json()
    assert {e["term"] for e in answer["topics"]} == hot
