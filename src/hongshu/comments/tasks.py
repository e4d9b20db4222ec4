"""Celery entry points: thin, IDs in as strings (they round-trip through JSON)."""

from __future__ import annotations

from celery import shared_task

from hongshu.comments.services import comment_counts_reconcile, comment_like_counts_reconcile


@shared_task(name="comments.reconcile_counts", acks_late=True, ignore_result=True)
def reconcile_comment_counts_task(note_ids: list[str]) -> None:
    comment_counts_reconcile(note_ids=[int(note_id) for note_id in note_ids])


@shared_task(name="comments.reconcile_like_counts", acks_late=True, ignore_result=True)
def reconcile_comment_like_counts_task(comment_ids: list[str]) -> None:
    comment_like_counts_reconcile(comment_ids=[int(comment_id) for comment_id in comment_ids])
