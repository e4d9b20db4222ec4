"""Media writes: upload (validated before anything is stored), resume of stalled processing, cleanup.

Validation is in validation.py and the processing state machine in processing.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import RateLimited
from hongshu.core.jobs import enqueue_on_commit
from hongshu.media.models import MediaAsset
from hongshu.media.processing import CLAIM_LEASE
from hongshu.media.tasks import process_media_task
from hongshu.media.validation import validate_upload

CLEANUP_BATCH = 500
# Uploads on no note after this long are deleted by `media_delete_orphans` (the media_cleanup command).
ORPHAN_AGE = timedelta(days=1)
_HOUR = timedelta(hours=1)


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


def _retry_after(when: datetime) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil((when - timezone.now()).total_seconds())))}


def media_upload_check_quota(*, owner: User) -> None:
    """Refuse (429 with Retry-After) an upload beyond the member's caps from settings: uploads in the last
    hour, and uploads waiting (on no note, not the avatar, not failed) from the last `ORPHAN_AGE`.

    Counted from the member's own rows, newest first on the (owner, -id) index and never more than the
    cap, so it costs two short indexed queries on either database and needs no cache. Two uploads at the
    same moment may both pass at the cap: a bound on abuse, not an exact count.
    """
    limits = settings.HONGSHU
    now = timezone.now()
    mine = MediaAsset.objects.filter(owner=owner).order_by("-id")
    hourly = list(mine.values_list("created_at", flat=True)[: limits.upload_member_hourly_limit])
    if len(hourly) == limits.upload_member_hourly_limit and hourly[-1] > now - _HOUR:
        raise RateLimited(
            _("You have uploaded a lot of photos in the last hour. Please try again later."),
            code="upload_rate_limited",
            headers=_retry_after(hourly[-1] + _HOUR),
        )
    waiting = mine.filter(note_image__isnull=True, created_at__gt=now - ORPHAN_AGE).exclude(
        Q(state=MediaAsset.State.FAILED) | Q(pk=owner.avatar_id or 0)
    )
    pending = list(waiting.values_list("created_at", flat=True)[: limits.upload_member_pending_limit])
    if len(pending) == limits.upload_member_pending_limit:
        raise RateLimited(
            _("You have many photos waiting to be posted. Post them in a note first, or try again later."),
            code="upload_pending_limit",
            headers=_retry_after(pending[-1] + ORPHAN_AGE),
        )


def media_upload(*, owner: User, upload: UploadedFile) -> MediaAsset:
    """Validate an image, store it privately and queue its processing. Nothing is stored if it is refused.

    The member's upload caps are checked first (`media_upload_check_quota`), then the image itself in a
    child process (validation.py).
    """
    media_upload_check_quota(owner=owner)
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


def media_delete_orphans(*, older_than: timedelta = ORPHAN_AGE) -> int:
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
