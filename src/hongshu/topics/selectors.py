"""Topic and nearby reads. Notes are reached only through `Note.objects.discoverable_for` (the policy minus
mutes and minus limited notes of authors the viewer does not follow).

Two orders for both feeds:

- latest: newest first, an ID cursor (`paginate_by_id`);
- hot: a bounded candidate set — the `topic_hot_candidates` newest matching notes — ranked by
  `log2(1 + likes + 2·collects + 2·comments) + published / half-life` (Reddit's "hot": the exponential decay
  `engagement · 2^(-age / half-life)` in log form). The key of a note does not depend on the clock, only on
  its engagement, so a keyed cursor `"<key>.<id>"` stays valid between pages.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import timedelta
from typing import Literal

import regex
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import NotFound, field_error
from hongshu.core.ids import EPOCH_MS, id_at, parse_id
from hongshu.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, paginate_by_id
from hongshu.core.replica import reads_from_replica
from hongshu.interactions.selectors import count_annotations
from hongshu.notes.models import Note, NoteTopic, Topic
from hongshu.notes.querysets import NoteQuerySet
from hongshu.notes.selectors import notes_hydrated
from hongshu.notes.services import topic_key
from hongshu.topics.models import TopicFollow

Viewer = User | AnonymousUser | None
Sort = Literal["hot", "latest"]
# How many topics one member may follow (`topic_follow` refuses more): the following feed reads each.
TOPIC_FOLLOWS_MAX = 500
REGION_MAX = 64  # User.region's column
_HOT_SCALE = 1_000_000  # the hot key as an integer with six decimals, for the cursor
_TOPIC_KEY = regex.compile(r"[\p{L}\p{N}_\p{M}]{1,200}")
_CONTROL = regex.compile(r"\p{C}")
_KEYED = regex.compile(r"^([0-9]{1,19})\.([0-9]{1,19})$")
# What engagement is: a collect or a comment says more than a like.
_WEIGHTS = {"counted_likes": 1, "counted_collects": 2, "counted_comments": 2}


def access_topic(*, name: str) -> Topic:
    """The topic named `name` (any spelling of its key: case, width, a leading `#`), else NotFound."""
    key = topic_key(name.strip().lstrip("#"))
    # Topic names are letters, digits and marks (notes.services); anything else names no topic.
    topic = Topic.objects.filter(key=key).first() if _TOPIC_KEY.fullmatch(key) else None
    if topic is None:
        raise NotFound(_("There is no such topic yet."), code="topic_not_found")
    return topic


def is_following_topic(*, member: User | None, topic: Topic) -> bool:
    return member is not None and TopicFollow.objects.filter(member=member, topic=topic).exists()


def _published(viewer: Viewer) -> NoteQuerySet:
    # Discovery surfaces: a limited note reaches only its author's followers here.
    return Note.objects.discoverable_for(viewer).filter(status=Note.Status.PUBLISHED)


def _in_topic(viewer: Viewer, topic: Topic) -> NoteQuerySet:
    return _published(viewer).filter(pk__in=NoteTopic.objects.filter(topic=topic).values("note_id"))


def hot_key(*, engagement: int, published_ms: int) -> int:
    """The hot rank of a note (higher first) as an integer: see the module docstring."""
    half_life_ms = settings.HONGSHU.topic_hot_half_life_hours * 3_600_000
    score = math.log2(1 + max(engagement, 0)) + (published_ms - EPOCH_MS) / half_life_ms
    return int(score * _HOT_SCALE)


def _parse_hot_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    match = _KEYED.match(cursor)
    pk = parse_id(match.group(2)) if match else None
    if match is None or pk is None or int(match.group(1)) >= 2**63:
        raise field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")
    return int(match.group(1)), pk


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise field_error("limit", _("Choose between 1 and 50 items per page."), code="invalid_limit")


def _hot_page(queryset: NoteQuerySet, *, cursor: str | None, limit: int) -> Page[Note]:
    """Rank the newest `topic_hot_candidates` notes of `queryset` (one query, counts read alongside), cut the
    page after `cursor`, and hydrate it (a fixed number of queries)."""
    _check_limit(limit)
    after = _parse_hot_cursor(cursor)
    rows = (
        queryset.annotate(**count_annotations())
        .order_by("-id")
        .values_list("id", "published_at", *_WEIGHTS)[: settings.HONGSHU.topic_hot_candidates]
    )
    ranked: list[tuple[int, int]] = []
    for pk, published_at, *counts in rows:
        engagement = sum(weight * count for weight, count in zip(_WEIGHTS.values(), counts, strict=True))
        published_ms = int(published_at.timestamp() * 1000) if published_at else EPOCH_MS
        ranked.append((hot_key(engagement=engagement, published_ms=published_ms), pk))
    ranked.sort(reverse=True)
    if after is not None:
        ranked = [row for row in ranked if row < after]
    chosen = ranked[: limit + 1]
    ids = [pk for _key, pk in chosen[:limit]]
    by_id = {note.pk: note for note in notes_hydrated(queryset.filter(pk__in=ids))}
    items = [by_id[pk] for pk in ids if pk in by_id]
    next_cursor = None
    if len(chosen) > limit:
        key, pk = chosen[limit - 1]
        next_cursor = f"{key}.{pk}"
    return Page(items=items, next_cursor=next_cursor)


def _page(queryset: NoteQuerySet, *, sort: Sort, cursor: str | None, limit: int) -> Page[Note]:
    if sort == "hot":
        return _hot_page(queryset, cursor=cursor, limit=limit)
    return paginate_by_id(notes_hydrated(queryset), cursor=cursor, limit=limit)


@reads_from_replica
def topic_notes(
    *, viewer: Viewer, topic: Topic, sort: Sort = "hot", cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    """The published notes tagged `topic` that `viewer` may list, hot or latest first."""
    return _page(_in_topic(viewer, topic), sort=sort, cursor=cursor, limit=limit)


def clean_region(region: str | None) -> str:
    """A region as typed (a city, a province, a country): trimmed, NFKC, at most 64 letters; "" for none."""
    text = _CONTROL.sub("", unicodedata.normalize("NFKC", region or ""))  # no NUL for PostgreSQL, no controls
    return text.strip()[:REGION_MAX].strip()


def region_of(*, viewer: Viewer, asked: str | None) -> str:
    """The region Nearby shows: the one asked for (a query parameter), else the member's profile region."""
    region = clean_region(asked)
    if not region and isinstance(viewer, User) and viewer.is_authenticated:
        region = clean_region(viewer.region)
    return region


