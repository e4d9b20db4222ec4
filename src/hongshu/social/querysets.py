"""The account policy and the one spelling of "a blocked pair cannot see each other".

`members_visible_to(viewer)` says which members a viewer may see, for every surface that lists or opens a
member (profile pages and `access_account`, member search, mention suggestions, follow lists, the people named
in comments, boards, notifications):

- inactive (suspended, deleted) members: no one;
- anonymous viewers: every active member;
- a member: every active member except those they are in a blocked pair with (either direction).

The policies of things members make (notes, comments, notifications) exclude rows whose author is in a
blocked pair with the viewer through `blocked_with`. Nothing else names `Block` in a read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from hongshu.accounts.models import User
from hongshu.social.models import Block, Follow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def blocked_with(viewer_id: int, user_field: str) -> Exists:
    """Correlated EXISTS: the user in `user_field` and the viewer are a blocked pair (either direction)."""
    return Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=OuterRef(user_field))
            | Q(blocker_id=OuterRef(user_field), blocked_id=viewer_id)
        )
    )


def members_visible_to(viewer: User | AnonymousUser | None) -> QuerySet[User]:
    """Members `viewer` may see: the account policy (see above), in one SQL statement. Like the note policy
    it reads the viewer only through `pk` and `is_authenticated`. A member always sees themself (one cannot
    block oneself)."""
    live = User.objects.filter(is_active=True)
    if viewer is None or not viewer.is_authenticated:
        return live
    return live.exclude(blocked_with(viewer.pk, "pk"))


def members_discoverable_for(viewer: User | AnonymousUser | None) -> QuerySet[User]:
    """`members_visible_to`, minus members a moderator limited (`User.limited`) unless the viewer is them or
    follows them: for member search and suggestions, as `NoteQuerySet.discoverable_for` is for notes. Their
    profile stays reachable by its link."""
    visible = members_visible_to(viewer)
    if viewer is None or not viewer.is_authenticated:
        return visible.filter(limited=False)
    follows = Exists(
        Follow.objects.filter(follower_id=viewer.pk, followee_id=OuterRef("pk"), state=Follow.State.ACCEPTED)
    )
    return visible.filter(Q(limited=False) | Q(pk=viewer.pk) | follows)
