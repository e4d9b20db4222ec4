"""Who may join, and how: the registration mode, applications reviewed by admins, invites.

`registration_mode_for` is the one decision every sign-up surface (web and API) asks.
"""

from __future__ import annotations


def registration_mode_for(*, ip: str) -> str:
    """The registration mode that applies to a sign-up from `ip`: open, approval, invite or closed.

    Today the admins' run-time setting alone decides; `ip` is there so that a network flagged during a surge
    can be asked to apply instead (the surge mode decides that, not the callers).
    """
    from hongshu.core.runtime import runtime_get  # the models load after this package is imported

    return str(runtime_get("registration_mode"))
