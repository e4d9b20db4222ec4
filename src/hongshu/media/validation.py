"""Synchronous checks of an upload, before anything is stored.

The format is decided by the bytes (Pillow's sniffing, restricted to our allowlist), never by the file name
or the content type the client claims. Size and pixel limits are checked from headers before decoding.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from hongshu.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMedia
from hongshu.media.imaging import ALLOWED_FORMATS, CONTENT_TYPES, displayed_size, orientation_of

# What Pillow's decoders raise on damaged data (struct.error and SyntaxError come from header parsers).
DECODE_ERRORS = (OSError, ValueError, EOFError, SyntaxError, struct.error)


@dataclass(frozen=True)
class ImageInfo:
    format: str
    content_type: str
    width: int  # as displayed, after the EXIF orientation
    height: int


def _unsupported() -> UnsupportedMedia:
    return UnsupportedMedia(
        _("Upload a photo in JPEG, PNG, WebP, HEIC or GIF format."), code="unsupported_image_format"
    )


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(_("This image has too many pixels."), code="image_too_large")


def _check_complete(image: Image.Image) -> None:
    """Decode just enough to notice a truncated or damaged file, as cheaply as the format allows."""
    if image.format in ("JPEG", "MPO"):
        # DCT scaling decodes at 1/8 size but still reads every byte of the scan.
        image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
    elif image.format == "PNG":
        image.verify()  # walks every chunk to IEND checking CRCs, without inflating the pixels
    else:
        image.load()  # WebP, HEIC, and the first frame of a GIF


def _orientation(image: Image.Image) -> int:
    if image.format == "PNG":
        # After verify() the PNG can't load(); its eXIf chunk, if any, has been read into info.
        exif = Image.Exif()
        if raw := image.info.get("exif"):
            exif.load(raw)
        return orientation_of(exif)
    return orientation_of(image.getexif())


def inspect_image(stream: IO[bytes], *, max_pixels: int) -> ImageInfo:
    """Identify, bound and check an image; raises a problem error saying what is wrong with it."""
    try:
        with Image.open(stream, formats=ALLOWED_FORMATS) as image:
            if image.format not in CONTENT_TYPES:
                raise _unsupported()
            if image.width * image.height > max_pixels:
                raise _too_large()
            size, fmt = image.size, image.format
            _check_complete(image)
            orientation = _orientation(image)
    except UnidentifiedImageError as exc:
        raise _unsupported() from exc
    except Image.DecompressionBombError as exc:
        raise _too_large() from exc
    except DECODE_ERRORS as exc:
        raise InvalidInput(
            _("This image is damaged or incomplete. Try uploading it again."), code="image_corrupt"
        ) from exc
    width, height = displayed_size(size, orientation)
    return ImageInfo(format=fmt, content_type=CONTENT_TYPES[fmt], width=width, height=height)


def validate_upload(upload: UploadedFile) -> ImageInfo:
    limits = settings.HONGSHU
    if upload.size is not None and upload.size > limits.upload_max_bytes:
        limit = filesizeformat(limits.upload_max_bytes)
        raise PayloadTooLarge(_("Photos can be at most %(size)s.") % {"size": limit}, code="file_too_large")
    upload.seek(0)
    try:
        return inspect_image(upload, max_pixels=limits.image_max_pixels)
    finally:
        upload.seek(0)
