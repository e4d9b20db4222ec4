"""Who may join, and how: the registration mode, applications reviewed by admins, invites.

`registration_mode_for` is the one decision every sign-up surface (web and API) asks.
"""

from __future__ import annotations


def registration_mode_for(*, ip: str) -> str:
    """The registration mode that applies to a sign-up from `ip`: open, approval, invite or closed.

    The admins' run-time setting, except that an open instance asks a sign-up to apply (approval) while surge
    posture is on and `ip`'s network is crowded with new accounts (`networks.surge_requires_approval`).
    """
    from hongshu.core.runtime import runtime_get  # the models load after this package is imported
    from hongshu.registration.networks import surge_requires_approval

    mode = str(runtime_get("registration_mode"))
    if mode == "open" and surge_requires_approval(ip=ip):
        return "approval"
    return mode
