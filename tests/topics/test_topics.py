"""Topic pages, topic follows and Nearby: order, pagination, the policy, links, the API and the web pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.ids import id_at
from hongshu.feeds.following import feed_following
from hongshu.interactions.services.interactions import collect_create, like_create
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, Place, note_create
from hongshu.social.services.graph import block_create, follow_create, mute_create
from hongshu.topics import selectors, services
from hongshu.topics.models import TopicFollow

pytestmark = pytest.mark.django_db
ApiClient = Any  # tests/conftest.py's client that checks each response against the OpenAPI document
MakeNote = Callable[..., Note]


def _asset(owner: User) -> MediaAsset:
    return MediaAsset.objects.create(
        owner=owner,
        state=MediaAsset.State.READY,
        content_type="image/jpeg",
        width=1080,
        height=1440,
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        variants={"360": "media/x/360.webp"},
    )


@pytest.fixture
def make_note() -> MakeNote:
    def make(
        author: User,
        title: str = "note",
        *,
        body: str = "",
        topics: Sequence[str] = (),
        place: str = "",
        visibility: str = "public",
        hours_ago: float = 0,
    ) -> Note:
        note = note_create(
            author=author,
            title=title,
            body=body,
            images=[ImageSpec(media_id=_asset(author).pk)],
            topics=topics,
            place=Place(name=place) if place else None,
            visibility=visibility,
            language="en",
        )
        if hours_ago:
            note.published_at = timezone.now() - timedelta(hours=hours_ago)
            note.save(update_fields=["published_at"])
        return note

    return make


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


# ------------------------------------------------------------------------------------------ topic feeds
def test_latest_is_newest_first_with_an_id_cursor(
    api: ApiClient, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    nina = make_member("nina")
    for title in ("one", "two", "three"):
        make_note(nina, title, topics=["旅行"])
    make_note(nina, "elsewhere", topics=["food"])
    first = api.get("/topics/旅行/notes?sort=latest&limit=2").json()
    assert _titles(first) == ["three", "two"]
    second = api.get(f"/topics/旅行/notes?sort=latest&limit=2&cursor={first['next_cursor']}").json()
    assert _titles(second) == ["one"]
    assert second["next_cursor"] is None


def test_hot_ranks_engagement_with_time_decay_and_pages_without_repeats(
    api: ApiClient, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    nina, *fans = [make_member(h) for h in ("nina", "ann", "bob", "cai", "dan")]
    old_famous = make_note(nina, "old famous", topics=["tea"], hours_ago=24 * 10)
    fresh_liked = make_note(nina, "fresh liked", topics=["tea"], hours_ago=2)
    make_note(nina, "fresh quiet", topics=["tea"], hours_ago=1)
    for fan in fans:
        like_create(user=fan, note_id=old_famous.pk)  # four likes, ten half-lives ago: worth far less now
    like_create(user=fans[0], note_id=fresh_liked.pk)
    collect_create(user=fans[1], note_id=fresh_liked.pk)
    whole = _titles(api.get("/topics/tea/notes?sort=hot&limit=10").json())
    assert whole == ["fresh liked", "fresh quiet", "old famous"]
    walked, cursor = [], ""
    while True:
        page = api.get(f"/topics/tea/notes?sort=hot&limit=1{'&cursor=' + cursor if cursor else ''}").json()
        walked += _titles(page)
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert walked == whole


def test_hot_key_trades_a_doubling_of_engagement_for_one_half_life(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"topic_hot_half_life_hours": 24.0})
    now_ms = int(timezone.now().timestamp() * 1000)
    day_ms = 24 * 3_600_000
    newer = selectors.hot_key(engagement=1, published_ms=now_ms)
    doubled_older = selectors.hot_key(engagement=3, published_ms=now_ms - day_ms)
    assert abs(newer - doubled_older) <= 1
    assert selectors.hot_key(engagement=4, published_ms=now_ms - day_ms) > newer


def test_a_bad_hot_cursor_is_a_422(
    api: ApiClient, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "x", topics=["tea"])
    for cursor in ("abc", "1.2.3", "-1.5"):
        response = api.get(f"/topics/tea/notes?sort=hot&cursor={cursor}")
        assert response.status_code == 422, cursor
        assert response.json()["code"] == "invalid_cursor"


def test_an_unknown_topic_is_a_404(api: ApiClient, client: Client) -> None:
    assert api.get("/topics/nothing-here/notes").json()["code"] == "topic_not_found"
    assert client.get("/topics/nothing").status_code == 404


def test_topic_names_match_case_and_width_insensitively(
    api: ApiClient, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "walk", topics=["CityWalk"])
    assert _titles(api.get("/topics/citywalk/notes").json()) == ["walk"]
    assert _titles(api.get(f"/topics/{quote('ＣＩＴＹＷＡＬＫ')}/notes").json()) == ["walk"]
    assert api.get("/topics/citywalk").json() == {"name": "CityWalk", "following": False}


# ------------------------------------------------------------------------------------------- the policy
def test_hidden_notes_never_show_on_a_topic(
    api: ApiClient,
    member_api: Callable[..., tuple[User, ApiClient]],
    make_member: Callable[..., User],
    make_note: MakeNote,
) -> None:
    reader, reader_api = member_api("reader")
    nina, blocker, muted, friend = (make_member(h) for h in ("nina", "blocker", "muted", "friend"))
    make_note(nina, "public", topics=["tea"])
    make_note(nina, "only me", topics=["tea"], visibility="private")
    make_note(nina, "followers", topics=["tea"], visibility="followers")
    make_note(blocker, "blocked", topics=["tea"])
    make_note(muted, "muted", topics=["tea"])
    make_note(friend, "friends only", topics=["tea"], visibility="followers")
    block_create(blocker=blocker, blocked=reader)
    mute_create(muter=reader, muted=muted)
    follow_create(follower=reader, followee=friend)  # a public account: accepted at once
    for sort in ("hot", "latest"):
        seen = set(_titles(reader_api.get(f"/topics/tea/notes?sort={sort}").json()))
        assert seen == {"public", "friends only"}, sort
        visitor = set(_titles(api.get(f"/topics/tea/notes?sort={sort}").json()))
        assert visitor == {"public", "blocked", "muted"}, sort
    page = _signed_in(reader).get("/topics/tea?sort=latest").content.decode()
    assert "public" in page
    assert "friends only" in page
    assert not {"only me", "blocked", "muted"} & set(re.findall(r'card__title"[^>]*>([^<]+)<', page))


# -------------------------------------------------------------------------------------------- follows
def test_follow_and_unfollow_a_topic_by_token(
    member_api: Callable[..., tuple[User, ApiClient]], make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "x", topics=["旅行"])
    ann, ann_api = member_api("ann")
    response = ann_api.post("/topics/旅行/follow")
    assert response.status_code == 201
    assert response.json() == {"name": "旅行", "following": True}
    assert ann_api.post("/topics/旅行/follow").status_code == 201  # a double tap is no error
    assert TopicFollow.objects.filter(member=ann).count() == 1
    assert ann_api.get("/topics/旅行").json()["following"] is True
    assert ann_api.delete("/topics/旅行/follow").status_code == 204
    assert not TopicFollow.objects.filter(member=ann).exists()


def test_follow_a_topic_with_the_session_cookie(
    cookie_api: Callable[[Client], ApiClient], make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "x", topics=["tea"])
    bob = make_member("bob")
    api = cookie_api(_signed_in(bob))
    assert api.post("/topics/tea/follow").status_code == 201
    assert TopicFollow.objects.filter(member=bob).exists()
    assert api.delete("/topics/tea/follow").status_code == 204
    assert not TopicFollow.objects.filter(member=bob).exists()


def test_visitors_read_topics_but_cannot_follow_them(
    api: ApiClient, client: Client, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "readable", topics=["tea"])
    assert _titles(api.get("/topics/tea/notes").json()) == ["readable"]
    assert api.post("/topics/tea/follow").status_code == 401
    page = client.get("/topics/tea")
    assert page.status_code == 200
    assert "readable" in page.content.decode()
    assert f'href="/signin/?next={quote("/topics/tea")}"' in page.content.decode()
    refused = client.post("/topics/tea/follow")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/signin/")
    assert not TopicFollow.objects.exists()


def test_follow_a_topic_on_the_web_page(make_member: Callable[..., User], make_note: MakeNote) -> None:
    make_note(make_member("nina"), "x", topics=["旅行"])
    ann = make_member("ann")
    client = _signed_in(ann)
    path = f"/topics/{quote('旅行')}"
    assert "Follow topic" in client.get(path).content.decode()
    followed = client.post(f"{path}/follow", {"action": "follow"})
    assert followed.status_code == 302
    assert followed["Location"] == path
    assert TopicFollow.objects.filter(member=ann).exists()
    assert "Following topic" in client.get(path).content.decode()
    fragment = client.post(f"{path}/follow", {"action": "unfollow"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'id="topic-follow"' in fragment.content.decode()
    assert "Follow topic" in fragment.content.decode()
    assert not TopicFollow.objects.filter(member=ann).exists()


def test_followed_topics_join_the_following_feed(
    make_member: Callable[..., User], make_note: MakeNote
) -> None:
    ann, nina, blocker, friend = (make_member(h) for h in ("ann", "nina", "blocker", "friend"))
    topic_note = make_note(nina, "tea time", topics=["tea"])
    make_note(nina, "off topic")
    make_note(blocker, "blocked tea", topics=["tea"])
    make_note(nina, "private tea", topics=["tea"], visibility="private")
    friend_note = make_note(friend, "from a friend")
    block_create(blocker=blocker, blocked=ann)
    follow_create(follower=ann, followee=friend)
    services.topic_follow(member=ann, topic=selectors.access_topic(name="tea"))
    newer = make_note(nina, "more tea", topics=["tea"])
    feed = feed_following(viewer=ann, cursor=None)
    assert [n.title for n in feed.items] == ["more tea", "from a friend", "tea time"]
    assert selectors.followed_topic_note_ids(member=ann, before_id=None, limit=5) == [newer.pk, topic_note.pk]
    assert selectors.followed_topic_note_ids(member=ann, before_id=newer.pk, limit=1) == [topic_note.pk]
    paged = feed_following(viewer=ann, cursor=None, limit=1)
    assert [n.pk for n in paged.items] == [newer.pk]
    rest = feed_following(viewer=ann, cursor=paged.next_cursor, limit=2)
    assert [n.pk for n in rest.items] == [friend_note.pk, topic_note.pk]
    page = _signed_in(ann).get("/following/").content.decode()
    assert "more tea" in page
    assert "blocked tea" not in page
    assert "private tea" not in page


def test_a_member_with_only_topic_follows_gets_a_following_feed(
    make_member: Callable[..., User], make_note: MakeNote
) -> None:
    ann, nina = make_member("ann"), make_member("nina")
    make_note(nina, "tea", topics=["tea"])
    assert feed_following(viewer=ann, cursor=None).items == []
    services.topic_follow(member=ann, topic=selectors.access_topic(name="tea"))
    assert [n.title for n in feed_following(viewer=ann, cursor=None).items] == ["tea"]


# ---------------------------------------------------------------------------------------------- links
def test_chips_and_inline_topics_link_to_topic_pages_that_list_the_note(
    make_member: Callable[..., User], make_note: MakeNote, client: Client
) -> None:
    note = make_note(make_member("nina"), "walk", body="Morning #龙井 by the lake", topics=["CityWalk"])
    html = client.get(f"/notes/{note.pk}").content.decode()
    hrefs = re.findall(r'<a class="(?:chip chip--link|topic)" href="([^"]+)"', html)
    assert sorted(hrefs) == sorted(["/topics/CityWalk", f"/topics/{quote('龙井')}"])
    for href in hrefs:
        page = client.get(href)
        assert page.status_code == 200
        assert f'href="/notes/{note.pk}"' in page.content.decode()


# --------------------------------------------------------------------------------------------- nearby
def test_nearby_matches_the_region_case_insensitively(
    api: ApiClient,
    member_api: Callable[..., tuple[User, ApiClient]],
    make_member: Callable[..., User],
    make_note: MakeNote,
) -> None:
    nina = make_member("nina")
    make_note(nina, "garden", place="Yu Garden, Shanghai")
    make_note(nina, "bund", place="上海·外滩")
    make_note(nina, "pandas", place="Chengdu")
    make_note(nina, "nowhere")
    _ann, ann_api = member_api("ann", region="shanghai")
    assert _titles(ann_api.get("/feeds/nearby").json()) == ["garden"]  # the profile's region
    assert _titles(ann_api.get("/feeds/nearby?region=上海").json()) == ["bund"]
    assert _titles(ann_api.get("/feeds/nearby?region=CHENGDU&sort=hot").json()) == ["pandas"]
    visitor = api
    assert visitor.get("/feeds/nearby").json()["code"] == "region_required"
    assert _titles(visitor.get("/feeds/nearby?region=Shanghai").json()) == ["garden"]


def test_nearby_hides_what_the_policy_hides_and_old_notes(
    member_api: Callable[..., tuple[User, ApiClient]], make_member: Callable[..., User], make_note: MakeNote
) -> None:
    reader, reader_api = member_api("reader", region="Dali")
    nina, blocker = make_member("nina"), make_member("blocker")
    make_note(nina, "lake", place="Dali")
    make_note(nina, "secret", place="Dali", visibility="private")
    make_note(nina, "fans", place="Dali", visibility="followers")
    make_note(blocker, "blocked", place="Dali")
    block_create(blocker=blocker, blocked=reader)
    long_ago = timezone.now() - timedelta(days=settings.HONGSHU.nearby_window_days + 1)
    Note.objects.create(  # written before the window: the ID says when
        id=id_at(int(long_ago.timestamp() * 1000), 1),
        author=nina,
        title="ancient",
        place_name="Dali",
        published_at=long_ago,
    )
    for sort in ("hot", "latest"):
        assert _titles(reader_api.get(f"/feeds/nearby?sort={sort}").json()) == ["lake"], sort
    page = _signed_in(reader).get("/nearby/").content.decode()
    titles = set(re.findall(r'card__title"[^>]*>([^<]+)<', page))
    assert titles == {"lake"}


def test_nearby_page_prompts_visitors_and_takes_a_region(
    client: Client, make_member: Callable[..., User], make_note: MakeNote
) -> None:
    make_note(make_member("nina"), "hotpot", place="成都")
    prompt = client.get("/nearby/").content.decode()
    assert "data-nearby-prompt" in prompt
    assert 'name="region"' in prompt
    page = client.get(f"/nearby/?region={quote('成都')}").content.decode()
    assert "hotpot" in page
    assert "data-nearby-prompt" not in page


def test_pages_in_chinese(client: Client, make_member: Callable[..., User], make_note: MakeNote) -> None:
    make_note(make_member("nina"), "x", topics=["旅行"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    topic_page = client.get(f"/topics/{quote('旅行')}").content.decode()
    assert "关注话题" in topic_page
    assert "最热" in topic_page
    assert "最新" in topic_page
    assert "选择城市或地区" in client.get("/nearby/").content.decode()


def test_followed_topic_ids_merge_several_topics_once_each(
    make_member: Callable[..., User], make_note: MakeNote
) -> None:
    ann, nina = make_member("ann"), make_member("nina")
    both = make_note(nina, "both", topics=["tea", "旅行"])
    tea = make_note(nina, "tea", topics=["tea"])
    trip = make_note(nina, "trip", topics=["旅行"])
    make_note(nina, "other", topics=["food"])
    for name in ("tea", "旅行"):
        services.topic_follow(member=ann, topic=selectors.access_topic(name=name))
    assert selectors.followed_topic_note_ids(member=ann, before_id=None, limit=10) == [
        trip.pk,
        tea.pk,
        both.pk,
    ]
    assert selectors.followed_topic_note_ids(member=ann, before_id=trip.pk, limit=1) == [tea.pk]
    services.topic_unfollow(member=ann, topic=selectors.access_topic(name="tea"))
    assert selectors.followed_topic_note_ids(member=ann, before_id=None, limit=10) == [trip.pk, both.pk]


def test_follows_are_capped(
    member_api: Callable[..., tuple[User, ApiClient]],
    make_member: Callable[..., User],
    make_note: MakeNote,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "TOPIC_FOLLOWS_MAX", 1)
    make_note(make_member("nina"), "x", topics=["tea", "food"])
    _ann, ann_api = member_api("ann")
    assert ann_api.post("/topics/tea/follow").status_code == 201
    refused = ann_api.post("/topics/food/follow")
    assert refused.status_code == 409
    assert refused.json()["code"] == "too_many_topic_follows"


@pytest.mark.parametrize("sort", ["hot", "latest"])
def test_a_topic_page_costs_the_same_queries_for_two_notes_or_eight(
    api: ApiClient,
    make_member: Callable[..., User],
    make_note: MakeNote,
    count_queries: Callable[[], Any],
    sort: str,
) -> None:
    authors = [make_member(f"author{i}") for i in range(8)]
    costs = []
    for batch in (authors[:2], authors[2:]):
        for author in batch:
            make_note(author, "x", topics=["tea"])
        with count_queries() as queries:
            assert api.get(f"/topics/tea/notes?sort={sort}").status_code == 200
        costs.append(len(queries))
    assert costs == [EXPECTED_QUERIES[sort]] * 2


# topic, notes (hot: the ranked candidates, then the page), photos, topics, mentions, counts
EXPECTED_QUERIES = {"latest": 6, "hot": 7}


def test_odd_names_and_regions_are_answered_not_crashed(api: ApiClient) -> None:
    nul, soh = quote("\x00"), quote("\x01")
    assert api.get(f"/topics/a{nul}b/notes").json()["code"] == "topic_not_found"
    assert api.get(f"/topics/{quote('#')}").json()["code"] == "topic_not_found"
    assert api.get(f"/feeds/nearby?region={nul}{soh}").json()["code"] == "region_required"
    assert api.get(f"/feeds/nearby?region=Da{nul}li").json()["items"] == []
