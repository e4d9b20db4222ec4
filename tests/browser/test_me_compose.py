"""Compose in Chromium: upload 3 photos, reorder, alt text, live grapheme counter, publish, see it on the profile."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from PIL import Image

from hongshu.accounts.services import account_create
from hongshu.social import services as social

pytestmark = pytest.mark.browser

PASSWORD = "paper-lantern-88"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    emily = account_create(
        handle="emily", password=PASSWORD, display_name="Emily 艾米", languages=["en", "zh-Hans"]
    )
    account_create(handle="lily_chen", password=PASSWORD, display_name="Lily 陈")
    wei = account_create(handle="wei", password=PASSWORD, display_name="小伟")
    social.follow_create(follower=wei, followee=emily)
    return str(live_server.url)


def _photos(folder: Path) -> list[str]:
    files = []
    for name, color, size in (
        ("red", "#e85d4a", (600, 800)),
        ("green", "#3aa675", (800, 600)),
        ("blue", "#3d6fd9", (700, 700)),
    ):
        image = Image.new("RGB", size, color)
        image.paste(Image.new("RGB", (size[0] // 3, size[1]), "white"), (0, 0))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        target = folder / f"{name}.png"
        target.write_bytes(buffer.getvalue())
        files.append(str(target))
    return files


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/signin/?next=/compose/")
    page.fill("#id_handle", "emily")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/compose/")


def test_compose_upload_reorder_alt_counter_publish(
    site: str, chromium: Any, artifacts: Path, tmp_path: Path, wait_until: Any
) -> None:
    context = chromium.new_context(**PHONE, locale="en-US")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    _sign_in(page, site)

    page.set_input_files("[data-photo-input]", _photos(tmp_path))
    wait_until(page, "document.querySelectorAll('[data-photo-tile]:not(.is-uploading)').length === 3")
    wait_until(page, "[...document.querySelectorAll('[data-photo-id]')].every(i => /^\\d+$/.test(i.value))")
    wait_until(page, "!document.querySelector('.photo-tile.is-processing, .photo-tile.is-failed')")
    ids = page.eval_on_selector_all("[data-photo-tile] [data-photo-id]", "els => els.map(e => e.value)")
    assert len(ids) == 3

    # Reorder with the keyboard: the first photo moves one place later.
    first = page.locator("[data-photo-tile]").nth(0)
    first.locator("[data-photo-right]").focus()
    page.keyboard.press("Enter")
    order = page.eval_on_selector_all("[data-photo-tile] [data-photo-id]", "els => els.map(e => e.value)")
    assert order == [ids[1], ids[0], ids[2]]
    assert page.locator("[data-photo-status]").inner_text() == "Photo moved to position 2."
    # …and the third by drag and drop onto the first place.
    page.locator("[data-photo-tile]").nth(2).drag_to(
        page.locator("[data-photo-tile]").nth(0), target_position={"x": 5, "y": 40}
    )
    order = page.eval_on_selector_all("[data-photo-tile] [data-photo-id]", "els => els.map(e => e.value)")
    assert order == [ids[2], ids[1], ids[0]]
    assert "is-cover" in (page.locator("[data-photo-tile]").nth(0).get_attribute("class") or "")

    tiles = page.locator("[data-photo-tile]")
    for index, alt in enumerate(["Blue tiles of a teahouse", "A green valley", "Red lanterns"]):
        tiles.nth(index).locator("[data-photo-alt]").fill(alt)

    page.fill("#id_title", "")
    page.type("#id_title", "海边 🌊👨‍👩‍👧")
    assert page.locator("#title_counter").inner_text() == "5/20"  # the family emoji is one character
    page.type("#id_body", "Sunset walk with @lil")
    wait_until(page, "!document.querySelector('[data-mention-list]').hidden")
    assert "@lily_chen" in page.locator("[data-mention-list]").inner_text()
    page.keyboard.press("Enter")
    assert page.input_value("#id_body") == "Sunset walk with @lily_chen "
    page.type("#id_body", "#海边 #sunset")
    page.type("#id_topics", "travel ")
    page.type("#id_topics", "#美食")
    page.press("#id_topics", "Enter")
    chips = [
        text.replace("×", "").strip() for text in page.locator("[data-topic-chips] .chip").all_inner_texts()
    ]
    assert chips == ["#travel", "#美食"]
    page.fill("#id_place", "Xiamen")
    page.screenshot(path=str(artifacts / "compose-390.png"), full_page=True)

    page.click("button[name=publish]")
    page.wait_for_url("**/notes/*")
    alts = page.eval_on_selector_all("img.gallery__img", "els => els.map(e => e.alt)")
    assert alts == ["Blue tiles of a teahouse", "A green valley", "Red lanterns"]

    page.goto(f"{site}/@emily")
    assert "海边 🌊👨‍👩‍👧" in page.locator(".card__title").all_inner_texts()
    wait_until(page, "[...document.images].every(img => img.complete)")
    page.screenshot(path=str(artifacts / "profile-390.png"), full_page=True)
    page.goto(f"{site}/me/settings")
    page.screenshot(path=str(artifacts / "settings-390.png"), full_page=True)
    assert problems == []
    context.close()

    wide = chromium.new_context(**DESKTOP, locale="zh-CN")
    page = wide.new_page()
    _sign_in(page, site)
    page.set_input_files("[data-photo-input]", _photos(tmp_path)[:2])
    wait_until(
        page,
        "document.querySelectorAll('[data-photo-tile]:not(.is-uploading):not(.is-processing)').length === 2",
    )
    page.fill("#id_title", "周末的早午餐")
    page.screenshot(path=str(artifacts / "compose-1280.png"), full_page=True)
    page.goto(f"{site}/@emily")
    wait_until(page, "[...document.images].every(img => img.complete)")
    page.screenshot(path=str(artifacts / "profile-1280.png"), full_page=True)
    page.goto(f"{site}/me/settings")
    page.screenshot(path=str(artifacts / "settings-1280.png"), full_page=True)
    wide.close()
