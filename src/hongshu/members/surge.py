"""Surge posture (docs/trust.md#surge-mode): when sign-ups per hour pass `surge_signups_per_hour`, caps and
limits tighten and crowded networks need approval to join.

`surge_check()` counts the last hour's sign-ups and, while `surge_mode` is auto, flips the recorded run-time
key `surge_active` with an automatic `PostureChange` saying why, so every change of posture is in the
history. It runs every minute (core.periodic) and after each recorded sign-up. `surge_active()` itself
(hongshu.core.runtime) reads the mode and that key only, so the rate limiter below can ask it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.models import PostureChange, SignupNetwork
from hongshu.core.runtime import runtime_get, runtime_set, surge_active
from hongshu.registration.networks import network_of_signup


def signups_last_hour() -> int:
    return User.objects.filter(date_joined__gte=timezone.now() - timedelta(hours=1)).count()


def surge_check() -> PostureChange | None:
    """Record surge_active on or off from the last hour's sign-ups (mode auto only); the change, or None."""
    if runtime_get("surge_mode") != "auto":
        return None
    count, threshold = signups_last_hour(), settings.HONGSHU.surge_signups_per_hour
    active = count >= threshold
    relation = "≥" if active else "<"
    return runtime_set(
        key="surge_active",
        value=active,
        actor_id=None,
        automatic=True,
        reason=f"{count} sign-ups in the last hour {relation} {threshold}",
    )


def signup_recorded(*, user_id: int, ip: str | None) -> None:
    """Call after a sign-up (in its transaction): keeps the network it came from and, after commit, checks
    whether the sign-up rate turns surge posture on."""
    network = network_of_signup(ip)
    if network is not None:
        SignupNetwork.objects.get_or_create(user_id=user_id, defaults={"network": network})
    from hongshu.members.tasks import surge_check_task  # the task module imports this one

    enqueue_on_commit(surge_check_task)


@dataclass(frozen=True)
class SurgeOverview:
    active: bool
    mode: str
    signups_last_hour: int
    threshold: int


def surge_overview() -> SurgeOverview:
    """What the staff page shows of surge posture: mode, whether it is on, and sign-ups vs the threshold."""
    return SurgeOverview(
        active=surge_active(),
        mode=str(runtime_get("surge_mode")),
        signups_last_hour=signups_last_hour(),
        threshold=settings.HONGSHU.surge_signups_per_hour,
    )
