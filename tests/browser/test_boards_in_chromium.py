"""Boards and comment deletion in Chromium: collect a note into a new board from the sheet, rename the board,
share it and make it private again, delete it (its note stays collected), and delete one's own comment
(confirmed; the list and both counts follow). In English on a phone, and in Chinese on a desktop."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.comments.services import comment_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, note_create

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
# Only strings the catalog already translates are checked word for word; the rest by role and attribute.
WORDS = {
    "en": {
        "mine": "My collection",
        "saved": "Saved to 京都 trip",
        "delete": "Delete",
        "comments": "1 comment",
    },
    "zh-hans": {
        "mine": "我的收藏",
        "saved": "已收藏到京都 trip",
        "delete": "删除",
        "comments": "共 1 条评论",
    },
}


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    alice = account_create(handle="alice", password=PASSWORD, display_name="小雨 Alice")
    bob = account_create(handle="bob", password=PASSWORD, display_name="Bob")
    photo = render_photo(PhotoSpec(painter="plate", shape="portrait", seed=3))
    asset = media_upload(owner=alice, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"))
    note = note_create(
        author=alice, title="Ramen in Kyoto", body="Rich broth", images=[ImageSpec(media_id=asset.pk)]
    )
    comment_create(author=alice, note_id=note.pk, body="Thanks for reading")
    mine = comment_create(author=bob, note_id=note.pk, body="Bob was here")
    return {"url": str(live_server.url), "note": note.pk, "mine": mine.pk}


def _sign_in(page: Any, url: str, handle: str) -> None:
    page.goto(f"{url}/signin/?next=/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(url + "/")


@pytest.mark.parametrize("setting", [("en", PHONE), ("zh-hans", DESKTOP)], ids=["en-phone", "zh-desktop"])
def test_boards_and_comment_deletion(
    *,
    site: dict[str, Any],
    chromium: Any,
    watch: Any,
    wait_until: Any,
    artifacts: Path,
    setting: tuple[str, dict[str, Any]],
) -> None:
    language, device = setting
    url, note = site["url"], site["note"]
    words = WORDS[language]
    context = chromium.new_context(**device, locale="en-US")
    context.add_cookies([{"name": "hongshu_language", "value": language, "url": url}])
    watched = watch(context)
    page = watched.page
    _sign_in(page, url, "bob")
    assert page.get_attribute("html", "lang") == language

    # Collect into a new board from the sheet.
    page.goto(f"{url}/notes/{note}")
    page.click(f"#collect-{note}")
    sheet = page.locator("#sheet")
    sheet.locator(".boards__item").first.wait_for()
    assert sheet.locator(".boards__item").first.inner_text().startswith(words["mine"])
    sheet.locator("input[name=new_board]").fill("京都 trip")
    sheet.locator(".boards__new button[type=submit]").click()
    wait_until(page, f"document.querySelector('#collect-{note}').getAttribute('aria-pressed') === 'true'")
    wait_until(page, "!document.querySelector('#sheet').open")
    page.locator("#toasts").get_by_text(words["saved"]).wait_for()
    assert page.locator(f"#collect-{note} .action__count").inner_text() == "1"

    # The board on the profile's collects tab: rename it, share it, make it private again.
    page.goto(f"{url}/@bob?tab=collects")
    page.locator(".profile__boards a", has_text="京都 trip").click()
    page.wait_for_url("**board=*")
    assert page.locator(".waterfall").get_by_text("Ramen in Kyoto").is_visible()
    page.fill("#board-name", "大阪 eats")
    page.click("form.board-manage__rename button[type=submit]")
    page.locator(".profile__boards a", has_text="大阪 eats").wait_for()
    board_url = page.url
    assert page.input_value("#board-name") == "大阪 eats"
    page.screenshot(path=str(artifacts / f"boards-manage-{language}.png"), full_page=True)
    page.click("button[name=is_public][value='1']")
    page.locator("button[name=is_public][value='0']").wait_for()
    visitor = chromium.new_context(**device)
    assert visitor.new_page().goto(board_url).status == 200
    page.click("button[name=is_public][value='0']")
    page.locator("button[name=is_public][value='1']").wait_for()
    assert visitor.new_page().goto(board_url).status == 404
    visitor.close()

    # Delete it after confirming; the note stays collected, in the default board.
    page.click(".board-manage__delete summary")
    confirm = page.locator(".board-manage__confirm button[type=submit]")
    assert confirm.is_visible()
    confirm.click()
    page.wait_for_url("**/@bob?tab=collects")
    assert page.locator(".profile__boards a", has_text="大阪 eats").count() == 0
    assert page.locator(".waterfall").get_by_text("Ramen in Kyoto").is_visible()

    # Delete one's own comment: confirmed, gone from the list, and both counts follow.
    page.goto(f"{url}/notes/{note}")
    mine = page.locator(f"#comment-{site['mine']}")
    theirs = page.locator(".comment__row", has_text="Thanks for reading")
    assert theirs.locator(".comment__delete").count() == 0
    assert mine.locator(".comment__delete").inner_text() == words["delete"]
    dialogs: list[str] = []

    def answer(accept: bool) -> Callable[[Any], None]:
        def handle(dialog: Any) -> None:
            dialogs.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        return handle

    page.once("dialog", answer(accept=False))
    mine.locator(".comment__delete").click()
    page.wait_for_timeout(300)
    assert mine.count() == 1  # dismissed: nothing happens
    page.once("dialog", answer(accept=True))
    mine.locator(".comment__delete").click()
    wait_until(page, f"!document.querySelector('#comment-{site['mine']}')")
    assert len(dialogs) == 2
    if language == "en":
        assert dialogs[0] == "Delete this comment?"
    assert page.locator(f"#comments-title-{note}").inner_text() == words["comments"]
    assert page.locator(f"a[href='#comments-title-{note}'] .action__count").inner_text() == "1"
    assert theirs.is_visible()
    page.reload()
    assert page.get_by_text("Bob was here").count() == 0
    assert page.locator(f"#comments-title-{note}").inner_text() == words["comments"]
    assert watched.problems == []
    context.close()
