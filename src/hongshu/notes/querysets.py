"""The one visibility policy for notes. Every surface reaches notes through `visible_to` / `access_note`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hongshu.accounts.models import User
    from hongshu.notes.models import Note  # noqa: F401 - named in the QuerySet base below


class NoteQuerySet(models.QuerySet["Note"]):
    def alive(self) -> NoteQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, viewer: User | AnonymousUser | None) -> NoteQuerySet:
        """Notes `viewer` may read: published public notes, plus everything alive of their own.

        Followers-only notes are visible to their author only until the follow graph exists (issue 3 adds
        accepted followers here, and blocks) — the rule lives here and nowhere else.
        """
        published_public = Q(status="published", visibility="public", author__is_active=True)
        if viewer is None or not viewer.is_authenticated:
            return self.alive().filter(published_public)
        return self.alive().filter(published_public | Q(author_id=viewer.pk))
