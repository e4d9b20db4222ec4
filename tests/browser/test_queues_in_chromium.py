"""The moderation queues in Chromium at 390 px and on a desk, in both languages: an English reader sees their
queue and the shared one (a Chinese case with its labelled dictionary gloss), nothing overflows the phone's
width, and claim-next opens the best case."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.media.models import MediaAsset
from hongshu.moderation.services import case_open
from hongshu.notes.services import ImageSpec, note_create

pytestmark = pytest.mark.browser

PASSWORD = "queue-lantern-25"


@pytest.fixture
def site(transactional_db: None, live_server: Any, ready_images: Any) -> dict[str, Any]:
    root = account_create(handle="rootq", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    mod = roles.role_grant(
        actor=root, member=account_create(handle="ellen", password=PASSWORD), role="moderator"
    )
    roles.staff_profile_update(staff=mod, languages=["en"], on_duty=True)
    writer = account_create(handle="writer", password=PASSWORD)
    cases = {}
    for language, text in (
        ("en", "Cheap watches, visit my shop for a very long link and more words than fit on one line"),
        ("zh-Hans", "我喜欢学习中文，请加我微信购买便宜的手表"),
    ):
        [photo] = ready_images(writer)
        _with_a_file(int(photo))  # the case page shows it: a missing file would be a 404 in the console
        note = note_create(
            author=writer,
            title=text[:20],
            body=text,
            images=[ImageSpec(media_id=int(photo))],
            language=language,
        )
        cases[language] = case_open(
            subject=f"note:{note.pk}",
            source="screening",
            language=language,
            rule_code="spam",
            rule_version=1,
            severity=2,
            evidence={},
        )
    return {"url": str(live_server.url), "cases": cases}


def _with_a_file(media_id: int) -> None:
    """Give a processed photo real variant files (the shared fixture's have none)."""
    buffer = io.BytesIO()
    Image.new("RGB", (360, 480), "tomato").save(buffer, "WEBP")
    key = default_storage.save(f"media/test/{media_id}.webp", ContentFile(buffer.getvalue()))
    MediaAsset.objects.filter(pk=media_id).update(variants={"360": key, "720": key})


def _sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/signin/?next=/staff/queues")
    page.fill("#id_handle", "ellen")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/staff/queues")


def _no_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize(("device", "locale"), [(PHONE, "en-US"), (PHONE, "zh-CN"), (DESKTOP, "en-US")])
def test_queues_read_on_a_phone_and_a_desk(
    site: dict[str, Any], chromium: Any, artifacts: Path, device: dict[str, Any], locale: str
) -> None:
    context = chromium.new_context(**device, locale=locale)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    base = site["url"]
    _sign_in(page, base)
    queues = page.eval_on_selector_all("[data-queue]", "els => els.map(e => e.dataset.queue)")
    assert queues == ["en", "shared"]  # never the Chinese queue
    _no_overflow(page)
    tag = f"{device['viewport']['width']}-{locale}"
    page.screenshot(path=str(artifacts / f"queues-{tag}.png"), full_page=True)
    page.goto(f"{base}/staff/queues/shared")
    shared = page.locator(f"[data-case='{site['cases']['zh-Hans'].pk}']")
    assert shared.count() == 1
    if locale == "en-US":
        assert shared.locator("[data-translation-kind='gloss']").count() == 1
        assert "dictionary gloss" in shared.inner_text().lower()  # shown in small capitals
    _no_overflow(page)
    page.screenshot(path=str(artifacts / f"queue-shared-{tag}.png"), full_page=True)
    page.goto(f"{base}/staff/queues/en")
    _no_overflow(page)
    page.click("form.queue__next button")
    page.wait_for_url(f"**/staff/cases/{site['cases']['en'].pk}")
    assert page.locator("[data-lease]").count() == 1  # claimed: the lease and its release form
    assert page.locator("form[action$='/release']").count() == 1
    assert problems == []
    context.close()
