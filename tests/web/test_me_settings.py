"""Edit profile, settings (privacy, blocked accounts, password, delete account) and sign-up interests."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hongshu.accounts.models import User
from hongshu.social import services as social
from hongshu.social.models import Block

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the conftest's make_member password


@pytest.fixture
def emily(make_member: Callable[..., User]) -> User:
    return make_member("emily", display_name="Emily")


@pytest.fixture
def browser(emily: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(emily)
    return client


def csrf_of(client: Client, path: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).content.decode())
    assert match
    return match.group(1)


def test_member_pages_need_a_member(client: Client) -> None:
    for url in ("/me/profile", "/me/settings", "/me/interests"):
        assert client.get(url)["Location"].startswith(f"/signin/?next={url}")


def test_edit_profile_saves_names_bio_languages_region_and_avatar(
    browser: Client, emily: User, django_capture_on_commit_callbacks: Any
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "purple").save(buffer, format="PNG")
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/me/profile",
            {
                "csrfmiddlewaretoken": csrf_of(browser, "/me/profile"),
                "display_name": "Emily 艾米",
                "bio": "Food & travel, Ohio → Chengdu",
                "languages": ["en", "zh-Hans"],
                "region": "Chengdu",
                "avatar": SimpleUploadedFile("me.png", buffer.getvalue(), "image/png"),
            },
        )
    # The test's transaction holds back processing until the block ends, as a busy worker would.
    assert response.status_code == 422
    html = response.content.decode()
    assert "Your photo is still being processed." in html
    pending = re.search(r'name="avatar_id" value="(\d+)"', html)
    assert pending
    emily.refresh_from_db()
    assert emily.display_name != "Emily 艾米"  # all or nothing: the form comes back with everything typed
    response = browser.post(
        "/me/profile",
        {
            "csrfmiddlewaretoken": csrf_of(browser, "/me/profile"),
            "display_name": "Emily 艾米",
            "bio": "Food & travel, Ohio → Chengdu",
            "languages": ["en", "zh-Hans"],
            "region": "Chengdu",
            "avatar_id": pending.group(1),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/@emily"
    emily.refresh_from_db()
    assert (emily.display_name, emily.region, emily.languages) == ("Emily 艾米", "Chengdu", ["en", "zh-Hans"])
    assert emily.bio.startswith("Food & travel")
    assert emily.avatar is not None
    assert emily.avatar.state == "ready"


def test_edit_profile_errors_keep_the_input(browser: Client, emily: User) -> None:
    response = browser.post(
        "/me/profile",
        {"csrfmiddlewaretoken": csrf_of(browser, "/me/profile"), "display_name": "Em", "bio": "x" * 201},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Bios are at most 200 characters." in html
    assert "x" * 201 in html
    emily.refresh_from_db()
    assert len(emily.bio) == 0


def test_privacy_toggles(browser: Client, emily: User) -> None:
    token = csrf_of(browser, "/me/settings")
    response = browser.post(
        "/me/settings",
        {"csrfmiddlewaretoken": token, "action": "privacy", "is_private": "on", "likes_public": "on"},
    )
    assert response.status_code == 302
    emily.refresh_from_db()
    assert (emily.is_private, emily.hide_follow_lists, emily.likes_public) == (True, False, True)
    assert "Your privacy settings are saved." in browser.get("/me/settings").content.decode()
    browser.post(
        "/me/settings", {"csrfmiddlewaretoken": token, "action": "privacy", "hide_follow_lists": "on"}
    )
    emily.refresh_from_db()
    assert (emily.is_private, emily.hide_follow_lists, emily.likes_public) == (False, True, False)


def test_blocked_accounts_are_listed_and_can_be_unblocked(
    browser: Client, emily: User, make_member: Callable[..., User]
) -> None:
    troll = make_member("troll_42")
    social.block_create(blocker=emily, blocked=troll)
    html = browser.get("/me/settings").content.decode()
    assert "@troll_42" in html
    assert "/me/blocked/troll_42/unblock" in html
    response = browser.post(
        "/me/blocked/troll_42/unblock", {"csrfmiddlewaretoken": csrf_of(browser, "/me/settings")}
    )
    assert response.status_code == 302
    assert not Block.objects.exists()


def test_change_password_keeps_this_session(browser: Client, emily: User) -> None:
    token = csrf_of(browser, "/me/settings")
    wrong = browser.post(
        "/me/settings",
        {"csrfmiddlewaretoken": token, "action": "password", "current_password": "nope", "new_password": "x"},
    )
    assert wrong.status_code == 422
    assert "The current password is not correct." in wrong.content.decode()
    response = browser.post(
        "/me/settings",
        {
            "csrfmiddlewaretoken": token,
            "action": "password",
            "current_password": PASSWORD,
            "new_password": "paper-lantern-88",
        },
    )
    assert response.status_code == 302
    emily.refresh_from_db()
    assert emily.check_password("paper-lantern-88")
    assert browser.get("/me/settings").status_code == 200  # still signed in


def test_delete_account_needs_the_password_then_signs_out(browser: Client, emily: User) -> None:
    token = csrf_of(browser, "/me/settings")
    refused = browser.post("/me/settings/delete", {"csrfmiddlewaretoken": token, "password": "wrong"})
    assert refused.status_code == 422
    assert "The password is not correct." in refused.content.decode()
    assert User.objects.filter(handle="emily").exists()
    response = browser.post("/me/settings/delete", {"csrfmiddlewaretoken": token, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(handle="emily").exists()
    assert browser.get("/me/settings").status_code == 302  # signed out


def test_interests_are_stored_on_the_member(browser: Client, emily: User) -> None:
    html = browser.get("/me/interests").content.decode()
    assert html.count('name="interests"') == 10
    response = browser.post(
        "/me/interests",
        {"csrfmiddlewaretoken": csrf_of(browser, "/me/interests"), "interests": ["pets", "food", "bogus"]},
    )
    assert response.status_code == 200  # an unknown choice is refused by the form
    browser.post(
        "/me/interests",
        {"csrfmiddlewaretoken": csrf_of(browser, "/me/interests"), "interests": ["pets", "food"]},
    )
    emily.refresh_from_db()
    assert emily.interests == ["food", "pets"]


def test_interface_language_switch_from_settings(browser: Client) -> None:
    token = csrf_of(browser, "/me/settings")
    browser.post(
        "/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "zh-hans", "next": "/me/settings"}
    )
    html = browser.get("/me/settings").content.decode()
    assert '<html lang="zh-hans">' in html
