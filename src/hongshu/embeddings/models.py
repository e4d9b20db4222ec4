"""One sentence embedding per indexable note, stored as raw float16 bytes (no pgvector here)."""

from __future__ import annotations

from django.db import models

from hongshu.notes.models import Note


class NoteEmbedding(models.Model):
    """The note's passage vector (`dim` float16 values, L2-normalised), written after commit by a job."""

    note = models.OneToOneField(Note, on_delete=models.CASCADE, related_name="embedding")
    # float16 halves storage (768 bytes for 384 dims) and costs nothing measurable in cosine ranking.
    vector = models.BinaryField()
    model = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"embedding of note {self.note_id} ({self.model})"
