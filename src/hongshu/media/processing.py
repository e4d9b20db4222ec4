"""Media processing, a state machine: pending → ready | failed.

A worker claims a pending asset (compare-and-set on `claimed_at`, counting `attempts`) and hands the private
raw upload to a child process (isolation.py: a memory and CPU ceiling, nothing kept by the worker), which
decodes it as small as the format allows, applies the EXIF orientation, flattens it to sRGB and encodes
metadata-free WebP display variants and a blurhash (render.py). The worker stores the variants, marks the
asset ready and deletes the raw upload, so no EXIF or GPS outlives processing.

Failures of the image are final and delete the raw upload: any decoder or encoder error, a memory or time
ceiling reached, the child dying. Failures of the infrastructure (storage down, no process could be
started, a killed worker) leave the asset pending for `media_resume_pending`, up to `MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone

from hongshu.media.isolation import ChildFailure, run_in_child
from hongshu.media.models import MediaAsset
from hongshu.media.render import DISPLAY_WIDTHS, Refusal, Rendered, render, variant_widths
from hongshu.media.validation import memory_budget_bytes

logger = logging.getLogger(__name__)

__all__ = ["CLAIM_LEASE", "DISPLAY_WIDTHS", "MAX_ATTEMPTS", "media_process", "variant_key", "variant_widths"]

MAX_ATTEMPTS = 3
# A claim older than this is taken to belong to a dead worker; processing one photo takes seconds.
CLAIM_LEASE = timedelta(minutes=10)


def variant_key(media_id: int, width: int) -> str:
    return f"media/{media_id}/{width}.webp"


def _write_variants(asset: MediaAsset, rendered: Rendered, written: list[str]) -> dict[str, str]:
    variants: dict[str, str] = {}
    for width, data in rendered.variants.items():
        key = variant_key(asset.pk, width)
        default_storage.delete(key)  # left by an interrupted attempt; save() would pick another name
        written.append(default_storage.save(key, ContentFile(data)))
        variants[str(width)] = written[-1]
    return variants


def _claim(media_id: int) -> MediaAsset | None:
    now = timezone.now()
    claimed = (
        MediaAsset.objects.filter(pk=media_id, state=MediaAsset.State.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    return MediaAsset.objects.filter(pk=media_id).first() if claimed else None


def _delete(keys: list[str]) -> None:
    for key in keys:
        default_storage.delete(key)


def _release(asset: MediaAsset) -> None:
    MediaAsset.objects.filter(pk=asset.pk).update(claimed_at=None)


def _fail(asset: MediaAsset, code: str) -> None:
    updated = MediaAsset.objects.filter(pk=asset.pk, state=MediaAsset.State.PENDING).update(
        state=MediaAsset.State.FAILED, error_code=code, original_key="", variants={}, claimed_at=None
    )
    if updated and asset.original_key:
        default_storage.delete(asset.original_key)
    logger.info("media %s failed: %s", asset.pk, code)


def _finish(asset: MediaAsset, rendered: Rendered, variants: dict[str, str]) -> None:
    updated = MediaAsset.objects.filter(pk=asset.pk, state=MediaAsset.State.PENDING).update(
        state=MediaAsset.State.READY,
        error_code="",
        width=rendered.width,
        height=rendered.height,
        blurhash=rendered.blurhash,
        variants=variants,
        original_key="",
        claimed_at=None,
        processed_at=timezone.now(),
    )
    if updated:
        default_storage.delete(asset.original_key)
    elif not MediaAsset.objects.filter(pk=asset.pk).exists():
        _delete(list(variants.values()))  # deleted while we worked: its row no longer lists these files


def _read_upload(asset: MediaAsset) -> bytes | None:
    """The raw upload (at most `upload_max_bytes`), or None if it is gone."""
    if not asset.original_key:
        return None
    try:
        with default_storage.open(asset.original_key, "rb") as raw:
            return bytes(raw.read())
    except FileNotFoundError:
        return None


def media_process(*, media_id: int) -> None:
    """Process one asset. Idempotent: ready, failed, missing or currently claimed assets are left alone."""
    asset = _claim(media_id)
    if asset is None:
        return
    if asset.attempts > MAX_ATTEMPTS:
        _fail(asset, "processing_gave_up")
        return
    data = _read_upload(asset)
    if data is None:
        _fail(asset, "upload_missing")
        return
    limits = settings.HONGSHU
    try:
        result = run_in_child(
            render,
            data,
            memory_bytes=memory_budget_bytes(),
            max_pixels=limits.image_max_pixels,
            max_aspect=limits.image_max_aspect_ratio,
        )
    except ChildFailure as failure:
        _fail(asset, failure.code)
        return
    except Exception:
        _release(asset)  # no child could be started: not the image's fault, try again later
        raise
    del data
    if isinstance(result, Refusal):
        _fail(asset, result.code)
        return
    written: list[str] = []
    try:
        variants = _write_variants(asset, result, written)
    except Exception:
        # Not the image's fault (storage): clean up and release the claim for a later retry.
        _delete(written)
        _release(asset)
        raise
    _finish(asset, result, variants)
