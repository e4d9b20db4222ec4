"""Trust levels from the tables of record: gather a member's facts, apply `accounts.trust.trust_level_for`,
write `User.trust_level` when it changed. Run for everyone on a schedule (core.periodic) and for one member
after the events that move their facts (a note published, a like or a comment from someone else)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.accounts.trust import TrustFacts, TrustThresholds, trust_level_for
from hongshu.comments.models import Comment
from hongshu.interactions.models import Like
from hongshu.notes.models import Note

BATCH = 500


def strikes_count(*, user_id: int) -> int:
    """Standing strikes against a member. Moderation (issue 22) brings strikes; until then there are none,
    and this is the one place that will read them."""
    return 0


def trust_facts(*, user: User, now: datetime | None = None) -> TrustFacts:
    """The facts `trust_level_for` reads, counted from the tables: four indexed counts."""
    now = now or timezone.now()
    published = Note.objects.filter(author_id=user.pk, status=Note.Status.PUBLISHED)
    return TrustFacts(
        age_days=max(0, (now - user.date_joined).days),
        email_verified=user.email_verified_at is not None,
        notes_published=published.count(),
        likes_received=Like.objects.filter(note__author_id=user.pk).exclude(user_id=user.pk).count(),
        comments_received=Comment.objects.filter(note__author_id=user.pk, deleted_at__isnull=True)
        .exclude(author_id=user.pk)
        .count(),
        strikes=strikes_count(user_id=user.pk),
    )


def trust_recompute(*, user_ids: Iterable[int]) -> int:
    """Recompute the trust level of these members; returns how many changed."""
    thresholds = TrustThresholds.from_settings()
    now, changed = timezone.now(), 0
    for user in User.objects.filter(pk__in=list(user_ids)).only(
        "id", "date_joined", "email_verified_at", "trust_level"
    ):
        level = trust_level_for(trust_facts(user=user, now=now), thresholds)
        if level != user.trust_level:
            user.trust_level = level
            user.save(update_fields=["trust_level"])
            changed += 1
    return changed


def trust_recompute_all() -> int:
    """Every active member, in batches by id (the periodic job: age and verification move without events)."""
    changed, last = 0, 0
    while True:
        ids = list(
            User.objects.filter(is_active=True, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return changed
        changed += trust_recompute(user_ids=ids)
        last = ids[-1]


def trust_recompute_note_author(*, note_id: int) -> None:
    author_id = Note.objects.filter(pk=note_id).values_list("author_id", flat=True).first()
    if author_id is not None:
        trust_recompute(user_ids=[author_id])


def trust_recompute_comment_note_author(*, comment_id: int) -> None:
    note_id = Comment.objects.filter(pk=comment_id).values_list("note_id", flat=True).first()
    if note_id is not None:
        trust_recompute_note_author(note_id=note_id)
