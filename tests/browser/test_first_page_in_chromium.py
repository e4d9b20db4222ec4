"""The first page and a note page in headless Chromium: photos load, nothing shifts, no console errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import blurhash
import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.demo.content import DEMO_PASSWORD, MEMBERS
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.demo.services import demo_load
from hongshu.media.models import MediaAsset
from hongshu.media.services import media_upload

pytestmark = pytest.mark.browser


# Sums the layout shifts recorded since the page started (buffered), ignoring those caused by input.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


@pytest.fixture
def demo_site(transactional_db: None, live_server: Any) -> str:
    demo_load(photos_per_note_max=2)
    return str(live_server.url)


def test_first_page_and_note_page_at_phone_and_desktop_widths(
    demo_site: str, chromium: Any, artifacts: Path, watch: Any, wait_until: Any
) -> None:
    for name, device, columns in (("390", PHONE, 2), ("1280", DESKTOP, 4)):
        context = chromium.new_context(**device, locale="en-US")
        watched = watch(context)
        page = watched.page
        page.goto(demo_site + "/", wait_until="load")
        # Nothing moves while the first page loads (the next page, loaded on scrolling, adds below).
        wait_until(page, "document.querySelector('.waterfall.is-laid') !== null")
        page.wait_for_timeout(300)
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
        watched.load_every_image()

        covers = page.locator("img.cover__img")
        assert covers.count() >= 20  # scrolling to the end also loads the next page
        lefts = page.evaluate(
            "[...new Set([...document.querySelectorAll('.waterfall > .waterfall__item')]"
            ".map(li => Math.round(li.getBoundingClientRect().left)))]"
        )
        assert len(lefts) == columns  # the masonry placed cards into this many columns
        images = page.evaluate(
            "[...document.images].map(i => [i.className, i.getAttribute('alt'), i.naturalWidth])"
        )
        assert all(alt is not None for _cls, alt, _w in images)  # every image has alt (avatars: "")
        assert all(alt and width > 0 for cls, alt, width in images if "cover__img" in cls)
        ratios = page.evaluate(
            "[...document.querySelectorAll('.cover')].map(c => c.clientWidth / c.clientHeight)"
        )
        assert all(0.74 <= ratio <= 1.34 for ratio in ratios), ratios
        # The blurhash placeholders were decoded and painted (opaque pixels), then hidden once photos loaded.
        painted = page.evaluate(
            "[...document.querySelectorAll('canvas[data-blurhash]')]"
            ".map(c => [c.getContext('2d').getImageData(16, 16, 1, 1).data[3], c.hidden])"
        )
        assert painted
        assert all(alpha == 255 and hidden for alpha, hidden in painted)
        assert page.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]  # type: ignore[index]
        page.screenshot(path=str(artifacts / f"home-{name}.png"))

        # A note with 2 photos, as its own page (a click opens it over the waterfall: tests/browser/test_feeds…).
        href = page.locator("article.card:has(.cover__count) a.card__link").first.get_attribute("href")
        page.goto(demo_site + str(href), wait_until="load")
        watched.load_every_image()
        assert page.locator("h1.note__title").inner_text()
        gallery = page.evaluate("[...document.querySelectorAll('img.gallery__img')].map(i => i.alt)")
        assert len(gallery) == 2
        assert all(gallery)
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
        page.screenshot(path=str(artifacts / f"note-{name}.png"))
        counter = page.locator("[data-gallery-index]")
        assert counter.inner_text() == "1"
        if device is DESKTOP:  # arrows on desktop; on phones the strip is swiped (here: the keyboard)
            page.locator("[data-gallery-next]").click()
        else:
            page.locator("[data-gallery-track]").press("ArrowRight")
        wait_until(page, "document.querySelector('[data-gallery-index]').textContent === '2'")
        assert page.locator(".gallery__dot").nth(1).get_attribute("class") == "gallery__dot is-active"
        assert watched.problems == []
        context.close()


@pytest.fixture
def one_member_site(transactional_db: None, live_server: Any) -> dict[str, str]:
    member = MEMBERS[7]
    account_create(handle=member.handle, password=DEMO_PASSWORD, display_name=member.display_name)
    return {"url": str(live_server.url), "handle": member.handle, "name": member.display_name}


def test_sign_in_switch_language_and_sign_out(
    one_member_site: dict[str, str], chromium: Any, watch: Any, wait_until: Any
) -> None:
    context = chromium.new_context(**PHONE, locale="en-US")
    watched = watch(context)
    page = watched.page
    page.goto(one_member_site["url"] + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Handle").fill("@" + one_member_site["handle"].upper())
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().strip() == "The handle or password is not correct."
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(one_member_site["url"] + "/")
    me = page.locator(".site-nav__me")
    assert me.get_attribute("title") == "@" + one_member_site["handle"]  # (the name is hidden on phones)
    assert me.locator(".avatar").inner_text() == one_member_site["name"][0]

    page.locator("button.lang-switch__option[value='zh-hans']").click()
    page.wait_for_load_state()
    wait_until(page, "document.documentElement.lang === 'zh-hans'")
    assert page.locator("button.lang-switch__option.is-active").get_attribute("value") == "zh-hans"

    page.locator("form[action='/signout/'] button").click()
    page.wait_for_load_state()
    assert page.locator(".site-nav__me").count() == 0
    assert page.get_by_role("link", name="登录").is_visible()  # signed out, still in Chinese
    assert page.locator("html").get_attribute("lang") == "zh-hans"  # the language choice outlives the session
    assert watched.problems == []
    context.close()


@pytest.fixture
def some_blurhashes(transactional_db: None, live_server: Any) -> dict[str, Any]:
    owner = account_create(handle="painter", password=DEMO_PASSWORD)
    for seed, painter in enumerate(["sea", "plate", "lipstick", "city", "cat"]):
        photo = render_photo(PhotoSpec(painter=painter, shape="square", seed=seed))
        media_upload(
            owner=owner, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg")
        )  # processed at once
    hashes = list(MediaAsset.objects.exclude(blurhash="").values_list("blurhash", flat=True))
    return {"url": str(live_server.url), "hashes": hashes}


def test_the_javascript_blurhash_decoder_matches_the_reference(
    some_blurhashes: dict[str, Any], chromium: Any
) -> None:
    page = chromium.new_page()
    page.goto(some_blurhashes["url"] + "/")
    assert len(some_blurhashes["hashes"]) == 5
    for value in some_blurhashes["hashes"]:
        expected = list(blurhash.decode(value, 12, 9).tobytes())
        decoded = page.evaluate(f"Array.from(Hongshu.decodeBlurhash({value!r}, 12, 9, 1))")
        rgb = [channel for index, channel in enumerate(decoded) if index % 4 != 3]
        assert max(abs(a - b) for a, b in zip(rgb, expected, strict=True)) <= 1, value
    assert (
        page.evaluate(
            "(() => { try { Hongshu.decodeBlurhash('abc', 4, 4); return 'no error' } catch (e) { return 'error' } })()"
        )
        == "error"
    )
