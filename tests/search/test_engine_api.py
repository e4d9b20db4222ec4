"""The search API: pages validated against the OpenAPI schema, invalid sort/media as problem details."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from hongshu.accounts.services import account_create
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db
AfterCommit = Callable[[], AbstractContextManager[Any]]


def test_search_endpoints(api: Any, after_commit: AfterCommit, post_note: Callable[..., Note]) -> None:
    with after_commit():
        cook = account_create(handle="chef", password="a long test password 1", display_name="火锅大王")
        note = post_note(cook, title="重庆 #火锅")
    notes = api.get("/search/notes", data={"q": "hotpot", "sort": "likes"}).json()
    assert [n["id"] for n in notes["items"]] == [str(note.pk)]
    assert notes["items"][0]["author"]["handle"] == "chef"
    assert notes["next_offset"] is None
    members = api.get("/search/members", data={"q": "hg"}).json()
    assert [m["handle"] for m in members["items"]] == ["chef"]
    topics = api.get("/search/topics", data={"q": "huoguo"}).json()
    assert [t["name"] for t in topics["items"]] == ["火锅"]
    suggestions = api.get("/search/suggest", data={"q": "huo"}).json()
    assert {"kind": "topic", "text": "#火锅", "value": "火锅"} in suggestions


def test_hostile_queries_return_pages(api: Any) -> None:
    for q in ['"', "NEAR(", "*", "a" * 5000, "\x01", "🔥"]:
        assert api.get("/search/notes", data={"q": q}).json()["items"] == []


@pytest.mark.parametrize(("field", "code"), [("sort", "invalid_sort"), ("media", "invalid_media")])
def test_invalid_sort_or_media_is_a_field_error(
    api: Any, problem: Callable[..., dict[str, Any]], field: str, code: str
) -> None:
    response = api.get("/search/notes", data={"q": "x", field: "bogus"})
    body = problem(response, 422, code)
    assert body["errors"][0]["field"] == field


def test_api_searches_feed_history_and_hot_ranking(
    member_api: Callable[..., tuple[Any, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    from hongshu.trends.models import QueryEvent

    _ann, client = member_api("ann")
    client.get("/search/notes", data={"q": "火鍋"})
    client.get("/search/notes", data={"q": "火鍋", "offset": 20})  # the next page is the same search
    client.get("/search/members", data={"q": "coffee"})
    problem(client.get("/search/notes", data={"q": "rejected", "sort": "bogus"}), 422, "invalid_sort")
    assert [e["query"] for e in client.get("/me/search-history").json()] == ["coffee", "火鍋"]
    assert sorted(QueryEvent.objects.values_list("term", flat=True)) == ["coffee", "火锅"]


def test_a_search_result_is_the_note_as_its_own_endpoint_serves_it_even_from_the_cache(
    api: Any, after_commit: AfterCommit, post_note: Callable[..., Note]
) -> None:
    from django.core.cache import cache

    from hongshu.accounts.services import account_update_profile
    from hongshu.interactions.services.interactions import like_create
    from hongshu.notes.services import note_update

    cache.clear()
    with after_commit():
        cook = account_create(handle="chef", password="a long test password 1", display_name="Chef")
        fan = account_create(handle="fan", password="a long test password 1")
        note = post_note(cook, title="wonton soup", body="#soup with @fan")

    def searched() -> dict[str, Any]:
        items = api.get("/search/notes", data={"q": "wonton"}).json()["items"]
        assert len(items) == 1
        return dict(items[0])

    first, again = searched(), searched()  # the second comes from the cache of rendered notes
    assert first == again == api.get(f"/notes/{note.pk}").json()
    assert first["mentions"] == ["fan"]
    assert first["topics"] == ["soup"]
    like_create(user=fan, note_id=note.pk)  # counts are never cached
    assert searched()["counts"]["likes"] == 1
    with after_commit():
        note_update(note=note, editor=cook, title="wonton night")
    account_update_profile(user=cook, display_name="Chef Li")
    latest = searched()
    assert (latest["title"], latest["author"]["display_name"]) == ("wonton night", "Chef Li")
    assert latest == api.get(f"/notes/{note.pk}").json()
