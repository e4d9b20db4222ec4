"""Member workflows across apps; see the package docstring."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.accounts.services import account_update_profile
from hongshu.comments.models import Comment
from hongshu.comments.services import comment_like_counts_reconcile_member_on_commit
from hongshu.core.errors import NotAuthenticated
from hongshu.core.events import announce_on_commit
from hongshu.interactions.services import counter_reconcile_member_on_commit
from hongshu.media.models import MediaAsset
from hongshu.media.selectors import media_owned_ready
from hongshu.media.services import media_delete_files_on_commit
from hongshu.members.export import exports_delete_files_on_commit
from hongshu.notes.models import Note
from hongshu.notes.services import notes_index_later
from hongshu.social.services import follow_counts_member_presence


def profile_save(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    languages: Sequence[str] | None = None,
    region: str | None = None,
    avatar_id: int | None = None,
) -> User:
    """Change the given profile fields and, with `avatar_id`, the avatar: one of the member's own processed
    photos (else a 422 on `avatar_id`). Fields left as None stay as they are; all or nothing."""
    with transaction.atomic():
        avatar = (
            None
            if avatar_id is None
            else media_owned_ready(owner=user, media_id=avatar_id, field="avatar_id")
        )
        return account_update_profile(
            user=user, display_name=display_name, bio=bio, languages=languages, region=region, avatar=avatar
        )


FORGET_BATCH = 500  # ids per job of the tables that name a deleted member's notes and comments


def account_delete(*, user: User, password: str) -> None:
    """Delete the member with their notes, media, tokens, likes and comments; files go after commit, and the
    tables naming their notes and comments by plain id forget them (events `notes_purged`, `comments_purged`).

    The cascade bypasses the services that keep per-note and per-comment counters, so right after commit
    the counts they touched are recomputed from the tables of record, in bounded batches: comments on
    others' notes, likes and collects of others' notes, likes of others' comments.
    """
    if not user.check_password(password):
        raise NotAuthenticated(_("The password is not correct."), code="invalid_credentials")
    with transaction.atomic():
        commented = Comment.objects.filter(author=user).exclude(note__author=user)
        note_ids = [str(i) for i in commented.values_list("note_id", flat=True).distinct()]
        media_delete_files_on_commit(media=list(user.media.all()))
        exports_delete_files_on_commit(member=user)
        counter_reconcile_member_on_commit(member_id=user.pk)
        comment_like_counts_reconcile_member_on_commit(member_id=user.pk)
        # Their notes go with the cascade: the member job takes back the topics those notes offered.
        announce_on_commit("member_changed", user.pk)
        if User.objects.filter(pk=user.pk, is_active=True).exists():
            # The cascade takes their follows without the graph's services: uncount them first.
            follow_counts_member_presence(member_id=user.pk, sign=-1)
        # Tables that name the member's notes and comments by plain id (feed lists, the explore pool,
        # translations) forget them as they forget purged ones.
        own_notes = list(Note.objects.filter(author=user).values_list("pk", flat=True))
        own_comments = list(
            Comment.objects.filter(Q(author=user) | Q(note__author=user)).values_list("pk", flat=True)
        )
        # The index outbox, as for a purge: the drain finds the notes gone and takes out their index rows.
        notes_index_later(note_ids=own_notes)
        user.delete()
        if note_ids:
            announce_on_commit("member_comments_removed", note_ids)
        for batch in range(0, len(own_notes), FORGET_BATCH):
            announce_on_commit("notes_purged", own_notes[batch : batch + FORGET_BATCH])
        for batch in range(0, len(own_comments), FORGET_BATCH):
            announce_on_commit("comments_purged", own_comments[batch : batch + FORGET_BATCH])


def member_set_active(*, member: User, active: bool) -> User:
    """Deactivate (suspend) or reactivate a member. A deactivated member cannot sign in and is seen by no
    one; their follows stay but stop counting on the other end (`social.services.counters`), and count
    again when they come back. Search re-indexes them after commit. Setting the state they are in does
    nothing."""
    with transaction.atomic():
        current = User.objects.select_for_update().only("pk", "is_active").get(pk=member.pk)
        if current.is_active != active:
            User.objects.filter(pk=member.pk).update(is_active=active)
            follow_counts_member_presence(member_id=member.pk, sign=1 if active else -1)
            announce_on_commit("member_changed", member.pk)
    member.is_active = active
    return member


def member_set_limited(*, member_id: int, limited: bool) -> bool:
    """Moderation's limit on a member: every note of theirs, now and to come, reaches only their followers
    on the discovery surfaces (`NoteQuerySet.discoverable_for`); search re-counts their public topics after
    commit. False when they were already in that state, or no longer exist."""
    with transaction.atomic():
        changed = User.objects.filter(pk=member_id).exclude(limited=limited).update(limited=limited)
        if changed:
            announce_on_commit("member_changed", member_id)
    return bool(changed)


# What a profile removal clears, and the value each field gets.
PROFILE_CLEARED = ("display_name", "bio", "bio_language", "avatar_id")


def member_profile_clear(*, member_id: int) -> dict[str, Any]:
    """Moderation's profile removal: the display name back to the handle, no bio, no avatar (the photo is
    kept, no longer shown; the orphan clean-up deletes it a day later unless the removal is reverted).
    Returns the previous values of the fields it changed, for `member_profile_restore`."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=member_id)
        cleared = {"display_name": user.handle, "bio": "", "bio_language": "", "avatar_id": None}
        before = {f: getattr(user, f) for f in PROFILE_CLEARED if getattr(user, f) != cleared[f]}
        if before:
            for name in before:
                setattr(user, name, cleared[name])
            user.profile_revision = F("profile_revision") + 1
            user.save(update_fields=[*before, "profile_revision"])
            announce_on_commit("member_changed", member_id)
    if before.get("avatar_id") is not None:
        before["avatar_id"] = str(before["avatar_id"])  # JSON: ids travel as strings
    return before


def member_profile_restore(*, member_id: int, before: dict[str, Any]) -> list[str]:
    """Undo `member_profile_clear`: each field the member has not changed since gets its old value back (an
    avatar only while its photo still exists). Returns the fields restored."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=member_id).first()
        if user is None:
            return []
        cleared = {"display_name": user.handle, "bio": "", "bio_language": "", "avatar_id": None}
        restored = []
        for name, old in before.items():
            if name not in PROFILE_CLEARED or getattr(user, name) != cleared[name]:
                continue
            value = int(old) if name == "avatar_id" and old is not None else old
            if name == "avatar_id" and not MediaAsset.objects.filter(pk=value).exists():
                continue
            setattr(user, name, value)
            restored.append(name)
        if restored:
            user.profile_revision = F("profile_revision") + 1
            user.save(update_fields=[*restored, "profile_revision"])
            announce_on_commit("member_changed", member_id)
    return restored
