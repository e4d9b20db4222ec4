"""The staff page of run-time settings (/staff/settings): visitors go to sign in, members are refused, staff
see every setting, change one with a reason, read the posture history and sign-ups against the surge
threshold, in both languages; the surge banner shows on every page to staff only, and only during surge."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.core.models import PostureChange
from hongshu.core.runtime import RUNTIME_SETTINGS, runtime_get, runtime_set

pytestmark = pytest.mark.django_db


def signed_in(user: User, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def staff(make_member: Callable[..., User]) -> User:
    keeper = make_member("keeper")
    User.objects.filter(pk=keeper.pk).update(is_staff=True)
    keeper.is_staff = True
    return keeper


def test_visitors_go_to_sign_in_and_members_are_refused(make_member: Callable[..., User]) -> None:
    response = Client().get("/staff/settings")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")
    member = make_member("plain")
    refused = signed_in(member).get("/staff/settings")
    assert refused.status_code == 403
    assert "Only staff can do this." in refused.content.decode()
    assert (
        signed_in(member).post("/staff/settings", {"key": "surge_mode", "value": '"on"'}).status_code == 403
    )
    assert runtime_get("surge_mode") == "auto"


def test_staff_see_every_setting_and_change_one_with_a_reason(staff: User) -> None:
    client = signed_in(staff)
    page = client.get("/staff/settings").content.decode()
    for key in RUNTIME_SETTINGS:
        assert f'id="setting-{key}"' in page
    assert "1 sign-up in the last hour; the surge threshold is 500 per hour." in page  # the keeper
    assert "No setting has been changed yet." in page
    response = client.post(
        "/staff/settings", {"key": "surge_mode", "value": '"on"', "reason": "spam wave from one host"}
    )
    assert response.status_code == 302
    assert runtime_get("surge_mode") == "on"
    change = PostureChange.objects.get()
    assert (change.actor_id, change.reason, change.automatic) == (staff.pk, "spam wave from one host", False)
    page = client.get("/staff/settings").content.decode()
    assert "The setting was saved." in page
    assert "spam wave from one host" in page
    assert "@keeper" in page
    assert 'data-surge-active="true"' in page
    # A value that is not a choice is refused and nothing is recorded.
    bad = client.post("/staff/settings", {"key": "surge_mode", "value": '"maybe"', "reason": "x"})
    assert bad.status_code == 422
    assert "This value is not one of the setting&#x27;s choices." in bad.content.decode()
    assert PostureChange.objects.count() == 1


def test_automatic_changes_and_chinese(staff: User) -> None:
    runtime_set(key="surge_active", value=True, actor_id=None, automatic=True, reason="812 sign-ups ≥ 500")
    page = signed_in(staff, "zh-hans").get("/staff/settings").content.decode()
    assert "运行时设置" in page
    assert "自动" in page
    assert "812 sign-ups ≥ 500" in page


def test_banner_only_for_staff_and_only_during_surge(staff: User, make_member: Callable[..., User]) -> None:
    member = make_member("plain")
    banner = "data-surge-banner"
    assert banner not in signed_in(staff).get("/").content.decode()
    runtime_set(key="surge_mode", value="on", actor_id=None)
    assert banner in signed_in(staff).get("/").content.decode()
    assert banner in signed_in(staff).get("/about/").content.decode()
    assert "突发" in signed_in(staff, "zh-hans").get("/about/").content.decode()
    assert banner not in signed_in(member).get("/").content.decode()
    assert banner not in Client().get("/").content.decode()
