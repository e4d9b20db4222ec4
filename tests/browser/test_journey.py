"""Issue 4's journey through the real UI in Chromium: a newcomer signs up (phone), picks interests, publishes a
note with three photos; a second member (desktop, switched to Chinese) likes, collects into a new board and
comments; the author replies; both see their notifications."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from PIL import Image

from hongshu.accounts.services import account_create

pytestmark = pytest.mark.browser

PASSWORD = "plum-blossom-2026"
TITLE = "Hangzhou tea houses"  # titles hold at most 20 characters
BOARD = "Weekend ideas 周末"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    # Member 2 exists already; member 1 is created through the sign-up page.
    account_create(handle="mei", password=PASSWORD, display_name="Mei 梅")
    return str(live_server.url)


def _jpegs(folder: Path) -> list[str]:
    files = []
    for name, color, size in (
        ("tea", "#b5651d", (480, 640)),
        ("lake", "#4a90c2", (640, 480)),
        ("pot", "#7a9a3a", (500, 500)),
    ):
        image = Image.new("RGB", size, color)
        image.paste(Image.new("RGB", (size[0] // 4, size[1] // 2), "white"), (size[0] // 3, size[1] // 4))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85)
        target = folder / f"{name}.jpg"
        target.write_bytes(buffer.getvalue())
        files.append(str(target))
    return files


def _badge(page: Any) -> int:
    """The unread count in the navigation (0 when the badge is hidden)."""
    badge = page.locator("#unread-badge")
    if badge.get_attribute("hidden") is not None:
        return 0
    return int(re.match(r"\d+", badge.inner_text().strip()).group())  # type: ignore[union-attr]


def test_sign_up_publish_like_collect_comment_reply_notify(
    *, site: str, chromium: Any, artifacts: Path, tmp_path: Path, watch: Any, wait_until: Any
) -> None:
    # 1. The newcomer, on a phone, signs up in English and picks two interests.
    phone = chromium.new_context(**PHONE, locale="en-US")
    phone.set_default_timeout(10_000)
    newcomer = watch(phone)
    page = newcomer.page
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Sign up").click()
    page.wait_for_url(site + "/signup/")
    page.get_by_label("Handle").fill("lin_tea")
    page.get_by_label("Name").fill("Lin 林")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(site + "/me/interests")
    assert page.locator(".site-nav__me").get_attribute("title") == "@lin_tea"
    page.get_by_label("Travel").check()
    page.get_by_label("Food").check()
    page.screenshot(path=str(artifacts / "journey-1-interests-390.png"), full_page=True)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(site + "/")
    page.goto(site + "/me/interests")  # the choice was saved
    checked = page.eval_on_selector_all(".interest input:checked", "els => els.map(e => e.value)")
    assert checked == ["travel", "food"]

    # 2. The red "+" opens compose: three photos, a title and a body with a #topic, published.
    page.goto(site + "/")
    page.locator("a.app-nav__publish").click()
    page.wait_for_url(site + "/compose/")
    page.set_input_files("[data-photo-input]", _jpegs(tmp_path))
    wait_until(page, "document.querySelectorAll('[data-photo-tile]:not(.is-uploading)').length === 3")
    wait_until(page, "[...document.querySelectorAll('[data-photo-id]')].every(i => /^\\d+$/.test(i.value))")
    wait_until(page, "!document.querySelector('.photo-tile.is-processing, .photo-tile.is-failed')")
    page.fill("#id_title", TITLE)
    page.fill("#id_body", "Longjing tea by the lake, then a walk. #teatime")
    page.screenshot(path=str(artifacts / "journey-2-compose-390.png"), full_page=True)
    page.click("button[name=publish]")
    page.wait_for_url(re.compile(r"/notes/\d+$"))
    note_id = page.url.rsplit("/", 1)[1]
    assert page.locator("h1.note__title").inner_text() == TITLE
    assert page.locator("img.gallery__img").count() == 3
    assert page.locator(".note__body .topic").all_inner_texts() == [
        "#teatime"
    ]  # inline topics are highlighted
    page.locator(".app-nav a[href='/@lin_tea']").click()
    page.wait_for_url(site + "/@lin_tea")
    assert TITLE in page.locator(".card__title").all_inner_texts()
    wait_until(page, "[...document.images].every(img => img.complete)")
    page.screenshot(path=str(artifacts / "journey-2-profile-390.png"), full_page=True)
    assert newcomer.problems == []

    # 3. Member 2, at desktop width, signs in, switches to Chinese, and finds the note on Explore.
    desktop = chromium.new_context(**DESKTOP, locale="en-US")
    desktop.set_default_timeout(10_000)
    reader = watch(desktop)
    wide = reader.page
    wide.goto(site + "/signin/")
    wide.get_by_label("Handle").fill("mei")
    wide.get_by_label("Password").fill(PASSWORD)
    wide.get_by_role("button", name="Sign in").click()
    wide.wait_for_url(site + "/")
    assert wide.locator("html").get_attribute("lang") == "en"
    wide.locator("button.lang-switch__option[value='zh-hans']").click()
    wait_until(wide, "document.documentElement.lang === 'zh-hans'")
    wide.wait_for_load_state()
    assert wide.locator(".app-nav__item.is-active").inner_text().strip() == "发现"  # "Explore", in Chinese
    card = wide.locator(f"a[data-note-link='{note_id}']")
    assert card.count() == 1
    card.click()
    wait_until(wide, "document.getElementById('note-overlay').open")
    assert wide.url == f"{site}/notes/{note_id}"
    overlay = wide.locator("#note-overlay")
    assert overlay.locator(".note__title").inner_text() == TITLE

    # Like, collect into a new board made in the collect sheet, comment.
    wide.locator(f"#like-{note_id}").click()
    wait_until(wide, f"document.querySelector('#like-{note_id}').getAttribute('aria-pressed') === 'true'")
    wait_until(wide, f"document.querySelector('#like-{note_id} [data-count]').textContent.trim() === '1'")
    wide.locator(f"#collect-{note_id}").click()
    wait_until(wide, "document.getElementById('sheet').open")
    assert wide.locator("#sheet-title").inner_text() == "收藏到专辑"
    wide.locator(f"#new-board-{note_id}").fill(BOARD)
    wide.screenshot(path=str(artifacts / "journey-3-collect-1280.png"))
    wide.get_by_role("button", name="创建并收藏").click()
    wait_until(wide, "!document.getElementById('sheet').open")
    wait_until(wide, f"document.querySelector('#collect-{note_id}').getAttribute('aria-pressed') === 'true'")
    assert wide.locator(f"#collect-{note_id} .action__count").inner_text().strip() == "1"
    box = overlay.locator(".composer__input")
    box.fill("Which one had the best view?")
    box.press("Enter")
    wait_until(
        wide,
        "[...document.querySelectorAll('#note-overlay .comment__body')]"
        ".some(p => p.textContent.includes('Which one had the best view?'))",
    )
    wide.screenshot(path=str(artifacts / "journey-3-note-1280.png"))
    wide.keyboard.press("Escape")
    wait_until(wide, "!document.getElementById('note-overlay').open && location.pathname === '/'")
    # The new board holds the note (Mei's collects tab lists it by name).
    wide.goto(site + "/@mei?tab=collects")
    assert BOARD in wide.locator(".profile__boards").inner_text()
    wide.get_by_role("link", name=BOARD).click()
    wide.wait_for_load_state()
    assert TITLE in wide.locator(".card__title").all_inner_texts()
    assert reader.problems == []

    # 4. The author replies to the comment on the note page.
    page.goto(f"{site}/notes/{note_id}")
    assert page.locator(f"#like-{note_id} [data-count]").inner_text().strip() == "1"
    assert page.locator(f"#collect-{note_id} .action__count").inner_text().strip() == "1"
    comment = page.locator(".comment", has_text="Which one had the best view?").first
    comment.locator(".comment__reply").first.click()
    wait_until(page, "!document.querySelector('[data-replying]').hidden")
    composer = page.locator(".composer__input")
    composer.fill("The one by the lake!")
    composer.press("Enter")
    wait_until(
        page,
        "[...document.querySelectorAll('.comment--reply .comment__body')]"
        ".some(p => p.textContent.includes('The one by the lake!'))",
    )
    page.screenshot(path=str(artifacts / "journey-4-reply-390.png"), full_page=True)

    # 5. Notifications: the author has unread like, collect and comment from Mei…
    page.goto(site + "/")
    assert _badge(page) == 3  # like, collect, comment
    page.locator(".app-nav a[href='/notifications/']").click()
    page.wait_for_url(site + "/notifications/")
    lines = page.locator(".inbox__line").all_inner_texts()
    for phrase in ("liked your note", "collected your note", "commented on your note"):
        assert any("Mei 梅" in line and phrase in line for line in lines), (phrase, lines)
    page.screenshot(path=str(artifacts / "journey-5-notifications-390.png"), full_page=True)
    assert newcomer.problems == []
    phone.close()

    # …and Mei sees the reply, in Chinese.
    wide.goto(site + "/")
    assert _badge(wide) == 1
    wide.goto(site + "/notifications/")
    lines = wide.locator(".inbox__line").all_inner_texts()
    assert any("Lin 林" in line and "回复了你的评论" in line for line in lines), lines
    assert "The one by the lake!" in wide.locator(".inbox__list").inner_text()
    wide.screenshot(path=str(artifacts / "journey-5-notifications-1280.png"))
    assert reader.problems == []
    desktop.close()
