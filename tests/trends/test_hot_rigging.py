"""The hot ranking cannot be rigged cheaply: a term counts once per counting key (the member, else the
visitor's /24 or /48) per window, and visitors and new accounts weigh less than established members
(docs/search.md#hot-ranking). Searches go through the real endpoints: /api/v1/search/notes (token and
session cookie) and the web search page; with Redis they pass through the buffer and its flush."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hongshu.accounts.models import User
from hongshu.accounts.trust import BASIC, MEMBER, NEW, TRUSTED
from hongshu.trends import selectors, services
from hongshu.trends.models import QueryEvent

pytestmark = pytest.mark.django_db

# Mid-window (the default window is a clock hour), so no test straddles two windows by accident.
NOW = datetime(2026, 12, 1, 12, 20, tzinfo=UTC)
ESTABLISHED = NOW - timedelta(days=30)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The recording clock of `trends.services` (only), fixed at NOW; tests move it by setting [0]."""
    current = [NOW]
    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: current[0]))
    return current


def _hot(at: datetime = NOW + timedelta(minutes=1)) -> dict[str, selectors.HotEntry]:
    services.search_buffer_flush()  # the periodic job's minute (with Redis; nothing to do without)
    return {e.term: e for e in selectors.hot_compute(now=at)["queries"]}


def _velocity(weighted: float) -> float:
    return round(selectors.velocity(weighted, 0), 4)


def _established(make_member: Callable[..., User], handle: str) -> User:
    member = make_member(handle)
    User.objects.filter(pk=member.pk).update(date_joined=ESTABLISHED, trust_level=MEMBER)
    member.refresh_from_db()
    return member


def _search_api(api: Any, q: str, ip: str = "127.0.0.1") -> None:
    assert api.get("/search/notes", data={"q": q}, REMOTE_ADDR=ip).status_code == 200


def test_50_anonymous_searches_from_one_network_count_once(api: Any) -> None:
    for i in range(50):  # 50 addresses of one /24, through the API
        _search_api(api, "rigged", ip=f"203.0.113.{i + 1}")
    web = Client()
    for i in range(50):  # and 50 more through the web search page, same network
        assert web.get("/search/", {"q": "Rigged"}, REMOTE_ADDR=f"203.0.113.{100 + i}").status_code == 200
    _search_api(api, "rigged", ip="198.51.100.7")  # one other network
    hot = _hot()
    assert QueryEvent.objects.filter(term="rigged").count() == 2
    assert (hot["rigged"].recent, hot["rigged"].weight) == (2, 0.4)
    assert hot["rigged"].score == _velocity(0.4) == 0.2309


def test_ipv6_visitors_count_once_per_48(api: Any) -> None:
    for suffix in ["1", "2", "ffff", "1:2:3:4"]:
        _search_api(api, "v6", ip=f"2001:db8:1:{suffix}::1" if ":" not in suffix else f"2001:db8:1::{suffix}")
    _search_api(api, "v6", ip="2001:db8:2::1")  # another /48
    hot = _hot()
    assert sorted(QueryEvent.objects.filter(term="v6").values_list("network", flat=True)) == [
        "2001:db8:1::/48",
        "2001:db8:2::/48",
    ]
    assert (hot["v6"].recent, hot["v6"].weight) == (2, 0.4)


def test_50_searches_from_one_account_count_once_by_token_and_cookie(
    member_api: Callable[..., tuple[User, Any]], cookie_api: Callable[[Client], Any]
) -> None:
    ann, ann_token = member_api("ann")
    User.objects.filter(pk=ann.pk).update(date_joined=ESTABLISHED, trust_level=MEMBER)
    browser = Client()
    browser.force_login(ann)
    ann_cookie = cookie_api(browser)
    for i in range(50):  # from 50 different networks: the member is the key, not the address
        _search_api(ann_token, "spam", ip=f"10.{i}.0.1")
    for i in range(20):
        _search_api(ann_cookie, "spam", ip=f"10.{i}.9.1")
        assert browser.get("/search/", {"q": "SPAM"}, REMOTE_ADDR=f"10.{i}.8.1").status_code == 200
    bob, bob_token = member_api("bob")
    User.objects.filter(pk=bob.pk).update(date_joined=ESTABLISHED, trust_level=MEMBER)
    _search_api(bob_token, "spam")
    hot = _hot()
    assert list(
        QueryEvent.objects.filter(term="spam").order_by("member__handle").values_list("member", "weight")
    ) == [
        (ann.pk, 1.0),
        (bob.pk, 1.0),
    ]
    assert (hot["spam"].recent, hot["spam"].weight, hot["spam"].score) == (2, 2.0, _velocity(2.0))


