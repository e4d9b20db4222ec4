"""The social graph on the web: follow requests (approve, decline), follower lists and removing a follower,
block and mute from a profile or a note, the muted list in settings — through the API's services."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User
from hongshu.notes.models import Note
from hongshu.social import services as social
from hongshu.social.models import Block, Follow, Mute

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def emily(make_member: Callable[..., User]) -> User:
    return make_member("emily", display_name="Emily")


@pytest.fixture
def wei(make_member: Callable[..., User]) -> User:
    return make_member("wei", display_name="小伟")


@pytest.fixture
def lily(make_member: Callable[..., User]) -> User:
    return make_member("lily_chen", display_name="Lily 陈")


def signed_in(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_of(client: Client, path: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).content.decode())
    assert match, path
    return match.group(1)


def post(client: Client, path: str, page: str, data: dict[str, str] | None = None, **kw: Any) -> Any:
    """POST as a browser does: with the CSRF token of the page the form is on."""
    return client.post(path, {"csrfmiddlewaretoken": csrf_of(client, page), **(data or {})}, **kw)


# ---- follow requests ----


def test_a_private_member_approves_and_declines_requests(emily: User, wei: User, lily: User) -> None:
    social.account_set_privacy(user=emily, is_private=True)
    from_wei = social.follow_create(follower=wei, followee=emily)
    from_lily = social.follow_create(follower=lily, followee=emily)
    browser = signed_in(emily)

    settings_html = browser.get("/me/settings").content.decode()
    assert "People are waiting for your approval to follow you." in settings_html
    assert 'href="/me/follow-requests"' in settings_html
    page = browser.get("/me/follow-requests").content.decode()
    assert "@wei" in page
    assert "@lily_chen" in page
    assert f'action="/me/follow-requests/{from_wei.pk}/approve"' in page

    # Without htmx: the approval redirects back to the list (PRG), which no longer holds it.
    response = post(browser, f"/me/follow-requests/{from_wei.pk}/approve", "/me/follow-requests")
    assert response.status_code == 302
    assert response["Location"] == "/me/follow-requests"
    assert Follow.objects.get(pk=from_wei.pk).state == Follow.State.ACCEPTED
    after = browser.get("/me/follow-requests").content.decode()
    assert "@wei now follows you." in after
    assert f"/me/follow-requests/{from_wei.pk}/approve" not in after

    # With htmx: the row is replaced by its outcome and a toast is asked for.
    fragment = post(
        browser, f"/me/follow-requests/{from_lily.pk}/decline", "/me/follow-requests", headers=HTMX
    )
    assert fragment.status_code == 200
    assert "Declined" in fragment.content.decode()
    assert "Request declined." in fragment["HX-Trigger"]
    assert not Follow.objects.filter(pk=from_lily.pk).exists()
    assert "No one is waiting for your approval." in browser.get("/me/follow-requests").content.decode()


def test_only_the_owner_answers_a_request(client: Client, emily: User, wei: User, lily: User) -> None:
    social.account_set_privacy(user=emily, is_private=True)
    request = social.follow_create(follower=wei, followee=emily)

    # A visitor is sent to sign in, for the page and for the actions.
    assert client.get("/me/follow-requests")["Location"] == "/signin/?next=/me/follow-requests"
    answer = client.post(f"/me/follow-requests/{request.pk}/approve")
    assert answer["Location"].startswith("/signin/?next=")

    # Another member (even the requester) cannot approve or decline it: 404, as the API answers.
    for member in (lily, wei):
        browser = signed_in(member)
        assert f"/me/follow-requests/{request.pk}/" not in browser.get("/me/follow-requests").content.decode()
        for verb in ("approve", "decline"):
            refused = post(browser, f"/me/follow-requests/{request.pk}/{verb}", "/me/follow-requests")
            assert refused.status_code == 404
            fragment = post(
                browser, f"/me/follow-requests/{request.pk}/{verb}", "/me/follow-requests", headers=HTMX
            )
            assert fragment.status_code == 404
            assert "This follow request does not exist." in fragment.content.decode()
    assert Follow.objects.get(pk=request.pk).state == Follow.State.PENDING
    # Without the CSRF token the owner's own POST is refused too.
    owner = signed_in(emily)
    assert owner.post(f"/me/follow-requests/{request.pk}/approve").status_code == 403
    assert Follow.objects.get(pk=request.pk).state == Follow.State.PENDING


# ---- follower lists and removing a follower ----


def test_follower_lists_and_removing_a_follower(client: Client, emily: User, wei: User, lily: User) -> None:
    social.follow_create(follower=wei, followee=emily)
    social.follow_create(follower=lily, followee=emily)
    social.follow_create(follower=emily, followee=lily)

    public = client.get("/@emily/followers").content.decode()
    assert "@wei" in public
    assert "@lily_chen" in public
    assert "/me/followers/" not in public  # only the owner gets "remove"
    assert "@lily_chen" in client.get("/@emily/following").content.decode()
    assert "@wei" not in client.get("/@emily/following").content.decode()
    profile = client.get("/@emily").content.decode()
    assert 'href="/@emily/followers"' in profile
    assert 'href="/@emily/following"' in profile

    browser = signed_in(emily)
    own = browser.get("/@emily/followers").content.decode()
    assert 'action="/me/followers/wei/remove"' in own
    fragment = post(browser, "/me/followers/wei/remove", "/@emily/followers", headers=HTMX)
    assert fragment.status_code == 200
    assert "Removed" in fragment.content.decode()
    assert "@wei no longer follows you." in fragment["HX-Trigger"]
    assert not Follow.objects.filter(follower=wei, followee=emily).exists()

    response = post(browser, "/me/followers/lily_chen/remove", "/@emily/followers")
    assert response["Location"] == "/@emily/followers"
    assert not Follow.objects.filter(follower=lily, followee=emily).exists()
    assert Follow.objects.filter(follower=emily, followee=lily).exists()  # her own follow stays
    # Removing someone who does not follow: the service's refusal, in words.
    again = post(browser, "/me/followers/lily_chen/remove", "/@emily/followers", headers=HTMX)
    assert again.status_code == 404
    assert "This account does not follow you." in again.content.decode()


def test_follow_lists_respect_privacy_and_blocks(client: Client, emily: User, wei: User, lily: User) -> None:
    social.follow_create(follower=wei, followee=emily)
    social.follow_create(follower=lily, followee=emily)
    social.account_set_privacy(user=emily, is_private=True)
    refused = client.get("/@emily/followers")
    assert refused.status_code == 403
    assert "This account is private." in refused.content.decode()
    assert signed_in(wei).get("/@emily/followers").status_code == 200  # an accepted follower may look

    social.account_set_privacy(user=emily, hide_follow_lists=True)
    assert signed_in(wei).get("/@emily/following").status_code == 403
    assert signed_in(emily).get("/@emily/following").status_code == 200  # the owner always

    social.block_create(blocker=lily, blocked=wei)
    lists = signed_in(emily).get("/@emily/followers").content.decode()
    assert "@wei" in lists
    assert "@lily_chen" in lists
    assert signed_in(wei).get("/@lily_chen/followers").status_code == 404  # a blocked pair: no such member


# ---- block ----


def test_block_from_a_profile_asks_then_hides_everything(
    client: Client, emily: User, wei: User, publish: Callable[..., Note]
) -> None:
    note = publish(wei, "Hotpot in Chengdu")
    social.follow_create(follower=emily, followee=wei)
    social.follow_create(follower=wei, followee=emily)
    browser = signed_in(emily)
    profile = browser.get("/@wei").content.decode()
    assert 'href="/@wei/block?next=/%40wei"' in profile
    assert "Mute @wei" in profile

    confirm = browser.get("/@wei/block?next=/%40wei")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Block @wei?" in html
    assert "You will no longer see each other's notes, comments or profiles." in html
    assert 'href="/@wei"' in html  # cancel goes back
    assert not Block.objects.exists()  # asking is not blocking

    response = post(browser, "/@wei/block", "/@wei/block")
    assert response["Location"] == "/me/settings"
    assert Block.objects.filter(blocker=emily, blocked=wei).exists()
    assert not Follow.objects.filter(follower__in=[emily, wei]).exists()  # follows both ways end
    settings_page = browser.get("/me/settings").content.decode()
    assert "You blocked @wei." in settings_page
    assert 'action="/me/blocked/wei/unblock"' in settings_page

    # The pair no longer see each other: profiles 404 both ways, the note is gone, as the API answers.
    assert browser.get("/@wei").status_code == 404
    assert browser.get(f"/notes/{note.pk}").status_code == 404
    assert "Hotpot in Chengdu" not in browser.get("/").content.decode()
    assert signed_in(wei).get("/@emily").status_code == 404
    assert browser.get("/api/v1/accounts/wei/social").status_code == 404
    assert "Hotpot in Chengdu" in client.get("/").content.decode()  # others still see it
    # A blocked account cannot be blocked again through the page: it does not exist for the blocker.
    assert browser.get("/@wei/block").status_code == 404


def test_block_from_the_note_menu(emily: User, wei: User, publish: Callable[..., Note]) -> None:
    note = publish(wei, "Dumplings at dawn")
    own = publish(emily, "My own note")
    browser = signed_in(emily)
    html = browser.get(f"/notes/{note.pk}").content.decode()
    assert 'id="account-menu-wei"' in html
    assert 'href="/@wei/block"' in html
    assert 'action="/@wei/mute"' in html
    assert 'id="account-menu-' not in browser.get(f"/notes/{own.pk}").content.decode()  # not on one's own
    assert 'id="account-menu-' not in Client().get(f"/notes/{note.pk}").content.decode()  # nor for visitors

    response = post(browser, "/@wei/block", "/@wei/block")
    assert response["Location"] == "/me/settings"
    assert browser.get(f"/notes/{note.pk}").status_code == 404
    # Unblock from settings: the note is back.
    post(browser, "/me/blocked/wei/unblock", "/me/settings")
    assert not Block.objects.exists()
    assert browser.get(f"/notes/{note.pk}").status_code == 200


def test_blocking_needs_a_member_and_a_post(client: Client, emily: User, wei: User) -> None:
    assert client.get("/@wei/block")["Location"] == "/signin/?next=/%40wei/block"
    assert client.post("/@wei/block")["Location"].startswith("/signin/?next=")
    browser = signed_in(emily)
    assert browser.post("/@wei/block").status_code == 403  # no CSRF token
    assert browser.get("/@nobody/block").status_code == 404
    assert not Block.objects.exists()


# ---- mute ----


def test_mute_and_unmute_from_a_profile_and_from_settings(
    emily: User, wei: User, publish: Callable[..., Note]
) -> None:
    publish(wei, "Street food tour")
    browser = signed_in(emily)
    assert "Street food tour" in browser.get("/").content.decode()

    # htmx: the menu comes back showing "unmute", with a toast.
    fragment = post(browser, "/@wei/mute", "/@wei", {"next": "/@wei"}, headers=HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.startswith('<details class="account-menu" id="account-menu-wei"')
    assert 'action="/@wei/unmute"' in body
    assert "You muted @wei." in fragment["HX-Trigger"]
    assert Mute.objects.filter(muter=emily, muted=wei).exists()
    assert "Street food tour" not in browser.get("/").content.decode()  # muted: out of the feed
    assert browser.get("/@wei").status_code == 200  # but the profile is still there
    assert "Unmute @wei" in browser.get("/@wei").content.decode()
    # A double tap changes nothing and is not an error.
    assert post(browser, "/@wei/mute", "/@wei", headers=HTMX).status_code == 200

    settings_page = browser.get("/me/settings").content.decode()
    assert 'action="/@wei/unmute"' in settings_page
    response = post(browser, "/@wei/unmute", "/me/settings", {"next": "/me/settings"})
    assert response["Location"] == "/me/settings"
    assert not Mute.objects.exists()
    after = browser.get("/me/settings").content.decode()
    assert "You unmuted @wei." in after
    assert "You have not muted anyone." in after
    assert "Street food tour" in browser.get("/").content.decode()

    # Without htmx and without a `next`, the member lands on the profile; a foreign `next` is ignored.
    response = post(browser, "/@wei/mute", "/@wei", {"next": "https://evil.example/"})
    assert response["Location"] == "/@wei"
    assert Mute.objects.filter(muter=emily, muted=wei).exists()


def test_mute_refusals(client: Client, emily: User, wei: User) -> None:
    assert client.post("/@wei/mute")["Location"].startswith("/signin/?next=")
    browser = signed_in(emily)
    refused = post(browser, "/@emily/mute", "/@emily", headers=HTMX)
    assert refused.status_code == 422
    assert "You cannot mute yourself." in refused.content.decode()
    social.block_create(blocker=wei, blocked=emily)
    assert post(browser, "/@wei/mute", "/me/settings").status_code == 404
    assert not Mute.objects.exists()


# ---- the Chinese interface ----


def test_the_block_and_request_pages_in_chinese(emily: User, wei: User) -> None:
    social.account_set_privacy(user=emily, is_private=True)
    social.follow_create(follower=wei, followee=emily)
    browser = signed_in(emily)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    requests_page = browser.get("/me/follow-requests").content.decode()
    assert '<html lang="zh-hans">' in requests_page
    assert "关注请求" in requests_page
    assert "通过" in requests_page
    assert "拒绝" in requests_page
    confirm = browser.get("/@wei/block").content.decode()
    assert "要拉黑 @wei 吗？" in confirm
    assert "你们将看不到对方的笔记、评论和主页。" in confirm
    fragment = post(browser, "/@wei/mute", "/@wei", headers=HTMX)
    assert json.loads(fragment["HX-Trigger"])["hongshu:toast"]["message"] == "已屏蔽 @wei。"
    assert "取消屏蔽 @wei" in fragment.content.decode()
    settings_page = browser.get("/me/settings").content.decode()
    assert "已屏蔽的账号" in settings_page
    assert "已拉黑的账号" in settings_page  # the catalog's existing words stay
