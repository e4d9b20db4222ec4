"""Surge posture in Chromium: staff see the banner on every page while surge is on, turn it off from the staff
page with a reason, and the banner goes; the change is in the posture history."""

from __future__ import annotations

from typing import Any

import pytest
from devices import DESKTOP

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.core.runtime import runtime_set

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    keeper = account_create(handle="keeper", password=PASSWORD)
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    runtime_set(key="surge_mode", value="on", actor_id=keeper.pk, reason="wave")
    return str(live_server.url)


def test_staff_turn_surge_off_from_the_banner(site: str, chromium: Any, watch: Any) -> None:
    watched = watch(chromium.new_context(**DESKTOP, locale="en-US"))
    page = watched.page
    page.goto(f"{site}/signin/?next=/")
    page.fill("#id_handle", "keeper")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth__form button[type=submit]")
    page.wait_for_url(site + "/")
    banner = page.locator("[data-surge-banner]")
    assert banner.is_visible()
    banner.get_by_role("link").click()
    page.wait_for_url("**/staff/settings")
    row = page.locator("#setting-surge_mode")
    row.locator("select[name=value]").select_option('"off"')
    row.locator("input[name=reason]").fill("the wave is over")
    row.locator("button[type=submit]").click()
    page.get_by_text("The setting was saved.").wait_for()
    assert page.locator("[data-surge-banner]").count() == 0
    # The history (no database call here: Playwright's loop runs in this thread) shows who and why.
    history = page.locator(".staff-settings__history")
    assert history.get_by_text("the wave is over").is_visible()
    assert history.get_by_text("@keeper").first.is_visible()
    assert not watched.problems, watched.problems
