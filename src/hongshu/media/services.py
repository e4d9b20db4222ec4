"""Media writes. (Upload validation and processing: see validation.py and processing.py.)"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction

from hongshu.media.models import MediaAsset


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
