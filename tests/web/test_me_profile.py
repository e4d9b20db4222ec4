"""Profiles (/@handle): counts, tabs with privacy, blocked pairs, and the follow button's states."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.interactions import services as interactions
from hongshu.notes.models import Note
from hongshu.social import services as social
from hongshu.social.models import Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def emily(make_member: Callable[..., User]) -> User:
    return make_member("emily", display_name="Emily", languages=["en", "zh-Hans"])


@pytest.fixture
def wei(make_member: Callable[..., User]) -> User:
    return make_member("wei", display_name="小伟")


def _counts(html: str) -> dict[str, str]:
    # A count's label may link to the list behind it (followers, following).
    return dict(re.findall(r"<dt>(?:<a [^>]*>)?(.*?)(?:</a>)?</dt><dd>(\d+)</dd>", html))


def test_profile_shows_names_languages_counts_and_notes(
    client: Client, emily: User, wei: User, publish: Callable[..., Note]
) -> None:
    note = publish(emily, "Morning in Shanghai")
    publish(emily, "Only for me", visibility="private")
    social.follow_create(follower=wei, followee=emily)
    interactions.like_create(user=wei, note_id=note.pk)
    interactions.collect_create(user=wei, note_id=note.pk)
    response = client.get("/@emily")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Emily" in html
    assert "@emily" in html
    assert 'lang="zh-Hans"' in html
    assert _counts(html) == {"Following": "0", "Followers": "1", "Likes & collects": "2"}
    assert "Morning in Shanghai" in html
    assert "Only for me" not in html
    assert 'class="card"' in html  # the shared card template


def test_likes_tab_only_when_likes_are_public(
    client: Client, emily: User, wei: User, publish: Callable[..., Note]
) -> None:
    liked = publish(wei, "Hotpot night")
    interactions.like_create(user=emily, note_id=liked.pk)
    assert "?tab=likes" not in client.get("/@emily").content.decode()
    assert client.get("/@emily?tab=likes").status_code == 302  # hidden: back to the notes tab
    client.force_login(emily)  # one always sees one's own likes
    assert "Hotpot night" in client.get("/@emily?tab=likes").content.decode()
    client.logout()
    social.account_set_privacy(user=emily, likes_public=True)
    html = client.get("/@emily?tab=likes").content.decode()
    assert "?tab=likes" in html
    assert "Hotpot night" in html


def test_collects_tab_shows_public_boards_only_to_others(
    client: Client, emily: User, wei: User, publish: Callable[..., Note]
) -> None:
    note = publish(wei, "Dumplings")
    secret = interactions.board_create(owner=emily, name="Secret", is_public=False)
    public = interactions.board_create(owner=emily, name="Recipes", is_public=True)
    interactions.collect_create(user=emily, note_id=note.pk, board_id=public.pk)
    html = client.get("/@emily?tab=collects").content.decode()
    assert "Recipes" in html
    assert "Secret" not in html
    assert "Dumplings" in html
    assert client.get(f"/@emily?tab=collects&board={secret.pk}").status_code == 404
    client.force_login(emily)
    assert "Secret" in client.get("/@emily?tab=collects").content.decode()


def test_a_blocked_pair_sees_404_both_ways(client: Client, emily: User, wei: User) -> None:
    social.block_create(blocker=emily, blocked=wei)
    client.force_login(wei)
    assert client.get("/@emily").status_code == 404
    client.force_login(emily)
    assert client.get("/@wei").status_code == 404
    assert client.get("/@nobody").status_code == 404


def test_follow_button_states(client: Client, emily: User, wei: User) -> None:
    html = client.get("/@emily").content.decode()
    assert "/signin/?next=/@emily" in html  # visitors are asked to sign in
    client.force_login(emily)
    assert "/me/profile" in client.get("/@emily").content.decode()  # own profile: edit
    client.force_login(wei)
    assert '<input type="hidden" name="action" value="follow">' in client.get("/@emily").content.decode()
    response = client.post("/@emily/follow", {"action": "follow"})
    assert response.status_code == 302
    assert response["Location"] == "/@emily"
    assert Follow.objects.get(follower=wei, followee=emily).state == "accepted"
    assert ">Following</button>" in client.get("/@emily").content.decode()
    fragment = client.post("/@emily/follow", {"action": "unfollow"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.content.decode().startswith('<div class="follow"')
    assert not Follow.objects.filter(follower=wei).exists()


def test_following_a_private_account_is_a_request(client: Client, emily: User, wei: User) -> None:
    social.account_set_privacy(user=emily, is_private=True)
    client.force_login(wei)
    client.post("/@emily/follow", {"action": "follow"})
    client.post("/@emily/follow", {"action": "follow"})  # a double tap changes nothing
    assert Follow.objects.get(follower=wei, followee=emily).state == "pending"
    assert ">Requested</button>" in client.get("/@emily").content.decode()


def test_follow_needs_csrf_and_a_member(emily: User, wei: User) -> None:
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/@emily/follow", {"action": "follow"}).status_code == 403
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(wei)
    assert browser.post("/@emily/follow", {"action": "follow"}).status_code == 403
    assert not Follow.objects.exists()
