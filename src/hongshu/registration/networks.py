"""Networks sign-ups come from, and the surge rule on them: while surge posture is on, a network (/24 IPv4,
/48 IPv6) from which many accounts joined in the last day applies instead of joining (docs/trust.md).

Here, beside the registration modes, because `registration_mode_for` asks it; `members.surge` records the
networks (`signup_recorded`) and turns the posture on and off.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from hongshu.core.models import SignupNetwork
from hongshu.core.ratelimit import network_of
from hongshu.core.runtime import surge_active


def network_of_signup(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return network_of(ip)
    except ValueError:
        return None


def network_signups_last_day(*, ip: str) -> int:
    network = network_of_signup(ip)
    if network is None:
        return 0
    since = timezone.now() - timedelta(days=1)
    return SignupNetwork.objects.filter(network=network, at__gte=since).count()


def surge_requires_approval(*, ip: str | None) -> bool:
    """Whether a sign-up from `ip` needs an admin's approval: only while surge posture is on, and only from a
    network (/24 IPv4, /48 IPv6) from which `surge_network_accounts` accounts or more joined in the last day."""
    if not ip or not surge_active():
        return False
    return network_signups_last_day(ip=ip) >= settings.HONGSHU.surge_network_accounts
