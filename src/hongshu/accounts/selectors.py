from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import NotFound


def account_by_handle(*, handle: str) -> User:
    user = (
        User.objects.select_related("avatar")
        .filter(handle__iexact=handle.lstrip("@"), is_active=True)
        .first()
    )
    if user is None:
        raise NotFound(_("No member has this handle."), code="account_not_found")
    return user
