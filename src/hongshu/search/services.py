"""Keeping the search index current: notes in batches from the pending queue (after-commit jobs), members
and topics one at a time, or everything at once (rebuild)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.progress import ProgressReporter, progress_silent
from hongshu.notes.models import Note, NoteTopic, PendingNoteIndex, Topic
from hongshu.search import backends, pipeline
from hongshu.search.models import PublicNoteTopic, PublicTopic, SearchTerm
from hongshu.textlib import chinese

TERM_MAX = 100
# Notes indexed per drain round: one read of the notes, one upsert, one commit, whatever the batch holds.
DRAIN_BATCH = 200
# A claim older than this belongs to a dead worker (a batch takes well under a second).
CLAIM_LEASE = timedelta(minutes=5)
PINYIN_WEIGHT = 0.8
WORD_WEIGHT = 0.6


def _indexable(note: Note) -> bool:
    # Drafts never show in search; who may see a published note is decided at query time (listed_for).
    return note.deleted_at is None and note.status == Note.Status.PUBLISHED and note.author.is_active


def _row(note: Note) -> backends.IndexRow:
    """The note's index row. Notes are always indexed in batches (queue drain, rebuild), so on rjieba."""
    topics = " ".join(f"#{t.name}" for t in note.topics.all())
    return backends.IndexRow(
        note_id=note.pk,
        title=pipeline.index_text(note.title, bulk=True),
        topics=pipeline.index_text(f"{topics} {note.place_name}", bulk=True),
        body=pipeline.index_text(note.body, bulk=True),
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
    """Index topics not indexed yet (a topic's name never changes, so once is enough). Only for topics some
    note everyone may see carries (`public_topics_sync` decides which)."""
    topics = list(topics)
    known = set(
        SearchTerm.objects.filter(
            kind=SearchTerm.Kind.TOPIC, object_id__in_ids=[t.pk for t in topics]
        ).values_list("object_id", flat=True)
    )
    # One insert for all (a topic listed again after going private comes back in the same batch).
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(kind=SearchTerm.Kind.TOPIC, object_id=topic.pk, term=t, weight=w)
            for topic in topics
            if topic.pk not in known
            for t, w in _topic_terms(topic).items()
        ]
    )


def public_topics_sync(*, note_ids: Sequence[int] = (), author_id: int | None = None) -> None:
    """Bring the public topics of these notes (or of all of this author's notes) in line with the notes.

    Which notes count is asked of the visibility policy itself (`Note.objects.discoverable_for(None)`: what
    a visitor may be offered, so a limited note counts for nothing), never decided here. Each note's topics are compared with what it counted for at its
    last indexing (`PublicNoteTopic`), so a topic dropped in an edit, or the topics of a note deleted, made
    private, unpublished or purged, are taken back too. A topic's count (`PublicTopic.notes`) changes by
    atomic increments under its row lock, so two drains changing the same topic never lose an update, and
    whichever commits last sees the final count: its search keys exist exactly while the count is above 0.
    Queries: a fixed handful plus one UPDATE per distinct change size, and the keys of newly listed topics.
    """
    scope = Q(author_id=author_id) if author_id is not None else Q(pk__in_ids=list(note_ids))
    public = Note.objects.discoverable_for(None).filter(scope).values("pk")
    want = {
        (note_id, topic_id): author
        for note_id, author, topic_id in NoteTopic.objects.filter(note__in=public).values_list(
            "note_id", "note__author_id", "topic_id"
        )
    }
    counted = (
        PublicNoteTopic.objects.filter(author_id=author_id)
        if author_id is not None
        else PublicNoteTopic.objects.filter(note_id__in_ids=list(note_ids))
    )
    have = {(n, t): pk for pk, n, t in counted.values_list("pk", "note_id", "topic_id")}
    gone = [pair for pair in have if pair not in want]
    new = [pair for pair in want if pair not in have]
    if not gone and not new:
        return
    PublicNoteTopic.objects.filter(pk__in_ids=[have[pair] for pair in gone]).delete()
    PublicNoteTopic.objects.bulk_create(
        [PublicNoteTopic(note_id=n, author_id=want[n, t], topic_id=t) for n, t in new]
    )
    change: Counter[int] = Counter(t for _, t in new)
    change.subtract(t for _, t in gone)
    _public_topics_count(change)


def _public_topics_count(change: Counter[int]) -> None:
    """Apply count changes to topics; list (index) the topics now above 0, unlist those at 0."""
    changed = sorted(t for t, d in change.items() if d)
    if not changed:
        return
    # Rows at 0 are kept (never deleted): a concurrent drain waiting on a row must still find it.
    PublicTopic.objects.bulk_create([PublicTopic(topic_id=t) for t in changed], ignore_conflicts=True)
    # Locked in one order: two drains sharing topics wait for each other instead of deadlocking.
    list(PublicTopic.objects.select_for_update().filter(pk__in_ids=changed).order_by("pk").values_list("pk"))
    by_size: defaultdict[int, list[int]] = defaultdict(list)
    for topic_id in changed:
        by_size[change[topic_id]].append(topic_id)
    for size, topic_ids in by_size.items():
        PublicTopic.objects.filter(pk__in_ids=topic_ids).update(notes=F("notes") + size)
    counts = dict(PublicTopic.objects.filter(pk__in_ids=changed).values_list("pk", "notes"))
    SearchTerm.objects.filter(
        kind=SearchTerm.Kind.TOPIC, object_id__in_ids=[t for t in changed if counts.get(t, 0) <= 0]
    ).delete()
    if listed := [t for t in changed if counts.get(t, 0) > 0]:
        topics_index(topics=Topic.objects.filter(pk__in_ids=listed).only("name"))


