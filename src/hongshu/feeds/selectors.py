"""Feed reads shared by the pages (the following feed itself is `feeds.following`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from hongshu.accounts.models import User
from hongshu.interactions.models import Collect, Like

Viewer = User | AnonymousUser | None


@dataclass(frozen=True)
class ViewerMarks:
    """Which of some notes the viewer liked or collected (empty for visitors)."""

    liked: frozenset[int]
    collected: frozenset[int]


def viewer_marks(*, viewer: Viewer, note_ids: list[int]) -> ViewerMarks:
    """The viewer's likes and collects among `note_ids`: two indexed queries whatever the page holds."""
    if not isinstance(viewer, User) or not viewer.is_authenticated or not note_ids:
        return ViewerMarks(liked=frozenset(), collected=frozenset())
    liked = Like.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    collected = Collect.objects.filter(user=viewer, note_id__in=note_ids).values_list("note_id", flat=True)
    return ViewerMarks(liked=frozenset(liked), collected=frozenset(collected))
