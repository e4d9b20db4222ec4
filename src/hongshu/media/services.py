"""Media writes: upload (validated before anything is stored), resume of stalled processing, cleanup.

Validation is in validation.py and the processing state machine in processing.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.core.jobs import enqueue_on_commit
from hongshu.media.models import MediaAsset
from hongshu.media.processing import CLAIM_LEASE
from hongshu.media.tasks import process_media_task
from hongshu.media.validation import validate_upload

CLEANUP_BATCH = 500


def media_storage_keys(asset: MediaAsset) -> list[str]:
    keys = list(asset.variants.values())
    if asset.original_key:
        keys.append(asset.original_key)
    return keys


def media_delete_files_on_commit(*, media: Iterable[MediaAsset]) -> None:
    """Remove the stored files of `media` once the transaction that deletes their rows commits."""
    keys = [key for asset in media for key in media_storage_keys(asset)]

    def _delete() -> None:
        for key in keys:
            default_storage.delete(key)

    if keys:
        transaction.on_commit(_delete)


def upload_key(media_id: int) -> str:
    """Where the raw upload waits for processing: private (never served), deleted once processed."""
    return f"uploads/{media_id}"


def media_upload(*, owner: User, upload: UploadedFile) -> MediaAsset:
    """Validate an image, store it privately and queue its processing. Nothing is stored if it is refused."""
    info = validate_upload(upload)
    asset = MediaAsset(
        owner=owner,
        content_type=info.content_type,
        width=info.width,
        height=info.height,
        size_bytes=upload.size or 0,
    )
    asset.original_key = default_storage.save(upload_key(asset.pk), upload)
    try:
        with transaction.atomic():
            asset.save(force_insert=True)
    except DatabaseError:
        default_storage.delete(asset.original_key)
        raise
    enqueue_on_commit(process_media_task, str(asset.pk))
    return asset


def media_resume_pending(*, older_than: timedelta) -> int:
    """Queue again the assets still pending after `older_than` whose worker died (claim lease expired)."""
    now = timezone.now()
    stale = MediaAsset.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE),
        state=MediaAsset.State.PENDING,
        created_at__lt=now - older_than,
    )
    media_ids = list(stale.order_by("id").values_list("id", flat=True))
    for media_id in media_ids:
        enqueue_on_commit(process_media_task, str(media_id))
    return len(media_ids)


def media_delete_orphans(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete uploads older than `older_than` that are on no note and are nobody's avatar, with their files."""
    avatars = User.objects.filter(avatar__isnull=False).values("avatar_id")
    orphans = MediaAsset.objects.filter(
        created_at__lt=timezone.now() - older_than, note_image__isnull=True
    ).exclude(pk__in=avatars)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(orphans.order_by("id")[:CLEANUP_BATCH])
            if not batch:
                return deleted
            media_delete_files_on_commit(media=batch)
            MediaAsset.objects.filter(pk__in=[asset.pk for asset in batch]).delete()
        deleted += len(batch)
