"""Issue 25's moderation journey through the real pages in Chromium.

An English-only moderator clears the English backlog from the queues and is never shown the Chinese case
(not in her queues, not in the shared one since a Chinese reader is on duty, and refused when she tries to
claim it); the Chinese-reading moderator claims the Chinese report from the Chinese queue and removes the
note on the case page; the author, whose interface is set to Chinese, reads the statement of reasons in
Chinese on /me/decisions and appeals; a different moderator (the admin) overturns the appeal; the note is
back on the author's profile, in search and in the follower's following feed; the event log verifies.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.core.audit import audit_verify
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.media.services import media_upload
from hongshu.moderation.services import case_open, report_create
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create
from hongshu.screening.models import Rule, RuleVersion
from hongshu.screening.stamp import catalog_changed
from hongshu.social import services as social

pytestmark = pytest.mark.browser

PASSWORD = "sweet-potato-journey-25"
WORD = "螺蛳粉"  # the distinctive word of the Chinese note, searched for at the end
ZH_TITLE = f"柳州{WORD}探店"
ZH_BODY = f"今天在柳州老街吃到了最正宗的{WORD}，酸笋很香，汤底很辣。"
EN_TITLES = ["Cheap watches here", "Follow for followers", "Click my shop link"]
RULE = {"title_en": "Spam", "title_zh": "垃圾信息", "text_en": "No spam.", "text_zh": "禁止垃圾信息。"}
FACTS = "同一条推广信息被举报。"
APPEAL = "这是我自己写的探店笔记，不是广告。"


def _note(author: User, title: str, body: str, language: str, seed: int) -> Note:
    photo = render_photo(PhotoSpec(painter="plate", shape="portrait", seed=seed))
    asset = media_upload(owner=author, upload=SimpleUploadedFile("p.jpg", photo, "image/jpeg"))
    return note_create(
        author=author, title=title, body=body, images=[ImageSpec(media_id=asset.pk)], language=language
    )


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    root = account_create(handle="rootj", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    for handle, languages in (("ellen", ["en"]), ("wei", ["zh"])):
        staff = roles.role_grant(
            actor=root, member=account_create(handle=handle, password=PASSWORD), role="moderator"
        )
        roles.staff_profile_update(staff=staff, languages=languages, on_duty=True)
    rule, _made = Rule.objects.update_or_create(code="spam", defaults={**RULE, "active": True})
    RuleVersion.objects.update_or_create(
        rule=rule, version=rule.version, defaults={**RULE, "severity": rule.severity}
    )
    catalog_changed()

    nina = account_create(handle="nina", password=PASSWORD, display_name="妮娜", languages=["zh-Hans"])
    follower = account_create(handle="fan", password=PASSWORD)
    social.follow_create(follower=follower, followee=nina)
    chinese = _note(nina, ZH_TITLE, ZH_BODY, "zh-Hans", 1)

    writer = account_create(handle="writer", password=PASSWORD)
    english = []
    for seed, title in enumerate(EN_TITLES, start=2):
        note = _note(writer, title, f"{title}: a very good offer, visit now.", "en", seed)
        english.append(
            case_open(
                subject=f"note:{note.pk}",
                source="screening",
                language="en",
                rule_code="spam",
                rule_version=rule.version,
                severity=2,
                evidence={},
            ).pk
        )
    reporter = account_create(handle="reporter", password=PASSWORD)
    report = report_create(
        reporter=reporter, subject_type="note", subject_id=chinese.pk, rule_code="spam", text="广告"
    )
    return {"url": str(live_server.url), "note": chinese.pk, "zh_case": report.case_id, "en_cases": english}


def _sign_in(page: Any, url: str, handle: str, target: str) -> None:
    page.goto(f"{url}/signin/?next={target}")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(f"**{target}")


def _in_another_thread(work: Any) -> Any:
    """Database work while Playwright's event loop runs in this thread (Django refuses it here)."""

    def run() -> Any:
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _never_chinese(page: Any) -> None:
    html = page.content()
    assert WORD not in html, page.url
    assert ZH_BODY not in html, page.url


