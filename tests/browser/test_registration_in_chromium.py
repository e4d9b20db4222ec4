"""Registration modes through the real UI in Chromium, once in English and once in Chinese: an applicant applies
(with a Chinese reason) and an admin approves them in the queue; a member makes an invite and a newcomer joins
through its link; a closed instance says so; an open one lets a newcomer straight in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from devices import DESKTOP, PHONE
from django.core import mail

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.core.runtime import runtime_set

pytestmark = pytest.mark.browser

PASSWORD = "plum-blossom-2026"
REASON = "我在杭州学中文，想分享喝茶和旅行的照片。"
# What each UI language shows, with the browser locale that picks it (Accept-Language).
UI: dict[str, dict[str, str]] = {
    "en": {
        "locale": "en-US",
        "apply": "Apply to join",
        "received": "Thank you — your application was received",
        "waiting": "Your application is waiting for review.",
        "approved_mail": "Welcome to Hongshu: your application was approved",
        "create_invite": "Create an invite link",
        "uses_left": "2 uses left",
        "invited": "You were invited by a member. Welcome!",
        "closed": "Hongshu is not accepting new members right now",
    },
    "zh-hans": {
        "locale": "zh-CN",
        "apply": "申请加入",
        "received": "谢谢！我们已收到你的申请",
        "waiting": "你的申请正在等待审核。",
        "approved_mail": "欢迎加入红薯：你的申请已通过",
        "create_invite": "创建邀请链接",
        "uses_left": "还可使用 2 次",
        "invited": "你收到了成员的邀请，欢迎加入！",
        "closed": "红薯目前暂不接受新成员注册",
    },
}


def _in_another_thread(work: Any) -> Any:
    """Database work while Playwright's event loop runs in this thread (Django refuses it here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _mode(mode: str) -> None:
    """Switch the mode as an admin would (from a worker thread: Chromium is already running here)."""
    _in_another_thread(
        lambda: runtime_set(key="registration_mode", value=mode, actor_id=None, reason="browser journey")
    )


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    reviewer = account_create(handle="reviewer", password=PASSWORD, display_name="Reviewer")
    User.objects.filter(pk=reviewer.pk).update(is_staff=True)
    member = account_create(handle="mei", password=PASSWORD, display_name="Mei 梅")
    User.objects.filter(pk=member.pk).update(trust_level=2)
    return str(live_server.url)


