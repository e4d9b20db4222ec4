"""Who may see a processed image. It lives with notes, above media, because the note's visibility policy
decides for a photo on a note."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from hongshu.accounts.models import User
from hongshu.media.models import MediaAsset
from hongshu.media.selectors import media_not_found
from hongshu.notes.models import Note


@dataclass(frozen=True)
class MediaAccess:
    asset: MediaAsset
    public: bool  # anyone may see it, so shared caches may keep it


def access_media(*, viewer: User | AnonymousUser | None, media_id: int) -> MediaAccess:
    """The one rule for who may see a processed image: the note's visibility policy decides for an image
    on a note; an active member's avatar is public; an unattached upload is visible to its owner only
    (a preview before posting). Everything else — including the images of a deleted note — is NotFound.
    """
    ready = MediaAsset.objects.filter(pk=media_id, state=MediaAsset.State.READY)
    found = ready.select_related("note_image").first()
    if found is None:
        raise media_not_found()
    attached = getattr(found, "note_image", None)
    if attached is not None:
        notes = Note.objects.visible_to(viewer).filter(pk=attached.note_id)
        shown = notes.values("status", "visibility").first()
        if shown is not None:
            public = shown == {"status": Note.Status.PUBLISHED, "visibility": Note.Visibility.PUBLIC}
            return MediaAccess(asset=found, public=public)
    if User.objects.filter(avatar=found, is_active=True).exists():
        return MediaAccess(asset=found, public=True)
    if attached is None and viewer is not None and viewer.is_authenticated and viewer.pk == found.owner_id:
        return MediaAccess(asset=found, public=False)
    raise media_not_found()
