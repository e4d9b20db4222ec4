"""Retention: deleted content is removed for good once `HONGSHU_PURGE_AFTER_DAYS` have passed.

Deleting a note or a comment hides it at once (the visibility policy) but keeps it for moderation: a
report, an appeal or a case may still need its words. After the retention period the hourly job
(`core.periodic`: `purge-deleted`) and `hongshu purge` remove it from the database with its photos' files;
the search index, topic counts, feed lists, the explore pool and translations follow through the notes'
index outbox and the `notes_purged` / `comments_purged` events. Accounts need no purge: deleting one
removes it at once, with its files (`members.services.account_delete`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from hongshu.comments.services import comments_purge
from hongshu.notes.services import notes_purge


@dataclass(frozen=True)
class PurgeResult:
    before: datetime
    notes: int
    comments: int
    files: int


def purge_deleted(*, now: datetime | None = None) -> PurgeResult:
    """Remove the notes and comments deleted more than `purge_after_days` ago (comments first: those on a
    purged note go with it either way)."""
    before = (now or timezone.now()) - timedelta(days=settings.HONGSHU.purge_after_days)
    comments = comments_purge(before=before)
    notes, files = notes_purge(before=before)
    return PurgeResult(before=before, notes=notes, comments=comments, files=files)
