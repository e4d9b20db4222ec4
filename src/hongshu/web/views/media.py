"""Photo variants: the web process decides who may see a photo (`notes.media_access`, the one policy) and
hands the bytes to someone else whenever it can (issue 26 item 3):

- S3-compatible storage: a redirect to a signed link that expires (`HONGSHU_MEDIA_SIGNED_URL_SECONDS`);
- files behind nginx (`HONGSHU_MEDIA_ACCEL_REDIRECT_PREFIX`): an empty answer whose `X-Accel-Redirect`
  tells nginx which internal file to send (docs/operations.md has the location block);
- otherwise (the embedded default, `make run`) the web process streams the file itself.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_safe

from hongshu.core.errors import NotFound
from hongshu.notes.media_access import access_media

# Variants never change under their URL (a new photo gets a new ID), so public ones can be cached long.
# A week, not a year: deleting a note or making it private should not leave copies in shared caches
# for longer than that.
PUBLIC_CACHE = "public, max-age=604800"
PRIVATE_CACHE = "private, max-age=3600"
CONTENT_TYPE = "image/webp"


def _signed_redirect(key: str) -> HttpResponse:
    seconds = settings.HONGSHU.media_signed_url_seconds
    # django-storages' S3Storage.url takes `expire`; Django's base signature does not know it.
    link = default_storage.url(key, expire=seconds)  # type: ignore[call-arg]
    response = HttpResponseRedirect(link)
    # The link dies: a browser may reuse the redirect for half its life, a shared cache never.
    response["Cache-Control"] = f"private, max-age={seconds // 2}"
    return response


def _accel_redirect(prefix: str, key: str, cache: str) -> HttpResponse:
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["X-Accel-Redirect"] = prefix + quote(key)
    response["Cache-Control"] = cache  # nginx keeps the headers of this answer
    return response


def _streamed(key: str, cache: str) -> FileResponse:
    try:
        stored = default_storage.open(key, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(stored, content_type=CONTENT_TYPE)
    response["Cache-Control"] = cache
    return response


@require_safe
def media_variant(request: HttpRequest, media_id: int, width: int) -> HttpResponse | FileResponse:
    """A display variant as WebP, if `access_media` lets the viewer see the image."""
    try:
        access = access_media(viewer=request.user, media_id=media_id)
    except NotFound as exc:
        raise Http404 from exc
    key = access.asset.variants.get(str(width))
    if key is None:
        raise Http404
    conf = settings.HONGSHU
    cache = PUBLIC_CACHE if access.public else PRIVATE_CACHE
    if conf.media_storage == "s3":
        return _signed_redirect(key)
    if conf.media_accel_redirect_prefix:
        return _accel_redirect(conf.media_accel_redirect_prefix, key, cache)
    return _streamed(key, cache)
