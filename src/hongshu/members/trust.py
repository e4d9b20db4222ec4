"""Trust levels from the tables of record: gather a member's facts, apply `accounts.trust.trust_level_for`,
write `User.trust_level` when it changed. Run for everyone on a schedule (core.periodic) and for one member
after the events that move their facts (a note published, a like or a comment from someone else)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, F
from django.utils import timezone

from hongshu.accounts.models import Strike, User
from hongshu.accounts.trust import TrustFacts, TrustThresholds, trust_level_for
from hongshu.comments.models import Comment
from hongshu.interactions.models import Like
from hongshu.notes.models import Note

BATCH = 500


def strikes_count(*, user_id: int, now: datetime | None = None) -> int:
    """Standing strikes against a member: unexpired and not removed (moderation writes them,
    `accounts.models.Strike`). The one place that reads them for trust."""
    return Strike.objects.filter(
        user_id=user_id, removed_at__isnull=True, expires_at__gt=now or timezone.now()
    ).count()


def _counts(rows: Any) -> dict[int, int]:
    return dict(rows.annotate(n=Count("id")).values_list("owner", "n"))


def trust_facts_many(*, users: Sequence[User], now: datetime | None = None) -> dict[int, TrustFacts]:
    """The facts `trust_level_for` reads for each of `users`, counted from the tables in four grouped
    queries whatever their number: published notes that are not deleted, the likes and live comments
    others gave those notes, and standing strikes."""
    now = now or timezone.now()
    ids = [user.pk for user in users]
    alive = {"deleted_at__isnull": True, "status": Note.Status.PUBLISHED}
    notes = _counts(Note.objects.filter(author_id__in=ids, **alive).values(owner=F("author_id")))
    given = {f"note__{key}": value for key, value in alive.items()}
    likes = _counts(
        Like.objects.filter(note__author_id__in=ids, **given)
        .exclude(user_id=F("note__author_id"))
        .values(owner=F("note__author_id"))
    )
    comments = _counts(
        Comment.objects.filter(note__author_id__in=ids, deleted_at__isnull=True, held=False, **given)
        .exclude(author_id=F("note__author_id"))
        .values(owner=F("note__author_id"))
    )
    strikes = dict(
        Strike.objects.filter(user_id__in=ids, removed_at__isnull=True, expires_at__gt=now)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return {
        user.pk: TrustFacts(
            age_days=max(0, (now - user.date_joined).days),
            email_verified=user.email_verified_at is not None,
            notes_published=notes.get(user.pk, 0),
            likes_received=likes.get(user.pk, 0),
            comments_received=comments.get(user.pk, 0),
            strikes=strikes.get(user.pk, 0),
        )
        for user in users
    }


def trust_facts(*, user: User, now: datetime | None = None) -> TrustFacts:
    return trust_facts_many(users=[user], now=now)[user.pk]


def trust_recompute(*, user_ids: Iterable[int]) -> int:
    """Recompute the trust level of these members; returns how many changed."""
    thresholds = TrustThresholds.from_settings()
    now, changed = timezone.now(), 0
    users = list(
        User.objects.filter(pk__in=list(user_ids)).only(
            "id", "date_joined", "email_verified_at", "trust_level"
        )
    )
    facts = trust_facts_many(users=users, now=now)
    for user in users:
        level = trust_level_for(facts[user.pk], thresholds)
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
