"""The member's web sessions (an index over Django's session store) and signing out everywhere.

A row is written when a session first appears signed in (`session_seen`), touched at most once a minute,
and deleted when the session signs out. Only a digest of the session key is stored, so a row cannot be
turned back into a cookie. Revoking deletes the row; the session itself is then ended from Django's store
on its next request (`SessionIndexMiddleware` finds its row gone and flushes it), so that request and
every later one are signed out.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import ApiToken, User
from hongshu.core.errors import NotFound
from hongshu.security.models import MemberSession

TOUCH_INTERVAL = timedelta(minutes=1)  # a write per request would turn every read into a write
SESSIONS_SHOWN = 100


def session_seen(*, user: User, session_key: str, user_agent: str, ip: str | None) -> MemberSession:
    """Record (or find) the row of a signed-in session."""
    row, _created = MemberSession.objects.get_or_create(
        key_digest=MemberSession.digest_of(session_key),
        defaults={"user": user, "user_agent": user_agent[:300], "ip": ip},
    )
    return row


def session_touch(*, row: MemberSession, ip: str | None) -> None:
    now = timezone.now()
    if now - row.last_seen_at > TOUCH_INTERVAL:
        row.last_seen_at, row.ip = now, ip
        row.save(update_fields=["last_seen_at", "ip"])


def session_forget(*, session_key: str) -> None:
    """The session signed out (or its key changed): drop its row."""
    MemberSession.objects.filter(key_digest=MemberSession.digest_of(session_key)).delete()


def sessions_of(*, user: User) -> list[MemberSession]:
    """The member's sessions, most recent first; one unseen for longer than a session lives has expired."""
    alive = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    rows = MemberSession.objects.filter(user=user, last_seen_at__gt=alive)
    return list(rows.order_by("-last_seen_at")[:SESSIONS_SHOWN])


def session_revoke(*, user: User, session_id: int) -> None:
    """Revoke one of the member's sessions (404 `session_not_found` otherwise)."""
    if not MemberSession.objects.filter(user=user, pk=session_id).delete()[0]:
        raise NotFound(_("You have no session with this ID."), code="session_not_found")


def sign_out_everywhere(
    *, user: User, keep_session_key: str | None = None, keep_token_id: int | None = None
) -> tuple[int, int]:
    """Revoke every session but `keep_session_key` and every token but `keep_token_id` (the credential that
    asked). Returns (sessions, tokens) revoked."""
    sessions = MemberSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(key_digest=MemberSession.digest_of(keep_session_key))
    tokens = ApiToken.objects.filter(user=user)
    if keep_token_id is not None:
        tokens = tokens.exclude(pk=keep_token_id)
    with transaction.atomic():
        return sessions.delete()[0], tokens.delete()[0]


def digest_of_key(session_key: str | None) -> str:
    """The digest a session's row is stored under ("" for no session)."""
    return MemberSession.digest_of(session_key) if session_key else ""


def tokens_of(*, user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-id")[:SESSIONS_SHOWN])