def test_five_members_outrank_twenty_visitors_from_twenty_networks(
    api: Any, member_api: Callable[..., tuple[User, Any]]
) -> None:
    # 5 established members × 1 = 5.0 against 20 visitor networks × 0.2 = 4.0.
    for i in range(5):
        member, token = member_api(f"member{i}")
        User.objects.filter(pk=member.pk).update(date_joined=ESTABLISHED, trust_level=MEMBER)
        _search_api(token, "members pick")
    for i in range(20):
        for _ in range(3):  # repeating changes nothing
            _search_api(api, "bot pick", ip=f"198.51.{i}.9")
    ranking = list(_hot().values())
    assert [(e.term, e.recent, e.weight, e.score) for e in ranking] == [
        ("members pick", 5, 5.0, _velocity(5.0)),
        ("bot pick", 20, 4.0, _velocity(4.0)),
    ]
    assert (_velocity(5.0), _velocity(4.0)) == (2.8868, 2.3094)  # 5/√3 and 4/√3: no baseline, prior 3


def test_the_weights_are_settings(
    api: Any, member_api: Callable[..., tuple[User, Any]], settings: Any
) -> None:
    # Visitors weighing as much as members: 20 networks now beat 5 members.
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"hot_visitor_weight": 1.0})
    for i in range(5):
        member, token = member_api(f"member{i}")
        User.objects.filter(pk=member.pk).update(date_joined=ESTABLISHED, trust_level=MEMBER)
        _search_api(token, "members pick")
    for i in range(20):
        _search_api(api, "crowd pick", ip=f"198.51.{i}.9")
    assert [(e.term, e.weight) for e in _hot().values()] == [("crowd pick", 20.0), ("members pick", 5.0)]


def test_new_accounts_weigh_less_than_established_members(
    member_api: Callable[..., tuple[User, Any]], make_member: Callable[..., User]
) -> None:
    # Three accounts of the lowest trust level × 0.5 = 1.5 against two of the next level × 1 = 2.0.
    for i in range(3):
        member, token = member_api(f"fresh{i}")
        assert member.trust_level == NEW  # where every account starts
        _search_api(token, "fresh pick")
    for i in range(2):
        member, token = member_api(f"old{i}")
        User.objects.filter(pk=member.pk).update(trust_level=BASIC)  # one level up is enough
        _search_api(token, "old pick")
    ranking = list(_hot().values())
    assert [(e.term, e.recent, e.weight, e.score) for e in ranking] == [
        ("old pick", 2, 2.0, _velocity(2.0)),
        ("fresh pick", 3, 1.5, _velocity(1.5)),
    ]


def test_search_weight_defaults() -> None:
    assert services.search_weight(None) == 0.2
    assert services.search_weight(User(trust_level=NEW)) == 0.5
    for level in (BASIC, MEMBER, TRUSTED):
        assert services.search_weight(User(trust_level=level)) == 1.0


def test_a_key_counts_again_in_the_next_window(
    api: Any, member_api: Callable[..., tuple[User, Any]], clock: list[datetime]
) -> None:
    ann, token = member_api("ann")
    User.objects.filter(pk=ann.pk).update(date_joined=NOW - timedelta(days=1))
    for at in [NOW, NOW + timedelta(minutes=39), NOW + timedelta(minutes=41), NOW + timedelta(minutes=59)]:
        clock[0] = at  # 12:20 and 12:59 fall in the 12:00 window, 13:01 and 13:19 in the 13:00 one
        _search_api(token, "again")
        _search_api(api, "again", ip="203.0.113.5")
    services.search_buffer_flush()
    rows = sorted(QueryEvent.objects.filter(term="again").values_list("minute", "network"))
    later = NOW + timedelta(minutes=41)
    assert rows == [(NOW, ""), (NOW, "203.0.113.0/24"), (later, ""), (later, "203.0.113.0/24")]
    # The last hour (12:19 to 13:19) holds both windows' rows, and still counts each key once.
    hot = _hot(at=NOW + timedelta(minutes=59, seconds=30))
    assert (hot["again"].recent, hot["again"].weight) == (2, 0.7)  # ann new (0.5) + one network (0.2)


def test_the_window_length_is_a_setting(api: Any, settings: Any, clock: list[datetime]) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"hot_count_window_seconds": 600})
    for minutes in range(0, 30, 3):  # 12:20 … 12:47: the 10-minute windows 12:20, 12:30 and 12:40
        clock[0] = NOW + timedelta(minutes=minutes)
        _search_api(api, "short", ip="203.0.113.5")
    services.search_buffer_flush()
    assert QueryEvent.objects.filter(term="short").count() == 3


def test_repeats_write_no_rows_without_redis(api: Any, settings: Any) -> None:
    # The embedded path, also in the PostgreSQL + Redis suite: the buffer is chosen by the setting per call.
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"redis_url": ""})
    _search_api(api, "once", ip="203.0.113.5")
    with CaptureQueriesContext(connection) as queries:
        services.search_record(viewer=None, query="once", ip="203.0.113.9")
    assert len(queries) == 1  # the window check; no INSERT
    assert math.isclose(QueryEvent.objects.get(term="once").weight, 0.2)
