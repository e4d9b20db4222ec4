"""Explore's writes: refreshing the trending pool, and members' "not interested" marks."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.errors import InvalidInput, NotFound
from hongshu.core.ids import id_at
from hongshu.discovery.models import NotInterested, PoolEntry, PoolTopic
from hongshu.discovery.ranking import lang_group
from hongshu.interactions.models import Collect, Like, NoteCounter
from hongshu.notes.models import Note, NoteTopic, Topic
from hongshu.notes.selectors import access_note
from hongshu.notes.services import topic_key
from hongshu.social.selectors import access_account

POOL_VERSION_KEY = "discovery:pool:version"
_CHUNK = 2000


@dataclass(frozen=True)
class Engagement:
    likes: int = 0
    collects: int = 0
    comments: int = 0


def engagement_score(engagement: Engagement, *, age_hours: float) -> float:
    """The decayed engagement of a note: weighted interactions per (age + 2 h) to the power of the gravity.

    With a gravity of 1 this is the note's rate of engagement since it was published: an old note keeps
    its place only while it keeps being liked. A note nobody engaged with scores 0 (new notes are seen
    through Explore's fresh source instead). The weights and the gravity are settings.
    """
    conf = settings.HONGSHU
    weighted = (
        conf.explore_like_weight * engagement.likes
        + conf.explore_collect_weight * engagement.collects
        + conf.explore_comment_weight * engagement.comments
    )
    gravity = float(conf.explore_gravity)
    decay: float = (max(age_hours, 0.0) + 2.0) ** gravity
    return float(weighted) / decay


def _engagement_from_counters(note_ids: list[int]) -> dict[int, Engagement]:
    out: dict[int, Engagement] = {}
    for start in range(0, len(note_ids), _CHUNK):
        rows = (
            NoteCounter.objects.filter(note_id__in=note_ids[start : start + _CHUNK])
            .values("note_id")
            .annotate(l=Sum("likes"), c=Sum("collects"), m=Sum("comments"))
        )
        for row in rows:
            out[row["note_id"]] = Engagement(
                max(row["l"] or 0, 0), max(row["c"] or 0, 0), max(row["m"] or 0, 0)
            )
    return out


def _engagement_until(note_ids: list[int], until: datetime) -> dict[int, Engagement]:
    """Counts as they stood at `until`, from the interaction tables (the offline benchmark replays history;
    the counters only know the present)."""
    counts: dict[str, dict[int, int]] = {}
    for name, model in (("likes", Like), ("collects", Collect), ("comments", Comment)):
        found: dict[int, int] = {}
        for start in range(0, len(note_ids), _CHUNK):
            rows = (
                model.objects.filter(note_id__in=note_ids[start : start + _CHUNK], created_at__lt=until)
                .values("note_id")
                .annotate(n=Count("id"))
            )
            found.update({row["note_id"]: row["n"] for row in rows})
        counts[name] = found
    return {
        i: Engagement(counts["likes"].get(i, 0), counts["collects"].get(i, 0), counts["comments"].get(i, 0))
        for i in note_ids
    }


def pool_refresh(*, now: datetime | None = None, replay: bool = False) -> int:
    """Rebuild the trending pool: the `HONGSHU_EXPLORE_POOL_SIZE` public notes of the last
    `HONGSHU_EXPLORE_POOL_DAYS` days with the highest decayed engagement (`engagement_score`).

    Reads the notes of the window once (a range of the time-ordered ids) and their counters; the periodic
    job runs it every few minutes. `replay` counts interactions up to `now` from their tables instead of the
    counters, for the offline benchmark's view of the past. Returns the number of pooled notes.
    """
    conf = settings.HONGSHU
    now = now or timezone.now()
    now_ms = int(now.timestamp() * 1000)
    since_id = id_at(now_ms - conf.explore_pool_days * 86_400_000, 0)
    until_id = id_at(now_ms + 1, 0)
    notes = list(
        Note.objects.alive()
        .filter(
            pk__gte=since_id,
            pk__lt=until_id,
            status=Note.Status.PUBLISHED,
            visibility=Note.Visibility.PUBLIC,
            author__is_active=True,
            limited=False,  # readers filter through `discoverable_for` anyway; a limited note wastes a place
            author__limited=False,
        )
        .values_list("id", "author_id", "language", "published_at", "created_at")
    )
    ids = [n[0] for n in notes]
    engagement = _engagement_until(ids, now) if replay else _engagement_from_counters(ids)
    scored = []
    for note_id, author_id, language, published_at, created_at in notes:
        age_hours = (now - (published_at or created_at)).total_seconds() / 3600
        value = engagement_score(engagement.get(note_id, Engagement()), age_hours=age_hours)
        scored.append((value, note_id, author_id, lang_group(language)))
    scored.sort(reverse=True)
    kept = scored[: conf.explore_pool_size]
    topics: dict[int, list[int]] = defaultdict(list)
    kept_ids = [s[1] for s in kept]
    for start in range(0, len(kept_ids), _CHUNK):
        for note_id, topic_id in NoteTopic.objects.filter(
            note_id__in=kept_ids[start : start + _CHUNK]
        ).values_list("note_id", "topic_id"):
            topics[note_id].append(topic_id)
    with transaction.atomic():
        PoolEntry.objects.all().delete()
        PoolTopic.objects.all().delete()
        PoolEntry.objects.bulk_create(
            [
                PoolEntry(
                    note_id=note_id,
                    author_id=author_id,
                    lang_group=group,
                    score=value,
                    topic_ids=sorted(topics[note_id]),
                    refreshed_at=now,
                )
                for value, note_id, author_id, group in kept
            ],
            batch_size=1000,
        )
        PoolTopic.objects.bulk_create(
            [
                PoolTopic(topic_id=t, note_id=note_id, score=value)
                for value, note_id, _author, _group in kept
                for t in topics[note_id]
            ],
            batch_size=1000,
        )
    # Readers cache the pool under this version: a refresh is seen at once by every process sharing the
    # cache (Redis); with a per-process memory cache, within the cache's ten minutes.
    cache.set(POOL_VERSION_KEY, time.time_ns(), None)
    return len(kept)


# ---- not interested ------------------------------------------------------------------------------------


def _target(*, member: User, kind: str, target_id: int | None, name: str | None) -> int:
    """The id a mark names, reached through the policy of its kind (a hidden note or account is NotFound)."""
    if kind == NotInterested.Kind.NOTE:
        if target_id is None:
            raise InvalidInput(_("Say which note."), code="target_required")
        return access_note(viewer=member, note_id=target_id).pk
    if kind == NotInterested.Kind.AUTHOR:
        handle = name
        if handle is None and target_id is not None:
            handle = User.objects.filter(pk=target_id).values_list("handle", flat=True).first()
        if not handle:
            raise NotFound(_("We could not find that account."), code="account_not_found")
        account = access_account(viewer=member, handle=handle)
        if account.pk == member.pk:
            raise InvalidInput(_("That is you."), code="cannot_target_self")
        return account.pk
    if kind == NotInterested.Kind.TOPIC:
        topics = Topic.objects.all()
        topic = (
            topics.filter(pk=target_id).first()
            if target_id is not None
            else topics.filter(key=topic_key((name or "").lstrip("#").strip())).first()
        )
        if topic is None:
            raise NotFound(_("We could not find that topic."), code="topic_not_found")
        return topic.pk
    raise InvalidInput(_("Say a note, an author or a topic."), code="invalid_kind")


def not_interested_add(
    *, member: User, kind: str, target_id: int | None = None, name: str | None = None
) -> NotInterested:
    """Mark a note, an author or a topic (by id, or an author by handle and a topic by name) as not
    interesting to `member`: Explore stops offering it. Marking twice keeps the first mark."""
    target = _target(member=member, kind=kind, target_id=target_id, name=name)
    mark, _created = NotInterested.objects.get_or_create(member=member, kind=kind, target_id=target)
    return mark


def not_interested_remove(
    *, member: User, kind: str, target_id: int | None = None, name: str | None = None
) -> None:
    """Undo a mark (Explore offers the thing again). Undoing what was never marked is not an error."""
    query = Q(member=member, kind=kind)
    if kind == NotInterested.Kind.TOPIC and target_id is None:
        topic = Topic.objects.filter(key=topic_key((name or "").lstrip("#").strip())).first()
        if topic is None:
            return
        target_id = topic.pk
    elif kind == NotInterested.Kind.AUTHOR and target_id is None and name:
        target_id = User.objects.filter(handle__iexact=name.lstrip("@")).values_list("pk", flat=True).first()
    if target_id is None:
        return
    NotInterested.objects.filter(query, target_id=target_id).delete()


def pool_cutoff(now: datetime | None = None) -> int:
    """The smallest note id a pool refreshed at `now` may hold."""
    now = now or timezone.now()
    return id_at(int((now - timedelta(days=settings.HONGSHU.explore_pool_days)).timestamp() * 1000), 0)


def pool_forget_notes(*, note_ids: Sequence[int]) -> None:
    """Purged notes leave the explore pool (and the "not interested" marks that named them)."""
    PoolEntry.objects.filter(note_id__in=note_ids).delete()
    PoolTopic.objects.filter(note_id__in=note_ids).delete()
    NotInterested.objects.filter(kind=NotInterested.Kind.NOTE, target_id__in=note_ids).delete()
