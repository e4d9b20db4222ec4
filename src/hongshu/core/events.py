"""After-commit events: what a writer announces, and the jobs that consume it, in one greppable table.

A writer says what happened (`announce_on_commit("note_changed", note.pk)`) instead of importing every app
that reacts to it, so the writing apps do not depend on the consuming ones (search, embeddings,
notifications...): the arrow points up only here, as strings. Consumers are the dotted paths of Celery
tasks, resolved with `import_string` when an event is announced and queued through
`core.jobs.enqueue_on_commit` (same JSON round-trip, same inline / thread / celery modes). Not Django
signals: the table is the whole list of who reacts, readable in one place and checked by a test
(tests/core/test_events.py) that every path names a registered task.

Each consumer receives the event's arguments as given; integers travel as strings (IDs in tasks are strings,
so they survive JSON unchanged), lists of integers as lists of strings.
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string

from hongshu.core.jobs import enqueue_on_commit

EVENTS: dict[str, tuple[str, ...]] = {
    # (note_id) a note was created or edited: tell the members it mentions, refresh its embedding.
    "note_changed": (
        "hongshu.notifications.tasks.notify_note_mentions_task",
        "hongshu.embeddings.tasks.embed_note_task",
        "hongshu.members.tasks.trust_recompute_note_author_task",
        "hongshu.feeds.tasks.fanout_note_task",
    ),
    # (note_id) a moderator brought back a note they had removed (a revert, an appeal overturned): its fan-out
    # ran when it was posted, so the lists of followers built while it was gone take it again.
    "note_restored": ("hongshu.feeds.tasks.feed_note_restored_task",),
    # () notes were queued for the search index: their outbox rows (notes.models.PendingNoteIndex) are
    # written inside the note's transaction (notes.services.notes_index_later), so they commit or roll back
    # with the change; this drains them.
    "notes_to_index": ("hongshu.search.tasks.index_pending_task",),
    # (member_id) a member's indexed names changed, or the member was deleted.
    "member_changed": ("hongshu.search.tasks.index_member_task",),
    # ([note_id, ...]) a deleted member's comments left these (other members') notes.
    "member_comments_removed": ("hongshu.comments.tasks.reconcile_comment_counts_task",),
    # (member_id, note_id)
    "like_added": (
        "hongshu.notifications.tasks.notify_like_added_task",
        "hongshu.members.tasks.trust_recompute_liked_task",
    ),
    # (member_id, note_id)
    "collect_added": ("hongshu.notifications.tasks.notify_collect_added_task",),
    # (follower_id, followee_id) a follow of a public account, or a request to follow a private one.
    "follow_added": (
        "hongshu.notifications.tasks.notify_follow_added_task",
        "hongshu.feeds.tasks.feed_follow_added_task",
    ),
    # (followee_id, [follower_id, ...]) requests to follow a private account were accepted.
    "follows_accepted": ("hongshu.feeds.tasks.feed_follows_accepted_task",),
    "follow_requested": ("hongshu.notifications.tasks.notify_follow_requested_task",),
    # (comment_id) a comment or a reply was posted (its mentions are stored with it).
    "comment_posted": (
        "hongshu.notifications.tasks.notify_comment_posted_task",
        "hongshu.members.tasks.trust_recompute_commented_task",
    ),
    # (member_id) a member's email address was verified or changed (their trust level may move).
    "email_changed": ("hongshu.members.tasks.trust_recompute_member_task",),
    # (member_id, comment_id)
    "comment_liked": ("hongshu.notifications.tasks.notify_comment_liked_task",),
    # (subject, source, language, rule_code, rule_version, audit_seq, group) screening held content:
    # subject "note:<id>" | "comment:<id>" | "member:<id>", source screening | burst | new_account, the
    # content's language, the rule's code and version, the seq of the screening's audit event, and a group
    # key ("burst:<fingerprint>", or "") whose subjects share one case. Opens or joins a moderation case.
    "content_held": ("hongshu.moderation.tasks.case_open_task",),
    # (note_id, staff_id, "dismissed" | "upheld") staff released or turned down a held note from the
    # held-notes queue: its active case is decided the same way.
    "held_note_reviewed": ("hongshu.moderation.tasks.held_note_reviewed_task",),
    # ([note_id, ...]) deleted notes were purged for good (notes.services.notes_purge): the tables that name
    # them by plain id forget them. The search index learns it through its outbox, like any note change.
    "notes_purged": (
        "hongshu.feeds.tasks.feed_notes_purged_task",
        "hongshu.discovery.tasks.pool_notes_purged_task",
        "hongshu.language.tasks.translations_notes_purged_task",
    ),
    # ([comment_id, ...]) deleted comments were purged, or a placeholder's words blanked.
    "comments_purged": ("hongshu.language.tasks.translations_comments_purged_task",),
}


class UnknownEvent(LookupError):
    """An event that is not in `EVENTS`: a programming error, raised where it is announced."""


def _wire(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


def announce_on_commit(event: str, *args: Any) -> None:
    """Queue every consumer of `event` with `args`, to run once the current transaction commits (at once
    outside one). Call it inside the write's transaction so a rolled-back write announces nothing."""
    try:
        consumers = EVENTS[event]
    except KeyError:
        raise UnknownEvent(f"unknown event {event!r}: add it to hongshu.core.events.EVENTS") from None
    payload = [_wire(a) for a in args]
    for path in consumers:
        enqueue_on_commit(import_string(path), *payload)
