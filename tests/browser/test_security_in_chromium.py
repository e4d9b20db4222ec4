"""Two-factor sign-in in Chromium: a passkey registered on the security page through a CDP virtual
authenticator, then used at sign-in; and an authenticator-app journey whose codes pyotp computes."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from hongshu.accounts.services import account_create

pytestmark = pytest.mark.browser

PASSWORD = "plum-blossom-2026"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    account_create(handle="mei", password=PASSWORD, display_name="Mei 梅")
    # WebAuthn refuses an IP address as relying party ID; localhost is a secure context.
    return str(live_server.url).replace("127.0.0.1", "localhost")


def _sign_in(page: Any, site: str) -> None:
    page.goto(site + "/signin/?next=/me/security")
    page.get_by_label("Handle").fill("mei")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Any, site: str) -> None:
    page.goto(site + "/signout/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(site + "/")


def test_register_a_passkey_then_sign_in_with_password_and_passkey(
    *, site: str, chromium: Any, watch: Any
) -> None:
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    watched = watch(context)
    page = watched.page
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    _sign_in(page, site)
    page.wait_for_url(site + "/me/security")
    page.get_by_label("Name", exact=True).fill("Laptop key")
    page.get_by_role("button", name="Add a passkey").click()
    page.locator("#passkey-list li", has_text="Laptop key").wait_for()  # the page reloads with it
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1

    _sign_out(page, site)
    _sign_in(page, site)
    page.wait_for_url(site + "/sign-in/verify")
    assert page.locator(".site-nav__me").count() == 0  # not signed in yet
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(site + "/me/security")
    assert page.locator(".site-nav__me").get_attribute("title") == "@mei"
    assert "last used" in page.locator("#passkey-list").inner_text()

    # and without the password: the passkey alone (discoverable, user verified) from the sign-in page
    _sign_out(page, site)
    page.goto(site + "/signin/?next=/me/security")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(site + "/me/security")
    assert page.locator(".site-nav__me").get_attribute("title") == "@mei"
    assert watched.problems == []


def test_authenticator_app_journey(*, site: str, chromium: Any, watch: Any) -> None:
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(10_000)
    watched = watch(context)
    page = watched.page
    _sign_in(page, site)
    page.wait_for_url(site + "/me/security")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.wait_for_url(site + "/me/security")
    assert page.locator("#totp-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().strip())
    page.get_by_label("Code", exact=True).fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have saved them").click()
    assert "On: signing in asks" in page.locator("#totp-status").inner_text()

    _sign_out(page, site)
    _sign_in(page, site)
    page.wait_for_url(site + "/sign-in/verify")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(
        totp.at(int(time.time()) + 30)  # the confirming code's step is spent; the next one is accepted
    )
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(site + "/me/security")
    assert page.locator(".site-nav__me").get_attribute("title") == "@mei"
    assert watched.problems == []
