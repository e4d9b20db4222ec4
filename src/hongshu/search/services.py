"""Keeping the search index current: one note, member or topic at a time (after-commit jobs) or a rebuild."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from hongshu.accounts.models import User
from hongshu.language import chinese
from hongshu.notes.models import Note, Topic
from hongshu.search import backends, pipeline
from hongshu.search.models import SearchTerm

TERM_MAX = 100
PINYIN_WEIGHT = 0.8
WORD_WEIGHT = 0.6


def _indexable(note: Note) -> bool:
    # Drafts never show in search; who may see a published note is decided at query time (listed_for).
    return note.deleted_at is None and note.status == Note.Status.PUBLISHED and note.author.is_active


def _row(note: Note, *, bulk: bool) -> backends.IndexRow:
    topics = " ".join(f"#{t.name}" for t in note.topics.all())
    return backends.IndexRow(
        note_id=note.pk,
        title=pipeline.index_text(note.title, bulk=bulk),
        topics=pipeline.index_text(f"{topics} {note.place_name}", bulk=bulk),
        body=pipeline.index_text(note.body, bulk=bulk),
    )


def _name_terms(name: str, weight: float) -> dict[str, float]:
    """A name as prefix keys: the whole name, its words, and for Chinese its pinyin (full and initials)."""
    terms: dict[str, float] = {}
    whole = "".join(pipeline.normalise(name).split())
    if not whole:
        return terms
    terms[whole[:TERM_MAX]] = weight
    for token in pipeline.tokens(name):
        terms.setdefault(token[:TERM_MAX], weight * WORD_WEIGHT)
    for word in pipeline.normalise(name).split():
        terms.setdefault(word[:TERM_MAX], weight * WORD_WEIGHT)
    if chinese.has_han(whole):
        for key in (chinese.pinyin_full(whole), chinese.pinyin_initials(whole)):
            if key:
                terms.setdefault(key[:TERM_MAX], weight * PINYIN_WEIGHT)
    return terms


def _replace_terms(kind: str, object_id: int, terms: dict[str, float]) -> None:
    SearchTerm.objects.filter(kind=kind, object_id=object_id).delete()
    SearchTerm.objects.bulk_create(
        [SearchTerm(kind=kind, object_id=object_id, term=t, weight=w) for t, w in terms.items()]
    )


def _topic_terms(topic: Topic) -> dict[str, float]:
    return _name_terms(topic.name, 1.0)


def _member_terms(user: User) -> dict[str, float]:
    terms = {user.handle.casefold(): 1.0}
    for name in (user.display_name, user.chinese_name):
        for term, weight in _name_terms(name, 0.9).items():
            terms.setdefault(term, weight)
    return terms


def topics_index(*, topics: Iterable[Topic]) -> None:
    """Index topics not indexed yet (a topic's name never changes, so once is enough)."""
    topics = list(topics)
    known = set(
        SearchTerm.objects.filter(
            kind=SearchTerm.Kind.TOPIC, object_id__in=[t.pk for t in topics]
        ).values_list("object_id", flat=True)
    )
    for topic in topics:
        if topic.pk not in known:
            _replace_terms(SearchTerm.Kind.TOPIC, topic.pk, _topic_terms(topic))


def note_index(*, note_id: int) -> None:
    """Bring one note's index row in line with the note: written, replaced, or removed."""
    note = Note.objects.select_related("author").prefetch_related("topics").filter(pk=note_id).first()
    with transaction.atomic():
        if note is None or not _indexable(note):
            backends.index_remove([note_id])
            return
        backends.index_put([_row(note, bulk=False)])
        topics_index(topics=note.topics.all())


def member_index(*, user_id: int) -> None:
    """Replace a member's search keys (removed when the account is no longer active)."""
    user = User.objects.filter(pk=user_id).first()
    with transaction.atomic():
        if user is None or not user.is_active:
            SearchTerm.objects.filter(kind=SearchTerm.Kind.MEMBER, object_id=user_id).delete()
            return
        _replace_terms(SearchTerm.Kind.MEMBER, user.pk, _member_terms(user))


@dataclass(frozen=True)
class RebuildResult:
    notes: int
    members: int
    topics: int
    seconds: float


def search_rebuild(*, batch: int = 500, notes: bool = True, members: bool = True) -> RebuildResult:
    """Rebuild the index from the database (rjieba segmentation, batched bulk inserts)."""
    started = time.monotonic()
    note_count = member_count = topic_count = 0
    if notes:
        backends.index_clear()
        queryset = (
            Note.objects.alive()
            .filter(status=Note.Status.PUBLISHED, author__is_active=True)
            .select_related("author")
            .prefetch_related("topics")
            .order_by("pk")
        )
        last = 0
        while chunk := list(queryset.filter(pk__gt=last)[:batch]):
            with transaction.atomic():
                backends.index_put([_row(n, bulk=True) for n in chunk])
            note_count += len(chunk)
            last = chunk[-1].pk
        backends.index_optimize()
        SearchTerm.objects.filter(kind=SearchTerm.Kind.TOPIC).delete()
        topic_rows: list[SearchTerm] = []
        for topic in Topic.objects.order_by("pk").iterator(chunk_size=batch):
            topic_rows += [
                SearchTerm(kind=SearchTerm.Kind.TOPIC, object_id=topic.pk, term=t, weight=w)
                for t, w in _topic_terms(topic).items()
            ]
            topic_count += 1
        SearchTerm.objects.bulk_create(topic_rows, batch_size=batch)
    if members:
        SearchTerm.objects.filter(kind=SearchTerm.Kind.MEMBER).delete()
        rows: list[SearchTerm] = []
        for user in User.objects.filter(is_active=True).order_by("pk").iterator(chunk_size=batch):
            rows += [
                SearchTerm(kind=SearchTerm.Kind.MEMBER, object_id=user.pk, term=t, weight=w)
                for t, w in _member_terms(user).items()
            ]
            member_count += 1
            if len(rows) >= batch:
                SearchTerm.objects.bulk_create(rows)
                rows = []
        SearchTerm.objects.bulk_create(rows)
    return RebuildResult(note_count, member_count, topic_count, time.monotonic() - started)
