from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import NotFound, field_error
from hongshu.media.models import MediaAsset


def media_not_found() -> NotFound:
    return NotFound(_("This image does not exist or is not visible to you."), code="media_not_found")


def media_of_owner(*, owner: User, media_id: int) -> MediaAsset:
    """One of `owner`'s uploads in any state (to follow its processing)."""
    asset = MediaAsset.objects.filter(pk=media_id, owner=owner).first()
    if asset is None:
        raise media_not_found()
    return asset


def media_owned_ready(*, owner: User, media_id: int, field: str) -> MediaAsset:
    """One of `owner`'s processed images, e.g. for an avatar."""
    asset = MediaAsset.objects.filter(pk=media_id, owner=owner, state=MediaAsset.State.READY).first()
    if asset is None:
        raise field_error(field, _("This image does not exist or is not ready yet."), code="media_not_ready")
    return asset


def media_for_note(*, owner: User, media_ids: Sequence[int], note_id: int | None = None) -> list[MediaAsset]:
    """`owner`'s uploads, in the given order, that may be attached to note `note_id` (or a new note).

    Pending images are accepted (the note shows them when processing finishes); failed ones, other members'
    images and images already on another note are not.
    """
    if len(set(media_ids)) != len(media_ids):
        raise field_error("image_ids", _("The same image is listed twice."), code="duplicate_image")
    assets = {
        asset.pk: asset
        for asset in MediaAsset.objects.filter(pk__in=media_ids, owner=owner).select_related("note_image")
    }
    result = []
    for media_id in media_ids:
        asset = assets.get(media_id)
        if asset is None:
            raise field_error("image_ids", _("One of these images does not exist."), code="unknown_image")
        if asset.state == MediaAsset.State.FAILED:
            raise field_error(
                "image_ids", _("One of these images could not be processed."), code="image_failed"
            )
        attached = getattr(asset, "note_image", None)
        if attached is not None and attached.note_id != note_id:
            raise field_error(
                "image_ids", _("One of these images belongs to another note."), code="image_in_use"
            )
        result.append(asset)
    return result
