"""Email journeys in Chromium, in English and in Chinese: a forgotten password reset through the link mailed
(read from Django's outbox) and an address verified after sign-up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from devices import PHONE
from django.core import mail
from django.utils import timezone

from hongshu.accounts.services import account_create

pytestmark = pytest.mark.browser

PASSWORD = "plum-blossom-2026"
NEW_PASSWORD = "osmanthus-tea-2027"

# UI language -> (text the reset page shows once asked, the settings page's "verified", a mail subject)
LANGUAGES = {
    "en": ("If an account with a verified email address matches", "verified", "Reset your Hongshu password"),
    "zh-hans": ("重置密码的链接已在路上", "已验证", "重置你的红薯密码"),
}


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    for handle, languages in (("forgetful", ["en"]), ("wangfang", ["zh-Hans"])):
        user = account_create(
            handle=handle, password=PASSWORD, email=f"{handle}@example.org", languages=languages
        )
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    mail.outbox.clear()
    return str(live_server.url)


def _page(chromium: Any, site: str, language: str, watch: Any) -> Any:
    context = chromium.new_context(**PHONE, locale="en-US")
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "hongshu_language", "value": language, "url": site}])
    return watch(context)


def _path(message: Any) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.mark.parametrize(("language", "handle"), [("en", "forgetful"), ("zh-hans", "wangfang")])
def test_password_reset_by_email(*, site: str, chromium: Any, watch: Any, language: str, handle: str) -> None:
    sent_text, _verified, subject = LANGUAGES[language]
    watched = _page(chromium, site, language, watch)
    page = watched.page
    page.goto(site + "/signin/")
    assert page.locator("html").get_attribute("lang") == language
    page.locator("a[href='/password-reset']").click()
    page.wait_for_url(site + "/password-reset")
    page.fill("#id_login", f"{handle}@example.org")
    page.locator(".auth__form button[type=submit]").first.click()
    assert sent_text in page.locator("[data-testid=reset-sent]").inner_text()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == subject  # the member's language, whatever the page's
    link = _path(mail.outbox[0])
    page.goto(site + link)
    page.fill("#id_new_password", NEW_PASSWORD)
    page.locator(".auth__form button[type=submit]").first.click()
    page.wait_for_url(site + "/signin/")

    page.fill("#id_handle", handle)
    page.fill("#id_password", NEW_PASSWORD)
    page.locator(".auth__form button[type=submit]").first.click()
    page.wait_for_url(site + "/")
    assert page.locator(".site-nav__me").get_attribute("title") == f"@{handle}"

    page.goto(site + link)  # used once: the page says so in the reader's language
    error = page.locator("[data-testid=reset-error]").inner_text()
    assert ("已过期或已使用" if language == "zh-hans" else "has already been used") in error
    # The used link's page answers 422 (reported twice: the response and the console); nothing else failed.
    assert watched.problems
    assert all("422" in problem for problem in watched.problems), watched.problems


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_sign_up_with_an_address_and_verify_it(
    *, site: str, chromium: Any, watch: Any, language: str
) -> None:
    _sent, verified, _subject = LANGUAGES[language]
    watched = _page(chromium, site, language, watch)
    page = watched.page
    page.goto(site + "/signup/")
    page.fill("#id_handle", "newcomer")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_email", "newcomer@example.org")
    page.locator(".auth__form button[type=submit]").first.click()
    page.wait_for_url(site + "/me/interests")
    page.goto(site + "/me/settings")
    assert page.locator("[data-testid=email-unverified]").count() == 1

    assert [message.to for message in mail.outbox] == [["newcomer@example.org"]]
    page.goto(site + _path(mail.outbox[0]))
    assert page.locator("[data-testid=verify-done]").count() == 1
    page.goto(site + "/me/settings")
    assert page.locator("[data-testid=email-verified]").inner_text() == verified
    assert watched.problems == []
