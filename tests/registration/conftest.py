"""Registration fixtures: the mode in force (a run-time setting), staff, invites."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.runtime import runtime_set
from hongshu.registration.models import Invite


@pytest.fixture
def registration_mode(db: None) -> Callable[[str], None]:
    """`registration_mode("approval")`: switch the mode as an admin would (through core.runtime)."""
    return lambda mode: runtime_set(key="registration_mode", value=mode, actor_id=None, reason="test")


@pytest.fixture
def person(make_member: Callable[..., User]) -> Callable[..., User]:
    """`person(handle, trust_level=0, is_staff=False, email="")`: a member with these account columns."""

    def make(handle: str, **columns: Any) -> User:
        user = make_member(handle)
        if columns:
            User.objects.filter(pk=user.pk).update(**columns)
            user.refresh_from_db()
        return user

    return make


@pytest.fixture
def make_invite(person: Callable[..., User]) -> Callable[..., Invite]:
    """`make_invite(max_uses=1, expires_in=timedelta(days=7), revoked=False, by=None)`: a row, as made earlier."""

    def make(
        max_uses: int = 1,
        expires_in: timedelta = timedelta(days=7),
        revoked: bool = False,
        by: User | None = None,
        **fields: Any,
    ) -> Invite:
        owner = by or User.objects.filter(handle="inviter").first() or person("inviter", trust_level=2)
        return Invite.objects.create(
            code=f"code{Invite.objects.count() + 1}",
            created_by=owner,
            max_uses=max_uses,
            expires_at=timezone.now() + expires_in,
            revoked_at=timezone.now() if revoked else None,
            **fields,
        )

    return make
