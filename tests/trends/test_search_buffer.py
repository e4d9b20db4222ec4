"""Anonymous searches in the hot ranking: counted in Redis (one HINCRBY, no database write) where there is
Redis, one row each on the embedded default, and the same ranking either way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.trends import selectors, services
from hongshu.trends.models import QueryEvent

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_anonymous_searches_count_in_the_hot_ranking_once_per_network() -> None:
    for second in range(3):  # one visitor, three times: one count
        services.search_record(
            viewer=None, query="Citywalk", ip="203.0.113.7", now=NOW + timedelta(seconds=second)
        )
    services.search_record(viewer=None, query="citywalk", ip="203.0.113.200", now=NOW)  # the same /24
    services.search_record(viewer=None, query="Citywalk", ip="198.51.100.1", now=NOW)
    services.search_record(viewer=None, query="Citywalk", ip="2001:db8:1::1", now=NOW)
    services.search_record(viewer=None, query="lonely", ip="198.51.100.1", now=NOW)
    services.search_buffer_flush()  # the periodic job's minute (with Redis; nothing to do without)
    hot = {e.term: e for e in selectors.hot_compute(now=NOW + timedelta(minutes=1))["queries"]}
    assert hot["citywalk"].recent == 3
    assert hot["citywalk"].weight == 0.6  # three visitor networks at the default 0.2
    assert "lonely" not in hot  # one search alone never trends
    assert sorted(QueryEvent.objects.filter(term="citywalk").values_list("network", flat=True)) == [
        "198.51.100.0/24",
        "2001:db8:1::/48",
        "203.0.113.0/24",
    ]
    assert QueryEvent.objects.aggregate(n=Sum("searches"))["n"] == 4


@pytest.mark.redis
def test_an_anonymous_search_writes_nothing_to_the_database_until_the_flush() -> None:
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            services.search_record(viewer=None, query="螺蛳粉", ip="203.0.113.1", now=NOW)
        services.search_record(viewer=None, query="螺蛳粉", ip="198.51.100.1", now=NOW + timedelta(minutes=1))
    assert len(queries) == 0
    assert not QueryEvent.objects.exists()
    assert services.search_buffer_flush() == 2  # one row per term, network and minute
    rows = sorted(QueryEvent.objects.values_list("minute", "network", "searches", "member", "weight"))
    assert rows == [
        (NOW, "203.0.113.0/24", 1, None, 0.2),  # the repeats were never counted
        (NOW + timedelta(minutes=1), "198.51.100.0/24", 1, None, 0.2),
    ]
    assert services.search_buffer_flush() == 0  # the buffer was emptied: nothing is written twice


@pytest.mark.redis
def test_searches_after_a_flush_go_to_the_next_one() -> None:
    services.search_record(viewer=None, query="hotpot", ip="203.0.113.1", now=NOW)
    services.search_buffer_flush()
    services.search_record(viewer=None, query="hotpot", ip="203.0.113.1", now=NOW)  # counted in this window
    services.search_record(viewer=None, query="hotpot", ip="198.51.100.1", now=NOW)
    assert services.search_buffer_flush() == 1
    assert QueryEvent.objects.aggregate(n=Sum("searches"))["n"] == 2


@pytest.mark.redis
def test_a_buffer_field_from_before_the_network_dedupe_is_still_flushed() -> None:
    from django_redis import get_redis_connection

    stamp = int(NOW.timestamp())
    get_redis_connection("default").hset(services.SEARCH_BUFFER_KEY, f"{stamp}\x1fhotpot", 4)
    assert services.search_buffer_flush() == 1
    assert list(QueryEvent.objects.values_list("term", "network", "searches")) == [("hotpot", "", 4)]


def test_a_repeated_anonymous_search_costs_one_query_with_redis(
    api: Any,
    make_member: Callable[..., User],
    post_note: Callable[..., Note],
    after_commit: Any,
    settings: Any,
) -> None:
    """With the ranking and the notes cached, an anonymous search reads PostgreSQL once: the policy query,
    which also brings the counts. Without Redis it also inserts its log row."""
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"search_cache_seconds": 60})
    cache.clear()  # no ranking cached by another test's (rolled back) notes
    author = make_member("chef")
    with after_commit():
        for i in range(3):
            post_note(author, title=f"火锅 {i}")
    first = api.get("/search/notes", data={"q": "火锅"}).json()
    assert len(first["items"]) == 3
    with CaptureQueriesContext(connection) as queries:
        again = api.get("/search/notes", data={"q": "火锅"}).json()
    assert again == first
    assert len(queries) == (1 if settings.HONGSHU.redis_url else 2), [q["sql"][:80] for q in queries]


@pytest.mark.redis
def test_computing_the_hot_ranking_writes_nothing() -> None:
    """The ranking is a read (a selector): folding the Redis counts into the log is the flush job's."""
    services.search_record(viewer=None, query="citywalk", now=NOW)
    with CaptureQueriesContext(connection) as queries:
        selectors.hot_compute(now=NOW + timedelta(minutes=1))
    assert not [q for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not QueryEvent.objects.exists()
    assert services.search_buffer_flush() == 1
