"""Surge posture (members.surge): on, off, or auto following the last hour's sign-ups, every automatic flip
recorded with its reason; sign-up networks kept through the sign-up hook; approval asked of crowded networks
only while surge is on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.models import PostureChange, SignupNetwork
from hongshu.core.periodic import PERIODIC_JOBS, periodic_task
from hongshu.core.runtime import runtime_get, runtime_set, surge_active
from hongshu.members.surge import signup_recorded, surge_check
from hongshu.registration.networks import surge_requires_approval

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture
def threshold(settings: Any) -> int:
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={"surge_signups_per_hour": 3, "surge_network_accounts": 2}
    )
    return 3


def test_on_and_off_are_what_staff_say(make_member: Callable[..., User], threshold: int) -> None:
    for i in range(threshold):
        make_member(f"mem{i}")
    runtime_set(key="surge_mode", value="off", actor_id=None)
    assert surge_check() is None  # not auto: nothing recorded
    assert surge_active() is False
    runtime_set(key="surge_mode", value="on", actor_id=None)
    assert surge_active() is True
    assert not PostureChange.objects.filter(key="surge_active").exists()


def test_auto_flips_on_and_off_with_a_recorded_reason(
    make_member: Callable[..., User], threshold: int
) -> None:
    assert runtime_get("surge_mode") == "auto"
    make_member("mem0")
    make_member("mem1")
    assert surge_check() is None  # 2 < 3: already off, nothing to record
    assert surge_active() is False
    make_member("mem2")
    change = surge_check()
    assert change is not None
    assert surge_active() is True
    assert (change.key, change.old_value, change.new_value) == ("surge_active", False, True)
    assert change.automatic is True
    assert change.actor_id is None
    assert change.reason == "3 sign-ups in the last hour ≥ 3"
    assert surge_check() is None  # still on: one record per flip
    User.objects.update(date_joined=timezone.now() - timedelta(hours=2))
    off = surge_check()
    assert off is not None
    assert off.new_value is False
    assert off.reason == "0 sign-ups in the last hour < 3"
    assert surge_active() is False
    # Staff forcing it off wins over the recorded flag, and staff forcing it on over a quiet hour.
    runtime_set(key="surge_active", value=True, actor_id=None, automatic=True)
    runtime_set(key="surge_mode", value="off", actor_id=None)
    assert surge_active() is False


def test_sign_ups_through_the_api_and_web_turn_surge_on(api: Any, after_commit: Any, threshold: int) -> None:
    for i in range(2):
        with after_commit():
            response = api.post(
                "/accounts", json={"handle": f"surge{i}", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
            )
        assert response.status_code == 201
    assert surge_active() is False
    with after_commit():
        page = Client(REMOTE_ADDR="2001:db8:aa:bb::1").post(
            "/signup/", {"handle": "surge2", "password": PASSWORD, "display_name": "S"}
        )
    assert page.status_code == 302, page.content[:300]
    assert surge_active() is True
    networks = dict(SignupNetwork.objects.values_list("user_id", "network"))
    assert sorted(networks.values()) == ["198.51.100.0/24", "198.51.100.0/24", "2001:db8:aa::/48"]
    assert PostureChange.objects.get(key="surge_active").automatic is True


def test_approval_only_for_crowded_networks_while_surge_is_on(
    make_member: Callable[..., User], threshold: int
) -> None:
    for i, ip in enumerate(("203.0.113.5", "203.0.113.200", "2001:db8:1:2::9", "198.51.100.1")):
        signup_recorded(user_id=make_member(f"net{i}").pk, ip=ip)
    signup_recorded(user_id=make_member("noip").pk, ip=None)  # a unix socket: nothing kept
    assert SignupNetwork.objects.count() == 4
    # Surge off: nobody needs approval.
    runtime_set(key="surge_mode", value="off", actor_id=None)
    assert surge_requires_approval(ip="203.0.113.77") is False
    runtime_set(key="surge_mode", value="on", actor_id=None)
    assert surge_requires_approval(ip="203.0.113.77") is True  # two accounts from this /24 today
    assert surge_requires_approval(ip="198.51.100.99") is False  # one
    assert surge_requires_approval(ip="2001:db8:1:ffff::1") is False  # one in this /48
    assert surge_requires_approval(ip=None) is False
    assert surge_requires_approval(ip="not an address") is False
    # Only the last day counts.
    SignupNetwork.objects.update(at=timezone.now() - timedelta(days=2))
    assert surge_requires_approval(ip="203.0.113.77") is False


def test_the_surge_check_is_scheduled(make_member: Callable[..., User], threshold: int) -> None:
    job = next(job for job in PERIODIC_JOBS if job.task == "members.surge_check")
    assert job.every <= 60
    for i in range(threshold):
        make_member(f"mem{i}")
    periodic_task(job.task).apply()
    assert surge_active() is True


def test_a_crowded_network_applies_instead_of_joining_while_surge_is_on(
    make_member: Callable[..., User], threshold: int, api: Any
) -> None:
    """The surge rule reaches both sign-up surfaces through `registration_mode_for`: an open instance asks a
    newcomer from a crowded /24 to apply (202, an application), and lets one from elsewhere in."""
    for i in range(2):
        signup_recorded(user_id=make_member(f"crowd{i}").pk, ip=f"203.0.113.{10 + i}")
    runtime_set(key="surge_mode", value="on", actor_id=None)
    body = {"handle": "crowd_new", "password": PASSWORD}
    asked = api.post("/accounts", json=body, REMOTE_ADDR="203.0.113.99")
    assert asked.status_code == 422  # `reason_required`: this newcomer must say why they are joining
    assert asked.json()["errors"][0]["field"] == "reason"
    applied = api.post("/accounts", json={**body, "reason": "我想分享旅行"}, REMOTE_ADDR="203.0.113.99")
    assert applied.status_code == 202, applied.content
    assert applied.json()["status"] == "pending"
    assert User.objects.get(handle="crowd_new").is_active is False
    joined = api.post("/accounts", json={**body, "handle": "elsewhere"}, REMOTE_ADDR="192.0.2.7")
    assert joined.status_code == 201, joined.content
    page = Client(REMOTE_ADDR="203.0.113.98").get("/signup/")
    assert "reason" in page.context["form"].fields  # the web form asks why, as in approval mode
    runtime_set(key="surge_mode", value="off", actor_id=None)
    page = Client(REMOTE_ADDR="203.0.113.98").get("/signup/")
    assert "reason" not in page.context["form"].fields
