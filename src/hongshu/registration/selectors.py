"""Registration reads: the review queue, a member's invites."""

from __future__ import annotations

from django.db.models import QuerySet

from hongshu.accounts.models import User
from hongshu.registration.models import Application, Invite

QUEUE_MAX = 200


def applications_pending(*, limit: int = 50) -> list[Application]:
    """Pending applications, oldest first (IDs are time-ordered), with their applicants."""
    rows = Application.objects.filter(status=Application.Status.PENDING).select_related("user")
    return list(rows.order_by("id")[: min(limit, QUEUE_MAX)])


def invites_of(*, member: User, limit: int = 100) -> QuerySet[Invite]:
    """The member's invites, newest first."""
    return Invite.objects.filter(created_by=member).order_by("-id")[:limit]