def public_topics_rebuild(*, batch: int = 500) -> int:
    """Every topic's public count and search keys afresh from the policy, in one transaction (no moment
    without topics); returns how many topics are listed."""
    with transaction.atomic():
        PublicNoteTopic.objects.all().delete()
        PublicTopic.objects.all().delete()
        SearchTerm.objects.filter(kind=SearchTerm.Kind.TOPIC).delete()
        public = Note.objects.discoverable_for(None).values("pk")
        pairs = (
            NoteTopic.objects.filter(note__in=public)
            .values_list("note_id", "note__author_id", "topic_id")
            .order_by("pk")
        )
        counts: Counter[int] = Counter()
        rows: list[PublicNoteTopic] = []
        for note_id, author_id, topic_id in pairs.iterator(chunk_size=batch):
            rows.append(PublicNoteTopic(note_id=note_id, author_id=author_id, topic_id=topic_id))
            counts[topic_id] += 1
            if len(rows) >= batch:
                PublicNoteTopic.objects.bulk_create(rows)
                rows = []
        PublicNoteTopic.objects.bulk_create(rows)
        PublicTopic.objects.bulk_create(
            [PublicTopic(topic_id=t, notes=n) for t, n in counts.items()], batch_size=batch
        )
        terms: list[SearchTerm] = []
        listed = Topic.objects.filter(pk__in=PublicTopic.objects.values("topic_id")).only("name")
        for topic in listed.iterator(chunk_size=batch):
            terms += [
                SearchTerm(kind=SearchTerm.Kind.TOPIC, object_id=topic.pk, term=t, weight=w)
                for t, w in _topic_terms(topic).items()
            ]
        SearchTerm.objects.bulk_create(terms, batch_size=batch)
    return len(counts)


def notes_index(*, note_ids: Sequence[int]) -> None:
    """Bring these notes' index rows in line with the notes: written, replaced, or removed. A fixed number of
    queries whatever the batch size.

    The notes are read under a row lock held until the index rows are written, so an edit committing in
    between waits, then queues the note again: an older read never overwrites a newer one. (FOR NO KEY
    UPDATE: likes and comments referencing the notes are not held up.)
    """
    with transaction.atomic():
        locked = Note.objects.select_for_update(no_key=True, of=("self",)).filter(pk__in=note_ids)
        notes = locked.select_related("author").prefetch_related("topics").order_by("pk")
        live = [n for n in notes if _indexable(n)]
        live_ids = {n.pk for n in live}
        backends.index_remove([i for i in note_ids if i not in live_ids])
        backends.index_put([_row(n) for n in live])
        public_topics_sync(note_ids=note_ids)


def _claim(batch: int) -> list[PendingNoteIndex]:
    """Take up to `batch` queued notes no live worker holds. PostgreSQL skips rows another drain is claiming
    at this moment; SQLite runs one writing transaction at a time, so the second drain sees the claim."""
    now = timezone.now()
    with transaction.atomic():
        free = PendingNoteIndex.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
        ).order_by("id")
        claimed = list(free.select_for_update(skip_locked=True)[:batch])
        PendingNoteIndex.objects.filter(pk__in=[c.pk for c in claimed]).update(claimed_at=now)
    return claimed


def notes_index_pending(*, batch: int = DRAIN_BATCH) -> int:
    """Drain the index queue in batches until no unclaimed entry is left; returns the notes indexed.

    Several workers drain in parallel on disjoint claims; a worker killed mid-batch leaves its claim to
    expire, and the batch is indexed again (indexing is idempotent).
    """
    done = 0
    while claimed := _claim(batch):
        note_ids = list(dict.fromkeys(c.note_id for c in claimed))
        with transaction.atomic():
            notes_index(note_ids=note_ids)
            PendingNoteIndex.objects.filter(pk__in=[c.pk for c in claimed]).delete()
        done += len(note_ids)
    return done


def member_index(*, user_id: int) -> None:
    """Replace a member's search keys (removed when the account is no longer active), and what their notes
    count for their topics: an author deactivated or deleted takes their topics back (a writer that
    deactivates or deletes an account enqueues this job), one reactivated gives them back."""
    user = User.objects.filter(pk=user_id).first()
    with transaction.atomic():
        public_topics_sync(author_id=user_id)
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


def search_rebuild(
    *,
    batch: int = 500,
    notes: bool = True,
    members: bool = True,
    progress: ProgressReporter = progress_silent,
) -> RebuildResult:
    """Rebuild the index from the database (rjieba segmentation, batched bulk inserts), telling `progress`
    how many notes and members are done."""
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
        with progress("notes", total=queryset.count(), unit="notes") as bar:
            while chunk := list(queryset.filter(pk__gt=last)[:batch]):
                with transaction.atomic():
                    backends.index_put([_row(n) for n in chunk])
                note_count += len(chunk)
                last = chunk[-1].pk
                bar.advance(len(chunk))
        backends.index_optimize()
        # Topics only of notes everyone may see: drafts, "only me" and followers-only notes name none.
        topic_count = public_topics_rebuild(batch=batch)
    if members:
        SearchTerm.objects.filter(kind=SearchTerm.Kind.MEMBER).delete()
        rows: list[SearchTerm] = []
        active = User.objects.filter(is_active=True)
        with progress("members", total=active.count(), unit="members") as bar:
            for user in active.order_by("pk").iterator(chunk_size=batch):
                rows += [
                    SearchTerm(kind=SearchTerm.Kind.MEMBER, object_id=user.pk, term=t, weight=w)
                    for t, w in _member_terms(user).items()
                ]
                member_count += 1
                bar.advance()
                if len(rows) >= batch:
                    SearchTerm.objects.bulk_create(rows)
                    rows = []
            SearchTerm.objects.bulk_create(rows)
    return RebuildResult(note_count, member_count, topic_count, time.monotonic() - started)
