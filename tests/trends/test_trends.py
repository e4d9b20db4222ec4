"""Hot ranking by velocity, sliding windows, suppression, history, suggestions, the search pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.trends import selectors, services
from hongshu.trends.models import SearchHistory

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _search(member: User | None, query: str, at: datetime) -> None:
    services.search_record(viewer=member, query=query, now=at)


@pytest.fixture
def members(make_member: Callable[..., User]) -> list[User]:
    return [make_member(f"member{i}") for i in range(12)]


def test_normalise_folds_width_case_space_and_traditional() -> None:
    assert services.term_normalise("  ＨＯＴ   Pot ") == "hot pot"
    assert services.term_normalise("火鍋") == "火锅"
    assert len(services.term_normalise("a" * 300)) == 100
    assert services.term_normalise("\x00\x07\x1b") == ""


def test_control_characters_are_dropped_before_storing(members: list[User]) -> None:
    # PostgreSQL text cannot hold NUL: the recorded term and the shown history entry are cleaned first.
    assert services.search_record(viewer=members[0], query="hot\x00pot\x1b") == "hotpot"
    assert SearchHistory.objects.get(member=members[0]).query == "hotpot"


def test_burst_beats_steady_popular_term(members: list[User]) -> None:
    # "coffee": 10 searchers in each of the 23 baseline hours and 10 in the last one — steady.
    for h in range(1, 24):
        for m in members[:10]:
            _search(m, "coffee", NOW - timedelta(hours=h, minutes=30))
    for m in members[:10]:
        _search(m, "coffee", NOW - timedelta(minutes=20))
    # "红薯": nobody before, 6 searchers in the last hour — a burst.
    for m in members[:6]:
        _search(m, "红薯", NOW - timedelta(minutes=5))
    terms = [e.term for e in selectors.hot_compute(now=NOW)["queries"]]
    assert terms
    assert terms[0] == "红薯"
    assert "coffee" not in terms[:1]


def test_one_member_searching_100_times_counts_once(members: list[User]) -> None:
    for i in range(100):
        _search(members[0], "spam term", NOW - timedelta(minutes=i % 50))
    for m in members[:3]:
        _search(m, "real", NOW - timedelta(minutes=3))
    hot = selectors.hot_compute(now=NOW)["queries"]
    assert [e.term for e in hot] == ["real"]  # one searcher never reaches MIN_RECENT


def test_single_search_cannot_top_the_list(members: list[User]) -> None:
    _search(members[0], "lonely", NOW - timedelta(minutes=1))
    assert selectors.hot_compute(now=NOW)["queries"] == []
    assert selectors.velocity(1, 0) < selectors.velocity(3, 0)


def test_window_slides(members: list[User]) -> None:
    for m in members[:5]:
        _search(m, "burst", NOW - timedelta(minutes=10))
    assert [e.term for e in selectors.hot_compute(now=NOW)["queries"]] == ["burst"]
    # Two hours later the burst sits in the baseline with nothing recent: gone from the ranking.
    assert selectors.hot_compute(now=NOW + timedelta(hours=2))["queries"] == []


def test_staff_removes_term_others_get_403(
    member_api: Callable[..., tuple[User, Any]], members: list[User], problem: Callable[..., Any]
) -> None:
    for m in members[:5]:
        _search(m, "bad word", datetime.now(UTC) - timedelta(minutes=2))
    _, client = member_api("plain")
    assert [e["term"] for e in client.get("/trends/hot").json()["queries"]] == ["bad word"]
    problem(client.post("/trends/hot/query/bad word/remove"), 403, "not_moderator")
    mod, mod_client = member_api("mod")
    User.objects.filter(pk=mod.pk).update(is_staff=True)
    response = mod_client.post("/trends/hot/query/BAD  Word/remove")
    assert response.status_code == 200
    assert client.get("/trends/hot").json()["queries"] == []
    assert "bad word" not in [s["value"] for s in client.get("/trends/suggest?q=bad").json()]


def test_history_view_delete_clear_isolated(member_api: Callable[..., tuple[User, Any]]) -> None:
    ann, ann_client = member_api("ann")
    bob, bob_client = member_api("bob")
    for q in ["火锅", "coffee", "火鍋"]:  # the Traditional spelling is the same term: one entry
        services.search_record(viewer=ann, query=q)
    services.search_record(viewer=bob, query="bobs")
    mine = ann_client.get("/me/search-history").json()
    assert [e["query"] for e in mine] == ["火鍋", "coffee"]
    assert [e["query"] for e in bob_client.get("/me/search-history").json()] == ["bobs"]
    assert bob_client.delete(f"/me/search-history/{mine[0]['id']}").status_code == 404
    assert ann_client.delete(f"/me/search-history/{mine[0]['id']}").status_code == 204
    assert [e["query"] for e in ann_client.get("/me/search-history").json()] == ["coffee"]
    assert ann_client.delete("/me/search-history").status_code == 204
    assert ann_client.get("/me/search-history").json() == []
    assert bob_client.get("/me/search-history").json() != []


def test_history_keeps_last_50(make_member: Callable[..., User]) -> None:
    ann = make_member("ann")
    for i in range(60):
        services.search_record(viewer=ann, query=f"q{i}", now=NOW + timedelta(seconds=i))
    kept = selectors.history_of(member=ann)
    assert len(kept) == 50
    assert kept[0].query == "q59"
    assert SearchHistory.objects.count() == 50


def test_suggestions_combine_history_popular_and_engine(
    member_api: Callable[..., tuple[User, Any]],
    post_note: Callable[..., Any],
    members: list[User],
    after_commit: Callable[..., Any],
) -> None:
    ann, client = member_api("ann")
    services.search_record(viewer=ann, query="hotel deals")
    for m in members[:3]:
        services.search_record(viewer=m, query="hot springs")
    with after_commit():
        post_note(author=members[0], title="Hotpot night", body="#hotpot with friends")
    found = client.get("/trends/suggest?q=hot").json()
    kinds = {s["kind"] for s in found}
    values = [s["value"] for s in found]
    assert found[0] == {"kind": "history", "text": "hotel deals", "value": "hotel deals"}
    assert "hot springs" in values
    assert "query" in kinds
    assert "topic" in kinds, found
    assert len(values) == len(set(values))


def test_one_persons_search_is_never_suggested_to_others(members: list[User]) -> None:
    for _ in range(3):
        services.search_record(viewer=members[0], query="my ex's new address")
        services.search_record(viewer=None, query="my ex's new address")
    assert selectors.popular_queries(prefix="my ex") == []
    services.search_record(viewer=members[1], query="my ex's new address")
    assert selectors.popular_queries(prefix="my ex") == ["my ex's new address"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render(db: None, language: str, make_member: Callable[..., User]) -> None:
    client = Client(headers={"accept-language": language})
    home = client.get("/")
    assert home.status_code == 200
    assert b'action="/search/"' in home.content
    empty = client.get("/search/")
    assert empty.status_code == 200
    assert "热点榜" in empty.content.decode()
    for kind in ["notes", "members", "topics"]:
        page = client.get(f"/search/?q=hot&type={kind}")
        assert page.status_code == 200
        assert b'class="tabs"' in page.content
    assert client.get("/search/suggest?q=ho").status_code == 200


def test_search_page_records_history_and_buttons_delete(make_member: Callable[..., User]) -> None:
    ann = make_member("ann")
    client = Client()
    client.force_login(ann)
    assert client.get("/search/?q=火鍋").status_code == 200
    entry = SearchHistory.objects.get(member=ann)
    assert entry.term == "火锅"
    assert "火鍋" in client.get("/search/").content.decode()
    assert client.post(f"/search/history/{entry.pk}/delete").status_code == 302
    assert not SearchHistory.objects.filter(member=ann).exists()
    client.get("/search/?q=one")
    client.post("/search/history/clear")
    assert not SearchHistory.objects.exists()


def _cached_for_a_minute(members: list[User]) -> None:
    from django.core.cache import cache

    cache.delete(services.HOT_CACHE_KEY)
    now = datetime.now(UTC)
    for m in members[:3]:
        _search(m, "first", now - timedelta(minutes=1))
    assert [e.term for e in selectors.hot_ranking()["queries"]] == ["first"]
    for m in members[:5]:
        _search(m, "second", now - timedelta(minutes=1))
    # Within the minute the cached ranking is served; once it expires the new burst shows.
    assert [e.term for e in selectors.hot_ranking()["queries"]] == ["first"]
    cache.delete(services.HOT_CACHE_KEY)
    assert next(e.term for e in selectors.hot_ranking()["queries"]) == "second"
    cache.delete(services.HOT_CACHE_KEY)


def test_hot_ranking_is_cached_for_a_minute(members: list[User]) -> None:
    _cached_for_a_minute(members)


@pytest.mark.redis
def test_hot_ranking_cached_in_redis(members: list[User]) -> None:
    from django.conf import settings

    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    _cached_for_a_minute(members)