@reads_from_replica
def nearby_notes(
    *, viewer: Viewer, region: str, sort: Sort = "latest", cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[Note]:
    """Published notes `viewer` may list whose place name contains `region` (case-insensitive), from the last
    `nearby_window_days`: the window bounds the scan (the newest notes, on the primary key), the text match
    is deliberately simple — places are free text with coarse coordinates, and regions are free text."""
    region = clean_region(region)
    if not region:
        raise field_error("region", _("Choose a city or region."), code="region_required")
    since = timezone.now() - timedelta(days=settings.HONGSHU.nearby_window_days)
    floor = id_at(int(since.timestamp() * 1000), 0)
    queryset = _published(viewer).filter(pk__gte=floor, place_name__icontains=region)
    return _page(queryset, sort=sort, cursor=cursor, limit=limit)


def followed_topic_note_ids(*, member: User, before_id: int | None, limit: int) -> list[int]:
    """IDs of the newest published notes, below `before_id`, in the topics `member` follows that
    `Note.objects.discoverable_for(member)` offers — newest first, at most `limit`: for the following feed to merge.

    One statement: on PostgreSQL a UNION of one `ORDER BY id DESC LIMIT` per followed topic (each bounded,
    walking the topic's notes newest first), so no topic contributes more than `limit` rows; on SQLite (small
    instances) a semi-join. Follows are capped at TOPIC_FOLLOWS_MAX.
    """
    topic_ids = list(
        TopicFollow.objects.filter(member=member)
        .order_by("-id")
        .values_list("topic_id", flat=True)[:TOPIC_FOLLOWS_MAX]
    )
    if not topic_ids or limit < 1:
        return []
    base = _published(member)
    if before_id is not None:
        base = base.filter(pk__lt=before_id)
    if connection.features.supports_slicing_ordering_in_compound and len(topic_ids) > 1:
        per_topic = [
            base.filter(topics__id=topic_id).order_by("-id").values_list("id", flat=True)[:limit]
            for topic_id in topic_ids
        ]
        ids = set(per_topic[0].union(*per_topic[1:], all=True))
    else:
        tagged = NoteTopic.objects.filter(topic_id__in=topic_ids).values("note_id")
        ids = set(base.filter(pk__in=tagged).order_by("-id").values_list("id", flat=True)[:limit])
    return sorted(ids, reverse=True)[:limit]
