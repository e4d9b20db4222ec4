"""Infinite scroll, the note overlay, likes, comments, the following feed and the unread badge in Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, note_create
from hongshu.social import services as social

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHAPES = ["portrait", "square", "landscape"]


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    alice = account_create(handle="alice", password=PASSWORD, display_name="小雨 Alice")
    bob = account_create(handle="bob", password=PASSWORD, display_name="Bob")
    account_create(handle="carol", password=PASSWORD, display_name="Carol")
    painters = ["sea", "plate", "lipstick", "city", "cat"]
    notes = []
    for i in range(26):
        photo = render_photo(PhotoSpec(painter=painters[i % 5], shape=SHAPES[i % 3], seed=i))
        asset = media_upload(owner=alice, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"))
        title = f"京都三日游 day {i}" if i % 2 else f"Weekend in Ohio #{i}"
        notes.append(
            note_create(
                author=alice, title=title, body="Lovely #travel day", images=[ImageSpec(media_id=asset.pk)]
            )
        )
    social.follow_create(follower=bob, followee=alice)
    return {"url": str(live_server.url), "latest": notes[-1].pk, "first": notes[0].pk}


def sign_in(page: Any, url: str, handle: str) -> None:
    page.goto(url + "/signin/")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")


def poll(page: Any, expression: str, timeout_ms: int = 15000) -> None:
    for _ in range(timeout_ms // 50):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"timed out waiting for {expression}")


def test_scroll_overlay_like_comment_following_and_badge(
    site: dict[str, Any], chromium: Any, artifacts: Path
) -> None:
    url = site["url"]
    problems: list[str] = []
    context = chromium.new_context(**PHONE, locale="en-US")
    page = context.new_page()
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: m.type == "error" and "40" not in m.text and problems.append(m.text))
    sign_in(page, url, "bob")
    assert page.locator(".waterfall > .waterfall__item").count() == 20
    page.screenshot(path=str(artifacts / "explore-390.png"))
    # Infinite scroll: reaching the end loads the second page into the same waterfall.
    page.mouse.wheel(0, 20000)
    poll(page, "document.querySelectorAll('.waterfall > .waterfall__item').length === 26")
    poll(page, "!document.querySelector('[data-feed-page]')")
    assert page.locator(".end-of-feed").is_visible()

    # The overlay opens over the waterfall, the URL follows, Esc closes it and restores the URL.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(f"a[data-note-link='{site['latest']}']").click()
    poll(page, "document.getElementById('note-overlay').open")
    assert page.url.endswith(f"/notes/{site['latest']}")
    page.keyboard.press("Escape")
    poll(page, "!document.getElementById('note-overlay').open")
    poll(page, "location.pathname === '/'")

    # Like without reload (in the overlay), then it survives a reload of the note page.
    page.locator(f"a[data-note-link='{site['latest']}']").click()
    poll(page, "document.getElementById('note-overlay').open")
    like = page.locator(f"#like-{site['latest']}")
    like.click()
    poll(page, f"document.querySelector('#like-{site['latest']}').getAttribute('aria-pressed') === 'true'")
    poll(page, f"document.querySelector('#like-{site['latest']} [data-count]').textContent.trim() === '1'")
    # Comment, then reply to it.
    box = page.locator("#note-overlay .composer__input")
    box.fill("Looks amazing!")
    box.press("Enter")
    poll(
        page,
        "[...document.querySelectorAll('#note-overlay .comment__body')].some(p => p.textContent.includes('Looks amazing!'))",
    )
    page.locator("#note-overlay .comment__reply").first.click()
    box.fill("Replying to myself")
    box.press("Enter")
    poll(
        page,
        "[...document.querySelectorAll('#note-overlay .comment--reply .comment__body')].some(p => p.textContent.includes('Replying to myself'))",
    )
    page.screenshot(path=str(artifacts / "overlay-390.png"))
    page.goto(url + f"/notes/{site['latest']}")
    assert page.locator(f"#like-{site['latest']}").get_attribute("aria-pressed") == "true"
    assert page.locator(f"#like-{site['latest']} [data-count]").inner_text().strip() == "1"
    assert "Replying to myself" in page.locator(".comments").inner_text()
    page.screenshot(path=str(artifacts / "note-actions-390.png"))

    # Following feed shows the followed author's note.
    page.goto(url + "/following/")
    assert page.locator(f"a[data-note-link='{site['latest']}']").count() == 1
    page.screenshot(path=str(artifacts / "following-390.png"))
    assert problems == []
    context.close()

    # Alice sees the unread badge for Bob's like (and comment), at desktop width.
    context = chromium.new_context(**DESKTOP, locale="en-US")
    page = context.new_page()
    sign_in(page, url, "alice")
    badge = page.locator("#unread-badge")
    assert badge.is_visible()
    assert re.match(r"^[1-9]", badge.inner_text())
    page.screenshot(path=str(artifacts / "explore-1280.png"))
    page.locator(f"a[data-note-link='{site['latest']}']").click()
    poll(page, "document.getElementById('note-overlay').open")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "overlay-1280.png"))
    page.keyboard.press("Escape")
    # Closing goes back in history; let that navigation finish before starting another.
    poll(page, "!document.getElementById('note-overlay').open && location.pathname === '/'")
    page.goto(url + "/notifications/")
    assert "Bob" in page.locator(".inbox__list").inner_text()
    page.screenshot(path=str(artifacts / "notifications-1280.png"))
    page.get_by_role("button", name="Mark all read").click()
    poll(page, "document.getElementById('unread-badge').hidden")
    context.close()
