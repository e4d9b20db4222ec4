"""A note a moderator marked sensitive, in Chromium with and without JavaScript: its photos are blurred on the
card and on the note page, labelled "Sensitive content" (敏感内容 in Chinese), and the reader's tap on the
label shows them (a `<details>` gate: CSS alone) — and blurs them again."""

from __future__ import annotations

from typing import Any

import pytest
from devices import PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, note_create, note_set_sensitive

pytestmark = pytest.mark.browser

IMG_FILTER = "getComputedStyle(document.querySelector('{}')).filter"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    emily = account_create(handle="emily", password="paper-lantern-88")
    asset = media_upload(
        owner=emily,
        upload=SimpleUploadedFile(
            "p.jpg", render_photo(PhotoSpec(painter="sea", shape="square", seed=2)), "image/jpeg"
        ),
    )
    note = note_create(author=emily, title="Beach day", images=[ImageSpec(media_id=asset.pk)])
    assert note_set_sensitive(note_id=note.pk, sensitive=True)
    return {"url": str(live_server.url), "note": note.pk}


@pytest.mark.parametrize(
    ("javascript", "locale", "label"), [(True, "en-US", "Sensitive content"), (False, "zh-CN", "敏感内容")]
)
def test_sensitive_photos_are_blurred_until_tapped(
    site: dict[str, Any], chromium: Any, javascript: bool, locale: str, label: str
) -> None:
    context = chromium.new_context(**PHONE, locale=locale, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site['url']}/")
    card = page.locator(f"[data-note-link='{site['note']}'] .cover--sensitive")
    assert label in card.inner_text()
    assert "blur" in page.evaluate(IMG_FILTER.format(".cover--sensitive .cover__img"))
    card.click()
    page.wait_for_url(f"**/notes/{site['note']}")
    gallery_img = ".gallery--sensitive .gallery__img"
    assert "blur" in page.evaluate(IMG_FILTER.format(gallery_img))
    gate = page.locator(".sensitive-gate__label")
    assert label in gate.inner_text()
    gate.click()
    assert page.evaluate(IMG_FILTER.format(gallery_img)) == "none"
    gate.click()  # and back
    assert "blur" in page.evaluate(IMG_FILTER.format(gallery_img))
    context.close()
