"""Appeals in Chromium on a 390 px phone, in Chinese and in English: a suspended member is refused at sign-in,
follows the refusal's link to the appeal form, proves who they are with handle and password, reads the
statement of reasons and appeals (a refusal keeps the typed text); a different moderator overturns it on
/staff/appeals; the member signs in again and reads the outcome on /me/decisions. No page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from devices import PHONE

from hongshu.accounts import roles
from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.moderation import actions
from hongshu.screening.models import Rule, RuleVersion
from hongshu.screening.stamp import catalog_changed

pytestmark = pytest.mark.browser

PASSWORD = "paper-lantern-88"
TEXTS = {
    "zh-hans": {
        "locale": "zh-CN",
        "appeal": "申诉",
        "send": "提交申诉",
        "waiting": "等待一位未参与原决定的审核员处理。",
        "overturn": "推翻：撤销全部影响",
        "overturned": "申诉后已推翻",
    },
    "en": {
        "locale": "en-US",
        "appeal": "Appeal",
        "send": "Send appeal",
        "waiting": "Waiting for a moderator who did not take the decision.",
        "overturn": "Overturn: reverse every effect",
        "overturned": "Overturned on appeal",
    },
}


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> dict[str, Any]:
    root = account_create(handle="rootcrew", password=PASSWORD)
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    decider = roles.role_grant(
        actor=root, member=account_create(handle="otto", password=PASSWORD), role="moderator"
    )
    member = account_create(handle="nina", password=PASSWORD)
    texts = {"title_en": "Spam", "title_zh": "垃圾信息", "text_en": "No spam.", "text_zh": "禁止垃圾信息。"}
    rule, _made = Rule.objects.update_or_create(code="spam", defaults={**texts, "active": True})
    RuleVersion.objects.update_or_create(
        rule=rule, version=rule.version, defaults={**texts, "severity": rule.severity}
    )
    catalog_changed()
    actions.act(
        staff=root,
        subject_type="member",
        subject_id=member.pk,
        kinds=["suspend"],
        rule_code="spam",
        facts="Fifty identical comments in an hour.",
        duration_days=30,
    )
    return {"url": str(live_server.url), "decider": decider.handle}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


@pytest.mark.parametrize("language", TEXTS)
def test_a_suspended_member_appeals_and_another_moderator_overturns(
    site: dict[str, Any], chromium: Any, watch: Any, artifacts: Any, language: str
) -> None:
    words = TEXTS[language]
    url = site["url"]
    member = watch(chromium.new_context(**PHONE, locale=words["locale"]))
    page = member.page
    page.goto(f"{url}/signin/")
    page.fill("#id_handle", "nina")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.locator("[data-appeal-link] a").click()
    page.wait_for_url("**/appeal")
    _fits(page)
    page.fill("#appeal-handle", "nina")
    page.fill("#appeal-password", PASSWORD)
    page.locator("form.auth__form button[type=submit]").click()
    page.wait_for_url("**/appeal/decisions")
    assert page.get_by_text("Fifty identical comments in an hour.").is_visible()
    page.locator("[data-appeal-button]").click()
    _fits(page)
    # Too long: refused, what was typed is kept.
    too_long = "长" * 2001
    textarea = page.locator("textarea[name=text]")
    textarea.evaluate("(el, v) => { el.removeAttribute('maxlength'); el.value = v; }", too_long)
    page.get_by_role("button", name=words["send"]).click()
    page.locator("[data-appeal-error=appeal_text_too_long]").wait_for()
    assert page.locator("textarea[name=text]").input_value() == too_long
    page.locator("textarea[name=text]").fill("那是同一个活动的报名回复，不是垃圾信息。")
    page.get_by_role("button", name=words["send"]).click()
    page.locator("[data-appeal-state=open]").wait_for()
    assert page.get_by_text(words["waiting"]).is_visible()
    _fits(page)
    page.screenshot(path=str(artifacts / f"appeal-1-filed-{language}-390.png"), full_page=True)

    moderator = watch(chromium.new_context(**PHONE, locale=words["locale"]))
    staff = moderator.page
    staff.goto(f"{url}/signin/?next=/staff/appeals")
    staff.fill("#id_handle", site["decider"])
    staff.fill("#id_password", PASSWORD)
    staff.click("form.auth__form button[type=submit]")
    staff.wait_for_url("**/staff/appeals")
    assert staff.get_by_text("那是同一个活动的报名回复，不是垃圾信息。").is_visible()
    _fits(staff)
    staff.screenshot(path=str(artifacts / f"appeal-2-queue-{language}-390.png"), full_page=True)
    staff.get_by_role("button", name=words["overturn"]).click()
    staff.wait_for_url("**/staff/appeals")
    assert staff.locator("[data-appeal]").count() == 0

    page.goto(f"{url}/signin/?next=/me/decisions")
    page.fill("#id_handle", "nina")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url("**/me/decisions")
    page.locator("[data-appeal-state=overturned]").wait_for()
    assert page.get_by_text(words["overturned"]).first.is_visible()
    _fits(page)
    page.goto(f"{url}/transparency")
    assert page.locator("[data-appeals-overturned]").inner_text() == "1"
    _fits(page)
    problems = [p for p in member.problems if "422" not in p]  # the refusal of the too long text itself
    assert not problems, problems
    assert not moderator.problems, moderator.problems
