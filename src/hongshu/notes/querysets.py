"""The one visibility policy for notes. Every surface reaches notes through `visible_to` / `access_note`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from hongshu.social.models import Follow, Mute
from hongshu.social.querysets import blocked_with

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hongshu.accounts.models import User
    from hongshu.notes.models import Note  # noqa: F401 - named in the QuerySet base below


class NoteQuerySet(models.QuerySet["Note"]):
    def alive(self) -> NoteQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, viewer: User | AnonymousUser | None) -> NoteQuerySet:
        """Notes `viewer` may read — the rule lives here and nowhere else:

        - deleted notes and notes of inactive (suspended, deleted) authors: no one;
        - drafts and "only me" notes: their author;
        - public notes: everyone, except when author and viewer are a blocked pair (either direction);
        - followers-only notes: their author and accounts whose follow the author ACCEPTED (no block).

        One SQL statement: the graph is consulted through correlated EXISTS subqueries, never in Python.
        It reads the viewer only through `pk` and `is_authenticated`: search compiles it once per kind of
        viewer and binds the pk per request (`core.compiled`; tests/core/test_compiled.py checks the rows).
        """
        live = self.alive().filter(author__is_active=True)
        published_public = Q(status="published", visibility="public")
        if viewer is None or not viewer.is_authenticated:
            return live.filter(published_public)
        blocked_pair = blocked_with(viewer.pk, "author_id")  # the graph's one spelling of the rule
        accepted_follower = Exists(
            Follow.objects.filter(
                follower_id=viewer.pk, followee_id=OuterRef("author_id"), state=Follow.State.ACCEPTED
            )
        )
        others = (
            Q(status="published")
            & ~blocked_pair
            & (Q(visibility="public") | (Q(visibility="followers") & accepted_follower))
        )
        return live.filter(Q(author_id=viewer.pk) | others)

    def listed_for(self, viewer: User | AnonymousUser | None) -> NoteQuerySet:
        """`visible_to`, minus authors the viewer muted: for lists and feeds, not for direct reads.

        Muting is silent and one-way, so it is a filter on what is offered, not part of the policy.
        """
        visible = self.visible_to(viewer)
        if viewer is None or not viewer.is_authenticated:
            return visible
        return visible.exclude(
            Exists(Mute.objects.filter(muter_id=viewer.pk, muted_id=OuterRef("author_id")))
        )

    def discoverable_for(self, viewer: User | AnonymousUser | None) -> NoteQuerySet:
        """`listed_for`, minus limited notes the viewer did not ask for: what the surfaces that offer notes to
        people who went looking (Explore, the newest notes, search, topic and Nearby feeds, hot topics and
        every precomputed public count) may show.

        A note is limited when a moderator limited it or its author (`Note.limited`, `User.limited`); it
        then reaches its author and the author's accepted followers here, and stays readable by everyone
        `visible_to` allows on direct reads, the author's profile and the following feed.
        """
        listed = self.listed_for(viewer)
        unlimited = Q(limited=False, author__limited=False)
        if viewer is None or not viewer.is_authenticated:
            return listed.filter(unlimited)
        follows_author = Exists(
            Follow.objects.filter(
                follower_id=viewer.pk, followee_id=OuterRef("author_id"), state=Follow.State.ACCEPTED
            )
        )
        return listed.filter(unlimited | Q(author_id=viewer.pk) | follows_author)
