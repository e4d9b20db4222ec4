"""Celery entry points of member workflows: thin, IDs in as strings."""

from __future__ import annotations

from celery import shared_task

from hongshu.members.export import export_build, exports_expire
from hongshu.members.retention import purge_deleted
from hongshu.members.surge import surge_check
from hongshu.members.trust import (
    trust_recompute,
    trust_recompute_all,
    trust_recompute_comment_note_author,
    trust_recompute_note_author,
)


@shared_task(name="members.trust_recompute_all", acks_late=True, ignore_result=True)
def trust_recompute_all_task() -> None:
    """Periodic: every member's trust level (age and email verification move without an event)."""
    trust_recompute_all()


@shared_task(name="members.trust_recompute_note_author", acks_late=True, ignore_result=True)
def trust_recompute_note_author_task(note_id: str) -> None:
    trust_recompute_note_author(note_id=int(note_id))


@shared_task(name="members.trust_recompute_liked", acks_late=True, ignore_result=True)
def trust_recompute_liked_task(member_id: str, note_id: str) -> None:
    trust_recompute_note_author(note_id=int(note_id))


@shared_task(name="members.trust_recompute_commented", acks_late=True, ignore_result=True)
def trust_recompute_commented_task(comment_id: str) -> None:
    trust_recompute_comment_note_author(comment_id=int(comment_id))


@shared_task(name="members.trust_recompute_member", acks_late=True, ignore_result=True)
def trust_recompute_member_task(member_id: str) -> None:
    trust_recompute(user_ids=[int(member_id)])


@shared_task(name="members.surge_check", acks_late=True, ignore_result=True)
def surge_check_task() -> None:
    """Periodic and after each sign-up: flip the recorded surge posture (surge_mode auto)."""
    surge_check()


@shared_task(name="members.purge_deleted", acks_late=True, ignore_result=True)
def purge_deleted_task() -> None:
    """Periodic: deleted notes and comments past the retention period go for good (members.retention)."""
    purge_deleted()


@shared_task(name="members.export_build", acks_late=True, ignore_result=True)
def export_build_task(export_id: str) -> None:
    """Build a member's data export (members.export); a pending one only, so a redelivery does nothing."""
    export_build(export_id=int(export_id))


@shared_task(name="members.exports_expire", acks_late=True, ignore_result=True)
def exports_expire_task() -> None:
    """Periodic: the files of data exports past HONGSHU_EXPORT_EXPIRE_DAYS are deleted."""
    exports_expire()
