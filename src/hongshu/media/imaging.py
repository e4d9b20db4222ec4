"""Pillow set-up: which formats we open, and safety limits.

Images are decoded in the image child process (isolation.py, render.py), which imports the constants
below; `configure_pillow` sets the same limits for anything that opens an image in a web or job process.
"""

from __future__ import annotations

import warnings

import pillow_heif
from django.conf import settings
from PIL import ExifTags, Image

# Pillow format names we accept, whatever the file is called. MPO is how Pillow names JPEGs from cameras
# that embed extra frames (it is opened through the JPEG plugin).
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "HEIF": "image/heic",
}
# EXIF orientations that turn the picture a quarter turn, so displayed width and height swap.
SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})

_configured = False


def configure_pillow() -> None:
    """Register the HEIF opener and the decompression-bomb limit, once per process (AppConfig.ready)."""
    global _configured  # noqa: PLW0603 - process-wide Pillow registry, set up once
    if _configured:
        return
    # Embedded thumbnails, depth maps and auxiliary images are never shown; skipping them saves decoding.
    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    # Pillow refuses images above twice this at open time, before decoding anything. Between one and two
    # times it only warns: validation rejects those itself with a clear error, so the warning is noise.
    Image.MAX_IMAGE_PIXELS = settings.HONGSHU.image_max_pixels
    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
    _configured = True


def orientation_of(exif: Image.Exif) -> int:
    value = exif.get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def displayed_size(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Width and height as shown once the EXIF orientation is applied."""
    width, height = size
    return (height, width) if orientation in SWAPPING_ORIENTATIONS else (width, height)