def _sign_in(page: Any, site: str, handle: str) -> None:
    page.goto(site + "/signin/")
    page.fill("#id_handle", handle)
    page.fill("#id_password", PASSWORD)
    page.click(".auth__form button[type=submit]")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_applicant_applies_and_an_admin_approves(
    *, site: str, chromium: Any, watch: Any, language: str, artifacts: Any
) -> None:
    ui = UI[language]
    _mode("approval")
    applicant = watch(chromium.new_context(**PHONE, locale=ui["locale"]))
    page = applicant.page
    page.set_default_timeout(10_000)
    page.goto(site + "/signup/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("[data-registration-mode=approval]").count() == 1
    page.fill("#id_handle", "lin_tea")
    page.fill("#id_display_name", "Lin 林")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name=ui["apply"]).click()
    page.wait_for_selector("[data-application-status=pending]")
    assert ui["received"] in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / f"registration-applied-{language}.png"), full_page=True)
    # The email field of the sign-up form is another item's; give the applicant an address as it would.
    _in_another_thread(lambda: User.objects.filter(handle="lin_tea").update(email="lin@example.org"))

    _sign_in(page, site, "lin_tea")
    page.wait_for_selector(".form-errors")
    assert ui["waiting"] in page.locator(".form-errors").inner_text()

    # The admin reads English; the queue shows the reason as written and its detected language.
    admin = watch(chromium.new_context(**DESKTOP, locale="en-US"))
    queue = admin.page
    queue.set_default_timeout(10_000)
    _sign_in(queue, site, "reviewer")
    queue.wait_for_url(site + "/")
    queue.goto(site + "/staff/applications")
    entry = queue.locator("li[data-handle=lin_tea]")
    assert REASON in entry.locator(".application__reason").inner_text()
    assert "zh-Hans" in entry.locator(".application__meta").inner_text()
    queue.screenshot(path=str(artifacts / f"registration-queue-{language}.png"), full_page=True)
    entry.locator("input[name=note]").fill("欢迎 welcome")
    entry.get_by_role("button", name="Approve").click()
    queue.wait_for_url(site + "/staff/applications")
    assert queue.locator("li[data-handle=lin_tea]").count() == 0

    (message,) = mail.outbox
    assert message.to == ["lin@example.org"]
    assert message.subject == ui["approved_mail"]  # in the language the applicant applied in
    assert "欢迎 welcome" in message.body

    _sign_in(page, site, "lin_tea")
    page.wait_for_url(site + "/")
    assert page.locator(".site-nav__me").get_attribute("title") == "@lin_tea"
    assert applicant.problems == []
    assert admin.problems == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_member_invites_and_a_newcomer_joins_through_the_link(
    *, site: str, chromium: Any, watch: Any, language: str, artifacts: Any
) -> None:
    ui = UI[language]
    _mode("invite")
    member = watch(chromium.new_context(**DESKTOP, locale=ui["locale"]))
    page = member.page
    page.set_default_timeout(10_000)
    _sign_in(page, site, "mei")
    page.wait_for_url(site + "/")
    page.goto(site + "/me/invites")
    page.fill("#id_max_uses", "2")
    page.fill("#id_expires_in_days", "3")
    page.get_by_role("button", name=ui["create_invite"]).click()
    page.wait_for_selector(".invite")
    assert ui["uses_left"] in page.locator(".invite__meta").inner_text()
    link = page.locator(".invite__link").input_value()
    assert "/join/" in link
    page.screenshot(path=str(artifacts / f"registration-invites-{language}.png"), full_page=True)

    newcomer = watch(chromium.new_context(**PHONE, locale=ui["locale"]))
    joining = newcomer.page
    joining.set_default_timeout(10_000)
    joining.goto(link)
    assert ui["invited"] in joining.locator("[data-registration-mode=invited]").inner_text()
    assert joining.locator("#id_invite_code").input_value() == link.rsplit("/", 1)[1]
    joining.fill("#id_handle", "new_friend")
    joining.fill("#id_password", PASSWORD)
    joining.click(".auth__form button[type=submit]")
    joining.wait_for_url(site + "/me/interests")
    assert joining.locator(".site-nav__me").get_attribute("title") == "@new_friend"

    page.reload()
    remaining = "1 use left" if language == "en" else "还可使用 1 次"
    assert remaining in page.locator(".invite__meta").inner_text()
    assert member.problems == []
    assert newcomer.problems == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_closed_instance_says_so(*, site: str, chromium: Any, watch: Any, language: str) -> None:
    ui = UI[language]
    _mode("closed")
    visitor = watch(chromium.new_context(**PHONE, locale=ui["locale"]))
    page = visitor.page
    page.set_default_timeout(10_000)
    page.goto(site + "/signup/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").inner_text() == ui["closed"]
    assert page.locator("#id_password").count() == 0
    assert visitor.problems == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_open_instance_lets_a_newcomer_straight_in(
    *, site: str, chromium: Any, watch: Any, language: str
) -> None:
    ui = UI[language]
    visitor = watch(chromium.new_context(**PHONE, locale=ui["locale"]))
    page = visitor.page
    page.set_default_timeout(10_000)
    page.goto(site + "/signup/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#id_reason").count() == 0  # nobody asks why in open mode
    assert page.locator("#id_invite_code").count() == 0
    page.fill("#id_handle", f"open_{language.replace('-', '_')}")
    page.fill("#id_password", PASSWORD)
    page.locator(".auth__form button[type=submit]").first.click()
    page.wait_for_url("**/me/interests**")
    joined = _in_another_thread(lambda: User.objects.get(handle=f"open_{language.replace('-', '_')}"))
    assert joined.is_active
    assert visitor.problems == []
