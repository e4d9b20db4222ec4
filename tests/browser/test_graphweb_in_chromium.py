"""The social graph in Chromium: a private member approves a follow request, blocks someone from the menu
beside a note's author and unblocks them in settings, and mutes someone from their profile — in English on
a phone, then again in Chinese on a desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create
from hongshu.social import services as social

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def _note(author: User, title: str, seed: int) -> Note:
    photo = render_photo(PhotoSpec(painter="plate", shape="portrait", seed=seed))
    asset = media_upload(owner=author, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"))
    return note_create(author=author, title=title, body="", images=[ImageSpec(media_id=asset.pk)])


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    emily = account_create(handle="emily", password=PASSWORD, display_name="Emily 艾米")
    wei = account_create(handle="wei", password=PASSWORD, display_name="小伟")
    lily = account_create(handle="lily_chen", password=PASSWORD, display_name="Lily 陈")
    xiaoyu = account_create(handle="xiaoyu", password=PASSWORD, display_name="小雨")
    social.account_set_privacy(user=emily, is_private=True)
    social.follow_create(follower=wei, followee=emily)
    social.follow_create(follower=xiaoyu, followee=emily)
    return {
        "url": str(live_server.url),
        "lily_note": _note(lily, "Dumplings at dawn", 1).pk,
        "wei_note": _note(wei, "Street food tour", 2).pk,
        "xiaoyu_note": _note(xiaoyu, "春天的樱花", 3).pk,
    }


def _sign_in(page: Any, url: str, handle: str) -> None:
    page.goto(f"{url}/signin/?next=/me/settings")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/me/settings")


def _watch(page: Any, allowed_404: tuple[str, ...] = ()) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))

    def failed(response: Any) -> None:
        if response.status >= 400 and not (response.status == 404 and response.url.endswith(allowed_404)):
            problems.append(f"{response.status}: {response.url}")

    page.on("response", failed)
    return problems


def test_approve_block_from_a_note_unblock_and_mute_in_english(
    site: dict[str, Any], chromium: Any, artifacts: Path, wait_until: Any
) -> None:
    url = site["url"]
    context = chromium.new_context(**PHONE, locale="en-US")
    page = context.new_page()
    problems = _watch(page, allowed_404=(f"/notes/{site['lily_note']}",))
    _sign_in(page, url, "emily")

    # A private member finds the waiting requests from settings and approves one (htmx, no reload).
    assert "People are waiting for your approval to follow you." in page.inner_text("main")
    page.click("[data-follow-requests]")
    page.wait_for_url("**/me/follow-requests")
    page.get_by_role("button", name="Approve @wei").click()
    wait_until(page, "!!document.querySelector('[data-requests] [role=status]')")
    assert page.inner_text("[data-requests] [role=status]") == "Approved"
    wait_until(page, "document.getElementById('toasts').textContent.includes('@wei now follows you.')")
    assert page.get_by_role("button", name="Approve @xiaoyu").is_visible()  # the other one still waits
    page.screenshot(path=str(artifacts / "graphweb-requests-390.png"), full_page=True)
    page.goto(f"{url}/@emily/followers")
    assert "@wei" in page.inner_text("[data-people]")

    # Block from the menu beside a note's author: a confirmation that says what happens, then it is done.
    page.goto(f"{url}/notes/{site['lily_note']}")
    page.click("#account-menu-lily_chen summary")
    page.click("#account-menu-lily_chen [data-block]")
    page.wait_for_url("**/@lily_chen/block**")
    assert "You will no longer see each other's notes, comments or profiles." in page.inner_text("main")
    page.screenshot(path=str(artifacts / "graphweb-block-confirm-390.png"), full_page=True)
    page.click("[data-confirm-block]")
    page.wait_for_url("**/me/settings")
    assert "You blocked @lily_chen." in page.inner_text("body")
    response = page.goto(f"{url}/notes/{site['lily_note']}")
    assert response.status == 404  # the note is gone for the blocker
    page.goto(f"{url}/")
    assert "Dumplings at dawn" not in page.inner_text("main")

    # Unblock from settings: the note is back.
    page.goto(f"{url}/me/settings")
    page.get_by_role("button", name="Unblock @lily_chen").click()
    page.wait_for_url("**/me/settings")
    assert "You have not blocked anyone." in page.inner_text("main")
    assert page.goto(f"{url}/notes/{site['lily_note']}").status == 200

    # Mute from a profile: the menu turns into "unmute" in place; the feed leaves the account out.
    page.goto(f"{url}/@wei")
    page.click("#account-menu-wei summary")
    page.click("#account-menu-wei [data-mute]")
    wait_until(page, "!!document.querySelector('#account-menu-wei [data-unmute]')")
    wait_until(page, "document.getElementById('toasts').textContent.includes('You muted @wei.')")
    page.screenshot(path=str(artifacts / "graphweb-muted-390.png"), full_page=True)
    page.goto(f"{url}/")
    assert "Street food tour" not in page.inner_text("main")
    page.goto(f"{url}/me/settings")
    assert "@wei" in page.inner_text("[data-muted]")
    page.get_by_role("button", name="Unmute @wei").click()
    page.wait_for_url("**/me/settings")
    assert "You have not muted anyone." in page.inner_text("main")
    assert problems == []
    context.close()


def test_the_same_journey_in_chinese(
    site: dict[str, Any], chromium: Any, artifacts: Path, wait_until: Any
) -> None:
    url = site["url"]
    context = chromium.new_context(**DESKTOP, locale="zh-CN")
    page = context.new_page()
    problems = _watch(page, allowed_404=(f"/notes/{site['xiaoyu_note']}",))
    _sign_in(page, url, "emily")
    assert page.evaluate("document.documentElement.lang") == "zh-hans"

    page.click("[data-follow-requests]")
    page.wait_for_url("**/me/follow-requests")
    assert "关注请求" in page.inner_text("h1")
    page.get_by_role("button", name="通过 @xiaoyu").click()
    wait_until(page, "document.getElementById('toasts').textContent.includes('@xiaoyu 现在关注你了。')")
    assert page.inner_text("[data-requests] [role=status]") == "已通过"

    page.goto(f"{url}/notes/{site['xiaoyu_note']}")
    page.click("#account-menu-xiaoyu summary")
    assert page.inner_text("#account-menu-xiaoyu [data-block]") == "拉黑 @xiaoyu"
    page.click("#account-menu-xiaoyu [data-block]")
    page.wait_for_url("**/@xiaoyu/block**")
    assert "你们将看不到对方的笔记、评论和主页。" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "graphweb-block-confirm-1280-zh.png"), full_page=True)
    page.click("[data-confirm-block]")
    page.wait_for_url("**/me/settings")
    assert "你已拉黑 @xiaoyu。" in page.inner_text("body")
    assert page.goto(f"{url}/notes/{site['xiaoyu_note']}").status == 404
    page.goto(f"{url}/me/settings")
    page.get_by_role("button", name="解除拉黑").click()
    page.wait_for_url("**/me/settings")
    assert page.goto(f"{url}/notes/{site['xiaoyu_note']}").status == 200

    page.goto(f"{url}/@wei")
    page.click("#account-menu-wei summary")
    page.click("#account-menu-wei [data-mute]")
    wait_until(page, "document.getElementById('toasts').textContent.includes('已屏蔽 @wei。')")
    # The swapped-in menu is closed: read its (hidden) item's text.
    assert page.text_content("#account-menu-wei [data-unmute]").strip() == "取消屏蔽 @wei"
    page.goto(f"{url}/me/settings")
    assert "已屏蔽的账号" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "graphweb-settings-1280-zh.png"), full_page=True)
    assert problems == []
    context.close()
