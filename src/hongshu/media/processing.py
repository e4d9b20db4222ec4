"""Media processing, a state machine: pending → ready | failed.

A worker claims a pending asset (compare-and-set on `claimed_at`, counting `attempts`), decodes the private
raw upload, applies the EXIF orientation, flattens it to sRGB and writes metadata-free WebP display variants
and a blurhash. Only then does it mark the asset ready and delete the raw upload, so no EXIF or GPS outlives
processing. An image that can't be decoded fails for good; anything else (storage down, a killed worker)
leaves the asset pending for `media_resume_pending`, up to `MAX_ATTEMPTS` times.
"""

from __future__ import annotations

import io
import logging
import math
import warnings
from dataclasses import dataclass
from datetime import timedelta

import blurhash
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.utils import timezone
from PIL import Image, ImageCms, ImageOps

from hongshu.media.imaging import ALLOWED_FORMATS, displayed_size, orientation_of
from hongshu.media.models import MediaAsset
from hongshu.media.validation import DECODE_ERRORS

logger = logging.getLogger(__name__)

DISPLAY_WIDTHS = (360, 720, 1080)
MAX_ATTEMPTS = 3
# A claim older than this is taken to belong to a dead worker; processing one photo takes seconds.
CLAIM_LEASE = timedelta(minutes=10)
WEBP_QUALITY = 80
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageDecodeError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # upright RGB, possibly decoded at a reduced scale
    width: int  # full size as displayed
    height: int


def variant_key(media_id: int, width: int) -> str:
    return f"media/{media_id}/{width}.webp"


def variant_widths(width: int) -> list[int]:
    """Display widths to produce: never upscale, but always at least one (the original, if narrower)."""
    return [w for w in DISPLAY_WIDTHS if w <= width] or [width]


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to sRGB by the embedded ICC profile (e.g. Display P3 from phones), then drop the profile."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: show the pixels as they are rather than fail the photo
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB with transparency composited on white (the colour of the page behind photos)."""
    if image.mode.startswith("I"):  # 16-bit greyscale PNG: scale to 8 bits instead of clipping
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    image = _to_srgb(image)
    if image.mode in ("RGBA", "LA", "PA", "P") and (image.mode != "P" or "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _decode(data: bytes) -> Decoded:
    with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
        if image.width * image.height > settings.HONGSHU.image_max_pixels:
            raise ImageDecodeError("image_too_large")
        width, height = displayed_size(image.size, orientation_of(image.getexif()))
        if image.format in ("JPEG", "MPO"):
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the largest variant needs no more.
            scale = min(1.0, DISPLAY_WIDTHS[-1] / width)
            image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
        upright = ImageOps.exif_transpose(image)  # a loaded copy (first frame of a GIF)
    flat = _flatten(upright)
    flat.info.clear()  # belt and braces: nothing of the original's metadata may reach an encoder
    return Decoded(image=flat, width=width, height=height)


def _encode_webp(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def _write_variants(asset: MediaAsset, decoded: Decoded, written: list[str]) -> dict[str, str]:
    variants: dict[str, str] = {}
    source = decoded.image
    for width in sorted(variant_widths(decoded.width), reverse=True):  # each from the next larger
        height = max(1, round(width * decoded.height / decoded.width))
        if source.size != (width, height):
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        key = variant_key(asset.pk, width)
        default_storage.delete(key)  # left by an interrupted attempt; save() would pick another name
        written.append(default_storage.save(key, ContentFile(_encode_webp(source))))
        variants[str(width)] = written[-1]
    return variants


def _blurhash(image: Image.Image) -> str:
    thumbnail = image.copy()  # blurhash.encode closes the image it is given
    thumbnail.thumbnail((64, 64))
    with warnings.catch_warnings():
        # blurhash-python 1.2.2 reads pixels with Image.getdata, deprecated (not yet removed) in Pillow 13.
        warnings.simplefilter("ignore", DeprecationWarning)
        return str(blurhash.encode(thumbnail, 4, 3))


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


def _fail(asset: MediaAsset, code: str) -> None:
    updated = MediaAsset.objects.filter(pk=asset.pk, state=MediaAsset.State.PENDING).update(
        state=MediaAsset.State.FAILED, error_code=code, original_key="", variants={}, claimed_at=None
    )
    if updated and asset.original_key:
        default_storage.delete(asset.original_key)
    logger.info("media %s failed: %s", asset.pk, code)


def _finish(asset: MediaAsset, decoded: Decoded, variants: dict[str, str]) -> None:
    updated = MediaAsset.objects.filter(pk=asset.pk, state=MediaAsset.State.PENDING).update(
        state=MediaAsset.State.READY,
        error_code="",
        width=decoded.width,
        height=decoded.height,
        blurhash=_blurhash(decoded.image),
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
    try:
        decoded = _decode(data)
    except ImageDecodeError as exc:
        _fail(asset, exc.code)
        return
    except (*DECODE_ERRORS, Image.DecompressionBombError):
        _fail(asset, "image_corrupt")
        return
    written: list[str] = []
    try:
        variants = _write_variants(asset, decoded, written)
    except Exception:
        # Not the image's fault (storage, memory): clean up and release the claim for a later retry.
        _delete(written)
        MediaAsset.objects.filter(pk=asset.pk).update(claimed_at=None)
        raise
    _finish(asset, decoded, variants)
