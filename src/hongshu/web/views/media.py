from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from hongshu.core.errors import NotFound
from hongshu.notes.media_access import access_media

# Variants never change under their URL (a new photo gets a new ID), so public ones can be cached long.
# A week, not a year: deleting a note or making it private should not leave copies in shared caches
# for longer than that.
PUBLIC_CACHE = "public, max-age=604800"
PRIVATE_CACHE = "private, max-age=3600"


@require_safe
def media_variant(request: HttpRequest, media_id: int, width: int) -> FileResponse:
    """A display variant as WebP, if `access_media` lets the viewer see the image."""
    try:
        access = access_media(viewer=request.user, media_id=media_id)
    except NotFound as exc:
        raise Http404 from exc
    key = access.asset.variants.get(str(width))
    if key is None:
        raise Http404
    try:
        stored = default_storage.open(key, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(stored, content_type="image/webp")
    response["Cache-Control"] = PUBLIC_CACHE if access.public else PRIVATE_CACHE
    return response
