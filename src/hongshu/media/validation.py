"""Synchronous checks of an upload, before anything is stored.

The format is decided by the bytes (Pillow's sniffing, restricted to our allowlist), never by the file name
or the content type the client claims. Byte size is checked here; pixels, aspect ratio and completeness
are checked from the headers and a cheap decode in the image child process (isolation.py), so even the
upload check of a decompression bomb costs the web worker nothing but the bytes it already received.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import InvalidInput, PayloadTooLarge, ProblemError, UnsupportedMedia
from hongshu.media.isolation import ChildFailure, run_in_child
from hongshu.media.render import Inspected, Refusal, Source, inspect

ImageInfo = Inspected


def memory_budget_bytes() -> int:
    return settings.HONGSHU.image_memory_limit_mb * 1024 * 1024


def image_problem(code: str) -> ProblemError:
    """The problem for an image refused with `code` (from the child's checks or its failure)."""
    limits = settings.HONGSHU
    if code == "unsupported_image_format":
        return UnsupportedMedia(_("Upload a photo in JPEG, PNG, WebP, HEIC or GIF format."), code=code)
    if code == "image_too_large":
        megapixels = {"megapixels": f"{limits.image_max_pixels / 1_000_000:g}"}
        return PayloadTooLarge(
            _("This image has too many pixels (at most %(megapixels)s megapixels).") % megapixels, code=code
        )
    if code == "image_memory_limit":
        return PayloadTooLarge(_("This image needs too much memory to open. Try a smaller copy."), code=code)
    if code == "image_aspect_ratio":
        ratio = {"ratio": f"{limits.image_max_aspect_ratio:g}"}
        return InvalidInput(
            _(
                "This image is too long and narrow: its long side may be at most %(ratio)s times its short side."
            )
            % ratio,
            code=code,
        )
    if code == "image_corrupt":
        return InvalidInput(_("This image is damaged or incomplete. Try uploading it again."), code=code)
    # image_time_limit, image_worker_died, image_unprocessable
    return InvalidInput(_("We could not open this image. Try another one or a smaller copy."), code=code)


def _source(upload: UploadedFile) -> Source:
    """A large upload is already a temporary file: the child reads it there instead of through a pipe."""
    path = getattr(upload, "temporary_file_path", None)
    if callable(path):
        return str(path())
    upload.seek(0)
    try:
        return bytes(upload.read())
    finally:
        upload.seek(0)


def validate_upload(upload: UploadedFile) -> ImageInfo:
    """Identify, bound and check an upload; raises a problem error saying what is wrong with it."""
    limits = settings.HONGSHU
    if upload.size is not None and upload.size > limits.upload_max_bytes:
        limit = filesizeformat(limits.upload_max_bytes)
        raise PayloadTooLarge(_("Photos can be at most %(size)s.") % {"size": limit}, code="file_too_large")
    try:
        result = run_in_child(
            inspect,
            _source(upload),
            memory_bytes=memory_budget_bytes(),
            max_pixels=limits.image_max_pixels,
            max_aspect=limits.image_max_aspect_ratio,
        )
    except ChildFailure as failure:
        raise image_problem(failure.code) from failure
    if isinstance(result, Refusal):
        raise image_problem(result.code)
    return result
