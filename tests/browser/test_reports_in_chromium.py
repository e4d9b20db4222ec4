"""Reporting in Chromium, in English (phone) and in Chinese (desktop): a reader opens a note, follows its
Report link to the sheet, picks a rule, adds a few words and sends it; the thanks page and /me/reports show
it. A refusal (reporting twice) keeps what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.notes.services import ImageSpec, note_create
from hongshu.screening.models import Rule
from hongshu.screening.stamp import catalog_changed

pytestmark = pytest.mark.browser

PASSWORD = "paper-lantern-88"
LANGUAGES = {"en": (PHONE, "en-US"), "zh-hans": (DESKTOP, "zh-CN")}


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    emily = account_create(handle="emily", password=PASSWORD)
    account_create(handle="reader", password=PASSWORD)
    asset = media_upload(
        owner=emily,
        upload=SimpleUploadedFile(
            "p.jpg", render_photo(PhotoSpec(painter="sea", shape="square", seed=1)), "image/jpeg"
        ),
    )
    note = note_create(author=emily, title="Free followers", images=[ImageSpec(media_id=asset.pk)])
    Rule.objects.create(
        code="spam", title_en="Spam", title_zh="垃圾信息", text_en="No spam.", text_zh="禁止垃圾信息。"
    )
    catalog_changed()
    return {"url": str(live_server.url), "note": note.pk}


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_a_note_from_its_page(site: dict[str, Any], chromium: Any, watch: Any, language: str) -> None:
    device, locale = LANGUAGES[language]
    watched = watch(chromium.new_context(**device, locale=locale))
    page = watched.page
    url = site["url"]
    page.goto(f"{url}/signin/?next=/notes/{site['note']}")
    page.fill("#id_handle", "reader")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(f"**/notes/{site['note']}")
    page.locator("[data-report=note]").first.click()
    page.wait_for_url(f"**/report/note/{site['note']}")
    page.get_by_text("垃圾信息" if language != "en" else "Spam", exact=True).click()
    page.fill("#report-text", "sells fake followers")
    page.locator("[data-report-sheet] button[type=submit]").click()
    page.locator("[data-report-sent]").wait_for()
    assert page.get_by_text(
        "感谢你的举报" if language != "en" else "Thank you for your report"
    ).first.is_visible()
    # Twice: refused, with what was typed kept.
    page.goto(f"{url}/report/note/{site['note']}")
    page.get_by_text("垃圾信息" if language != "en" else "Spam", exact=True).click()
    page.fill("#report-text", "again")
    page.locator("[data-report-sheet] button[type=submit]").click()
    page.locator("[data-report-error=already_reported]").wait_for()
    assert page.input_value("#report-text") == "again"
    page.goto(f"{url}/me/reports")
    assert page.locator("[data-report]").count() == 1
    problems = [p for p in watched.problems if "409" not in p]  # the refusal itself
    assert not problems, problems
