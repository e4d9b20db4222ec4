"""Writing note embeddings: one note after commit (a job), or every indexable note in batches (a rebuild)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from hongshu.embeddings import selectors
from hongshu.embeddings.embedder import Embedder, embedder, to_bytes
from hongshu.embeddings.models import NoteEmbedding
from hongshu.notes.models import Note

PASSAGE_MAX_CHARS = 1000  # e5-small reads 512 tokens at most; a note's start says what it is about


def _indexable(note: Note) -> bool:
    # Same rule as the keyword index: who may see the note is decided at query time (listed_for).
    return note.deleted_at is None and note.status == Note.Status.PUBLISHED and note.author.is_active


def passage_text(note: Note) -> str:
    topics = " ".join(f"#{t.name}" for t in note.topics.all())
    parts = [note.title, topics, note.place_name, note.body]
    return "\n".join(p for p in parts if p)[:PASSAGE_MAX_CHARS]


def _store(model: Embedder, notes: Sequence[Note]) -> None:
    vectors = model.embed_passages([passage_text(n) for n in notes])
    for note, vector in zip(notes, vectors, strict=True):
        NoteEmbedding.objects.update_or_create(
            note_id=note.pk, defaults={"vector": to_bytes(vector), "model": model.name}
        )


def note_embed(*, note_id: int) -> bool:
    """Write (or replace) the note's vector; remove it when the note is no longer indexable.

    Returns whether a vector was written. A no-op when embeddings are switched off.
    """
    model = embedder()
    if model is None:
        return False
    note = Note.objects.select_related("author").prefetch_related("topics").filter(pk=note_id).first()
    if note is None or not _indexable(note):
        NoteEmbedding.objects.filter(note_id=note_id).delete()
        selectors.matrix_invalidate()
        return False
    _store(model, [note])
    selectors.matrix_invalidate()
    return True


@dataclass(frozen=True)
class RebuildReport:
    notes: int
    seconds: float


def embeddings_rebuild(*, batch: int = 64) -> RebuildReport:
    """Embed every indexable note, newest first, `batch` at a time (cost per note:
    docs/benchmarks.md#embedding-rebuild)."""
    model = embedder()
    if model is None:
        return RebuildReport(notes=0, seconds=0.0)
    started = time.perf_counter()
    done = 0
    notes = (
        Note.objects.filter(deleted_at__isnull=True, status=Note.Status.PUBLISHED, author__is_active=True)
        .select_related("author")
        .order_by("-pk")
    )
    last: int | None = None
    while True:
        page = notes if last is None else notes.filter(pk__lt=last)
        chunk = list(page.prefetch_related("topics")[:batch])
        if not chunk:
            break
        _store(model, chunk)
        done += len(chunk)
        last = chunk[-1].pk
    selectors.matrix_invalidate()
    return RebuildReport(notes=done, seconds=time.perf_counter() - started)