def test_english_backlog_chinese_removal_appeal_overturn_and_the_note_is_back(
    site: dict[str, Any], chromium: Any, watch: Any
) -> None:
    url, note_id, zh_case = site["url"], site["note"], site["zh_case"]

    # 1. Ellen reads English only: her queues are English and shared, and she clears the English backlog.
    ellen = watch(chromium.new_context(**DESKTOP, locale="en-US"))
    page = ellen.page
    _sign_in(page, url, "ellen", "/staff/queues")
    _never_chinese(page)
    assert page.eval_on_selector_all("[data-queue]", "els => els.map(e => e.dataset.queue)") == [
        "en",
        "shared",
    ]
    page.goto(f"{url}/staff/queues/shared")
    _never_chinese(page)
    assert page.locator(f"[data-case='{zh_case}']").count() == 0  # wei is on duty and reads Chinese
    decided = []
    for _ in range(len(site["en_cases"]) + 1):
        page.goto(f"{url}/staff/queues/en")
        _never_chinese(page)
        assert page.locator(f"[data-case='{zh_case}']").count() == 0
        with page.expect_navigation():
            page.click("form.queue__next button")
        if page.url.endswith("?empty=1"):
            break
        case_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        _never_chinese(page)
        assert page.locator("[data-lease]").count() == 1
        page.click("button[name=decision][value=dismissed]")
        page.locator("[data-case-state]", has_text="dismissed").wait_for()
        _never_chinese(page)
        decided.append(case_id)
    assert page.url.endswith("/staff/queues/en?empty=1")
    assert page.locator("[role=status].queue__empty").is_visible()
    assert page.locator("li.qcase--none").count() == 1  # the English queue is empty
    assert sorted(decided) == sorted(site["en_cases"])
    _never_chinese(page)
    # The Chinese queue is refused to her, and so is claiming the Chinese case itself.
    refused = page.goto(f"{url}/staff/queues/zh")
    assert refused is not None
    assert refused.status == 403
    _never_chinese(page)
    page.goto(f"{url}/staff/queues")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    claim = page.request.post(
        f"{url}/staff/cases/{zh_case}/claim", form={"csrfmiddlewaretoken": token}, max_redirects=0
    )
    assert claim.status == 403, claim.status
    assert WORD not in claim.text()
    refusal = {
        f"403: {url}/staff/queues/zh",
        "console: Failed to load resource: the server responded with a status of 403 (Forbidden)",
    }
    problems = [p for p in ellen.problems if p not in refusal]
    assert not problems, problems

    # 2. Wei reads Chinese: she claims the report from the Chinese queue and removes the note under a rule.
    wei = watch(chromium.new_context(**PHONE, locale="zh-CN"))
    page = wei.page
    _sign_in(page, url, "wei", "/staff/queues/zh")
    row = page.locator(f"[data-case='{zh_case}']")
    assert WORD in row.inner_text()
    row.locator("form[action$='/claim'] button", has_text="认领").click()
    page.wait_for_url(f"**/staff/cases/{zh_case}")
    assert page.locator("[data-case-state]").inner_text().startswith("claimed")
    assert page.get_by_text(ZH_TITLE).first.is_visible()
    form = page.locator("form[data-act-form]")
    # On a phone the page must not be wider than the screen (mobile Chromium widens the layout viewport to
    # fit, and taps land beside their targets).
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    form.locator("input[name=kinds][value=remove]").check()
    form.locator("#act-rule").select_option("spam")
    form.locator("#act-facts").fill(FACTS)
    form.get_by_role("button", name="执行").click()
    page.locator(".case__actions [data-kind=remove]").wait_for()
    assert "upheld" in page.locator("[data-case-state]").inner_text()
    assert not wei.problems, wei.problems

    # The note is gone for the follower: from nina's profile, from search and from the following feed.
    fan = watch(chromium.new_context(**DESKTOP, locale="zh-CN"))
    reader = fan.page
    _sign_in(reader, url, "fan", "/@nina")
    for path in ("/@nina", f"/search/?q={WORD}", "/following/"):
        reader.goto(url + path)
        assert reader.locator(f"[data-note-link='{note_id}']").count() == 0, path

    # 3. Nina sets her interface to Chinese, reads the statement of reasons in Chinese and appeals.
    member = watch(chromium.new_context(**PHONE, locale="en-US"))
    page = member.page
    _sign_in(page, url, "nina", "/me/settings")
    page.select_option("#ui-language", "zh-hans")
    with page.expect_navigation():
        page.locator("form:has(#ui-language) button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(f"{url}/me/decisions")
    assert page.get_by_role("heading", name="我的处理决定").is_visible()
    statement = page.locator("[data-statement][data-kind=remove]")
    text = statement.inner_text()
    for words in (
        "我们移除了你的笔记。",
        "规则",
        "垃圾信息",
        "禁止垃圾信息。",
        "事实",
        FACTS,
        "如何寻求救济",
    ):
        assert words in text, words
    assert "Spam" not in text
    assert "We removed your note." not in text
    statement.locator("[data-appeal-button]").click()
    statement.locator("textarea[name=text]").fill(APPEAL)
    statement.get_by_role("button", name="提交申诉").click()
    page.locator("[data-appeal-state=open]").wait_for()
    assert not member.problems, member.problems

    # 4. Another moderator than wei, the admin, overturns the appeal.
    admin = watch(chromium.new_context(**DESKTOP, locale="en-US"))
    staff = admin.page
    _sign_in(staff, url, "rootj", "/staff/appeals")
    appeal = staff.locator("[data-appeal]", has_text=APPEAL)
    assert appeal.count() == 1
    with staff.expect_navigation():
        appeal.get_by_role("button", name="Overturn: reverse every effect").click()
    assert staff.locator("[data-appeal]").count() == 0
    assert not admin.problems, admin.problems

    # 5. The note is back: on nina's profile, in search for its word and in the follower's following feed.
    reader.goto(f"{url}/@nina")
    reader.locator(f"[data-note-link='{note_id}']").first.wait_for()
    assert reader.get_by_text(ZH_TITLE).first.is_visible()
    reader.goto(f"{url}/search/?q={WORD}")
    reader.locator(f"[data-note-link='{note_id}']").first.wait_for()
    reader.goto(f"{url}/following/")
    reader.locator(f"[data-note-link='{note_id}']").first.wait_for()
    assert not fan.problems, fan.problems
    # And nina reads the overturn on her decisions page, in Chinese.
    page.goto(f"{url}/me/decisions")
    page.locator("[data-appeal-state=overturned]").wait_for()
    assert page.get_by_text("申诉后已推翻：这项决定不再生效。").is_visible()
    assert not member.problems, member.problems

    # 6. The event log verifies after the whole journey.
    checked, broken = _in_another_thread(audit_verify)
    assert broken is None, broken
    assert checked > 0
