"""A reader opens a note, taps its topic chip and follows the topic, in English and in Chinese, in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from devices import PHONE
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, Place, note_create

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    author = account_create(handle="xiaoyu", password=PASSWORD, display_name="小雨")
    account_create(handle="emma", password=PASSWORD, display_name="Emma")
    account_create(handle="wei", password=PASSWORD, display_name="伟")
    photo = render_photo(PhotoSpec(painter="sea", shape="portrait", seed=1))
    asset = media_upload(owner=author, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"))
    note = note_create(
        author=author,
        title="洱海骑行",
        body="Sunset ride #旅行",
        images=[ImageSpec(media_id=asset.pk)],
        topics=["citywalk"],
        place=Place(name="大理 Dali"),
    )
    return {"url": str(live_server.url), "note": note.pk}


def _sign_in(page: Any, url: str, handle: str) -> None:
    page.goto(url + "/signin/")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/")


# (UI language, reader, the button before and after following)
READERS = {"en": ("emma", "Follow topic", "Following topic"), "zh-hans": ("wei", "关注话题", "已关注话题")}


@pytest.mark.parametrize("language", list(READERS))
def test_open_a_note_tap_its_topic_and_follow_it(
    site: dict[str, Any],
    chromium: Any,
    watch: Callable[[Any], Any],
    wait_until: Callable[..., None],
    language: str,
) -> None:
    handle, follow, following = READERS[language]
    url = site["url"]
    context = chromium.new_context(**PHONE)
    watched = watch(context)
    page = watched.page
    _sign_in(page, url, handle)
    host = url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    )

    page.goto(f"{url}/notes/{site['note']}")
    inline = page.locator(".note__body a.topic", has_text="#旅行")
    assert inline.get_attribute("href") == f"/topics/{quote('旅行')}"
    page.locator(".chips a.chip--link", has_text="#citywalk").click()
    page.wait_for_url(f"{url}/topics/citywalk")
    assert page.locator("h1.topic-head__name").inner_text() == "#citywalk"
    assert page.locator(".card__title", has_text="洱海骑行").count() == 1
    button = page.locator("[data-topic-follow]")
    assert button.inner_text().strip() == follow
    button.click()
    wait_until(page, f"document.querySelector('[data-topic-follow]').textContent.trim() === '{following}'")
    page.reload()  # the follow is stored, not only shown
    assert page.locator("[data-topic-follow]").inner_text().strip() == following

    # The inline #topic leads to its own page, which the Chinese name reaches as well.
    page.goto(f"{url}/notes/{site['note']}")
    page.locator(".note__body a.topic", has_text="#旅行").click()
    page.wait_for_url(f"{url}/topics/{quote('旅行')}")
    assert page.locator("h1.topic-head__name").inner_text() == "#旅行"

    # The followed topic's note is in the reader's following feed, though they follow no one.
    page.goto(f"{url}/following/")
    assert page.locator(".card__title", has_text="洱海骑行").count() == 1
    page.goto(f"{url}/nearby/?region=dali")
    assert page.locator(".card__title", has_text="洱海骑行").count() == 1
    assert watched.problems == []
    context.close()
