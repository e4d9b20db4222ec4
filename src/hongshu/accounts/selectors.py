from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import ApiToken, User
from hongshu.core.errors import NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.core.text import is_storable


def account_by_handle(*, handle: str) -> User:
    # A handle from a URL may hold NUL (`/@a%00b`), which PostgreSQL cannot compare: no member has it.
    user = (
        User.objects.select_related("avatar")
        .filter(handle__iexact=handle.lstrip("@"), is_active=True)
        .first()
        if is_storable(handle)
        else None
    )
    if user is None:
        raise NotFound(_("No member has this handle."), code="account_not_found")
    return user


def tokens_page(*, user: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[ApiToken]:
    """The member's tokens, newest first (expired ones too, until deleted): the rows, never a secret."""
    return paginate_by_id(ApiToken.objects.filter(user=user), cursor=cursor, limit=limit)
