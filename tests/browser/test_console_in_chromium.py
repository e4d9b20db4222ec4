"""The moderator console in Chromium on a 390 px phone: a moderator opens the surge dashboard, goes to the case
list and a case, toggles the translation (the dictionary gloss here, labelled so), and dismisses the case with
the keyboard shortcut d; bulk mode chosen with the keyboard; the pages in Chinese on a desk. No page is wider
than the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.moderation.services import report_create
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create
from hongshu.screening.models import Rule
from hongshu.screening.stamp import catalog_changed

pytestmark = pytest.mark.browser

PASSWORD = "lantern-festival-9"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    root = account_create(handle="rooted", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    moderator = roles.role_grant(
        actor=root, member=account_create(handle="meiling", password=PASSWORD), role="moderator"
    )
    roles.staff_profile_update(staff=moderator, languages=["zh", "en"], on_duty=True)
    wen = account_create(handle="wen", password=PASSWORD)
    asset = media_upload(
        owner=wen,
        upload=SimpleUploadedFile(
            "p.jpg", render_photo(PhotoSpec(painter="sea", shape="square", seed=3)), "image/jpeg"
        ),
    )
    note = note_create(author=wen, title="free money", images=[ImageSpec(media_id=asset.pk)])
    Note.objects.filter(pk=note.pk).update(title="免费赚钱", body="加微信领取", language="zh-Hans")
    Rule.objects.get_or_create(
        code="spam",
        defaults={
            "title_en": "Spam",
            "title_zh": "垃圾信息",
            "text_en": "No spam.",
            "text_zh": "禁止垃圾信息。",
        },
    )
    catalog_changed()
    reporter = account_create(handle="reporter", password=PASSWORD)
    report = report_create(reporter=reporter, subject_type="note", subject_id=note.pk, rule_code="spam")
    return {"url": str(live_server.url), "case": report.case_id}


def test_a_moderator_goes_from_the_dashboard_to_a_case_and_dismisses_it_with_d(
    site: dict[str, Any], chromium: Any, watch: Any, wait_until: Any, artifacts: Path
) -> None:
    url, case_id = site["url"], site["case"]
    watched = watch(chromium.new_context(**PHONE, locale="en-US"))
    page = watched.page
    page.goto(f"{url}/signin/?next=/staff/dashboard")
    page.fill("#id_handle", "meiling")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/staff/dashboard")
    zh = page.locator("[data-loads] tr[data-language=zh]")
    assert zh.locator("[data-backlog]").inner_text() == "1"
    assert zh.locator("[data-on-duty]").inner_text() == "1"
    assert page.locator("svg[data-chart=signups] rect").count() == 48
    assert page.evaluate(FITS)
    page.screenshot(path=str(artifacts / "console-dashboard-phone.png"), full_page=True)
    page.get_by_role("link", name="All cases").click()
    page.wait_for_url("**/staff/cases")
    assert page.evaluate(FITS)
    # j highlights the first case of the list, o opens it.
    assert page.locator(f"tr[data-case='{case_id}'][data-case-row]").count() == 1
    page.keyboard.press("j")
    page.locator("tr.is-current[data-case-row]").wait_for()
    page.keyboard.press("o")
    page.wait_for_url(f"**/staff/cases/{case_id}")
    assert page.get_by_text("免费赚钱").is_visible()
    watched.load_every_image()  # the photo, through the staff route
    assert page.evaluate(FITS)
    page.locator("[data-translation-toggle]").click()
    page.wait_for_url(f"**/staff/cases/{case_id}?translate=1")
    assert page.get_by_text("Dictionary gloss, not a translation").is_visible()
    assert page.locator("[data-translation-kind=gloss] ruby").count() >= 2
    page.screenshot(path=str(artifacts / "console-case-phone.png"), full_page=True)
    # ? opens the help; d dismisses (the page's own Dismiss button, clicked by web/console.js).
    page.keyboard.press("?")
    wait_until(page, "document.querySelector('[data-shortcuts-help]').open")
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    page.wait_for_url(f"**/staff/cases/{case_id}")
    page.locator("[data-case-state]", has_text="dismissed").wait_for()
    assert "decided" in page.locator("[data-case-state]").inner_text()
    assert page.url.endswith(f"/staff/cases/{case_id}")
    assert not watched.problems, watched.problems


def test_the_case_page_and_dashboard_in_chinese_on_a_desk(
    site: dict[str, Any], chromium: Any, watch: Any, artifacts: Path
) -> None:
    url, case_id = site["url"], site["case"]
    watched = watch(chromium.new_context(**DESKTOP, locale="zh-CN"))
    page = watched.page
    page.goto(f"{url}/signin/?next=/staff/cases/{case_id}")
    page.fill("#id_handle", "meiling")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(f"**/staff/cases/{case_id}")
    assert page.get_by_text("@wen 的记录").is_visible()
    assert page.get_by_role("button", name="不成立").is_visible()
    # On a desk the content and the case sit side by side.
    content = page.locator(".console__main").bounding_box()
    side = page.locator(".console__side").bounding_box()
    assert side["x"] > content["x"] + content["width"] - 1
    page.screenshot(path=str(artifacts / "console-case-desk-zh.png"), full_page=True)
    page.goto(f"{url}/staff/dashboard")
    assert page.get_by_role("heading", name="激增看板").is_visible()
    assert page.locator("[data-loads] tr[data-language=zh] [data-backlog]").inner_text() == "1"
    assert not watched.problems, watched.problems


def test_bulk_mode_with_the_keyboard_on_a_phone(site: dict[str, Any], chromium: Any, watch: Any) -> None:
    url, case_id = site["url"], site["case"]
    watched = watch(chromium.new_context(**PHONE, locale="en-US"))
    page = watched.page
    page.goto(f"{url}/signin/?next=/staff/cases")
    page.fill("#id_handle", "meiling")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/staff/cases")
    # j highlights the case, x ticks it, b opens the review of the selection.
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.is_checked(f"tr[data-case='{case_id}'] input[name=case]")
    page.keyboard.press("b")
    page.wait_for_url("**/staff/cases/bulk?*")
    item = page.locator(f"[data-bulk-item='{case_id}']")
    assert item.get_by_text("免费赚钱").is_visible()  # its content, before confirming
    assert item.locator("[data-bulk-history]").get_by_text("@wen").is_visible()
    assert page.evaluate(FITS)
    page.select_option("#bulk-operation", "dismiss")
    page.get_by_role("button", name="Confirm for the selected cases").click()
    page.locator(f"[data-bulk-result='{case_id}'][data-ok=true]").wait_for()
    assert page.evaluate(FITS)
    assert not watched.problems, watched.problems
