"""The author's own notes in Chromium, in English (phone) and in Chinese (desktop): edit a note's title,
visibility and photo order from the author menu and see it changed (and hidden from visitors); save a draft,
continue it with a photo and publish it into Explore; correct the note's language; delete it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, note_create

pytestmark = pytest.mark.browser

PASSWORD = "paper-lantern-88"
LANGUAGES = {"en": (PHONE, "en-US"), "zh-hans": (DESKTOP, "zh-CN")}


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    emily = account_create(handle="emily", password=PASSWORD, display_name="Emily 艾米")
    assets = [
        media_upload(
            owner=emily,
            upload=SimpleUploadedFile(
                "p.jpg", render_photo(PhotoSpec(painter=painter, shape="square", seed=i)), "image/jpeg"
            ),
        )
        for i, painter in enumerate(("sea", "plate"))
    ]
    note = note_create(
        author=emily,
        title="Tea in Hangzhou",
        body="Longjing by the lake #龙井",
        images=[ImageSpec(media_id=a.pk) for a in assets],
        topics=["citywalk"],
    )
    return {"url": str(live_server.url), "note": note.pk, "photos": [a.pk for a in assets]}


def _photo(folder: Path) -> str:
    image = Image.new("RGB", (600, 800), "#3aa675")
    image.paste(Image.new("RGB", (200, 800), "white"), (0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    target = folder / "green.png"
    target.write_bytes(buffer.getvalue())
    return str(target)


def _gallery_media(page: Any) -> list[int]:
    srcs = page.eval_on_selector_all("img.gallery__img", "els => els.map(e => e.getAttribute('src'))")
    return [int(re.search(r"/media/(\d+)/", src).group(1)) for src in srcs]  # type: ignore[union-attr]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_edit_draft_publish_language_delete(
    site: dict[str, Any],
    chromium: Any,
    *,
    watch: Any,
    wait_until: Any,
    artifacts: Path,
    tmp_path: Path,
    language: str,
) -> None:
    url, note_id = site["url"], site["note"]
    device, locale = LANGUAGES[language]
    context = chromium.new_context(**device, locale=locale)
    watched = watch(context)
    page = watched.page

    page.goto(f"{url}/signin/?next=/notes/{note_id}")
    page.fill("#id_handle", "emily")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(f"**/notes/{note_id}")
    assert page.locator("html").get_attribute("lang") == language

    # ---- edit from the author menu: title, visibility, photo order ----
    menu = page.locator("[data-author-menu]")
    assert not page.locator(".author-menu__panel").is_visible()
    menu.locator("summary").click()
    assert page.locator(".author-menu__panel").is_visible()
    page.screenshot(path=str(artifacts / f"noteedit-menu-{language}.png"))
    page.click(f".author-menu__panel a[href='/notes/{note_id}/edit']")
    page.wait_for_url(f"**/notes/{note_id}/edit")
    assert page.input_value("#id_title") == "Tea in Hangzhou"
    chips = [t.replace("×", "").strip() for t in page.locator("[data-topic-chips] .chip").all_inner_texts()]
    assert chips == ["#citywalk"]
    page.fill("#id_title", "Tea at West Lake")
    page.select_option("#id_visibility", "followers")
    page.locator("[data-photo-tile]").nth(0).locator("[data-photo-right]").click()  # cover becomes 2nd photo
    page.screenshot(path=str(artifacts / f"noteedit-edit-{language}.png"), full_page=True)
    page.click("button[name=save]")
    page.wait_for_url(f"**/notes/{note_id}")
    assert page.locator("h1.note__title").inner_text() == "Tea at West Lake"
    assert page.locator(".notice-toast").count() == 1
    assert _gallery_media(page) == list(reversed(site["photos"]))
    edited = page.locator("a.note__edited")
    assert edited.inner_text() == ("Edited" if language == "en" else "已编辑")

    # The earlier version is one click away; visitors no longer see a followers-only note.
    edited.click()
    page.wait_for_url(f"**/notes/{note_id}/history")
    assert "Tea in Hangzhou" in page.locator(".version").nth(1).inner_text()
    assert "Tea at West Lake" in page.locator(".version--current").inner_text()
    page.screenshot(path=str(artifacts / f"noteedit-history-{language}.png"), full_page=True)
    visitor = chromium.new_context(**device, locale=locale).new_page()
    assert visitor.goto(f"{url}/notes/{note_id}").status == 404
    visitor.context.close()

    # ---- a draft: save, continue with a photo, publish into Explore ----
    page.goto(f"{url}/compose/")
    page.fill("#id_title", "Half an idea")
    page.click("button[name=draft]")
    page.wait_for_url("**/me/drafts")
    assert page.locator(".draft__name").all_inner_texts() == ["Half an idea"]
    page.screenshot(path=str(artifacts / f"noteedit-drafts-{language}.png"), full_page=True)
    page.locator(".draft__actions a.btn").first.click()  # "Continue editing"
    page.wait_for_url("**/notes/*/edit")
    draft_id = int(page.url.rstrip("/").split("/")[-2])
    assert page.input_value("#id_title") == "Half an idea"
    page.set_input_files("[data-photo-input]", _photo(tmp_path))
    wait_until(page, "document.querySelectorAll('[data-photo-tile]:not(.is-uploading)').length === 1")
    wait_until(page, "!document.querySelector('.photo-tile.is-processing, .photo-tile.is-failed')")
    page.fill("#id_title", "A whole idea")
    page.click("button[name=publish]")
    page.wait_for_url(f"**/notes/{draft_id}")
    assert page.locator("h1.note__title").inner_text() == "A whole idea"
    page.goto(f"{url}/")
    assert "A whole idea" in page.locator(".card__title").all_inner_texts()
    page.goto(f"{url}/me/drafts")
    assert page.locator(".draft").count() == 0

    # ---- correct the language from the author menu ----
    page.goto(f"{url}/notes/{draft_id}")
    page.locator("[data-author-menu] summary").click()
    page.select_option(f"#note-language-{draft_id}", "ja")
    page.click(".author-menu__language button[type=submit]")
    page.wait_for_url(f"**/notes/{draft_id}")
    assert page.locator("article.note").get_attribute("lang") == "ja"

    # ---- delete it, after the confirmation ----
    page.locator("[data-author-menu] summary").click()
    page.click(f".author-menu__panel a[href='/notes/{draft_id}/delete']")
    page.wait_for_url(f"**/notes/{draft_id}/delete")
    page.screenshot(path=str(artifacts / f"noteedit-delete-{language}.png"), full_page=True)
    page.click("[data-confirm-delete]")
    page.wait_for_url("**/@emily")
    assert page.locator(".notice-toast, .me-toast").count() == 1
    assert "A whole idea" not in page.locator("body").inner_text()
    assert "Tea at West Lake" in page.locator(".card__title").all_inner_texts()
    assert watched.problems == []
    context.close()
