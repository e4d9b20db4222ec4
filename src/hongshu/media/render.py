"""What runs inside the image child process (see isolation.py): Pillow only, no Django, no database.

Two entry points, both given the raw bytes (or a file path) and plain numbers, both answering plain data:
- `inspect` (upload time): identify the format from the bytes, bound pixels and aspect ratio from the
  header, then decode just enough to notice a truncated file;
- `render` (processing): decode as small as the format allows, turn upright, flatten to sRGB and encode
  the metadata-free WebP display variants and the blurhash.
An image the child refuses comes back as a `Refusal` with a stable code; exceptions of our own code are
left to isolation.py, which turns every failure of the child into a code as well.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
from dataclasses import dataclass
from typing import IO

import blurhash
import pillow_heif
from PIL import Image, ImageCms, UnidentifiedImageError

from hongshu.media.imaging import ALLOWED_FORMATS, CONTENT_TYPES, displayed_size, orientation_of

# What Pillow's decoders raise on damaged data (struct.error and SyntaxError come from header parsers).
DECODE_ERRORS = (OSError, ValueError, EOFError, SyntaxError, struct.error)
DISPLAY_WIDTHS = (360, 720, 1080)
WEBP_QUALITY = 80
# libwebp refuses a side longer than this: a variant that would be taller is not produced.
WEBP_MAX_SIDE = 16383
# Shrink by whole factors (Image.reduce, a cheap box filter) down to this many times the largest variant
# before the Lanczos resampling, which keeps Lanczos' quality at a fraction of the memory and time.
REDUCING_GAP = 3
# Modes Image.reduce averages meaningfully; others (palette, bilevel, 16-bit) are converted first.
_REDUCIBLE = frozenset({"L", "LA", "RGB", "RGBA", "CMYK", "I", "F", "YCbCr"})
# The turn for each EXIF orientation (the table of ImageOps.exif_transpose, which needs the EXIF data
# on the image itself; ours is applied to the reduced copy, which has none).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Embedded thumbnails, depth maps and auxiliary images are never shown; skipping them saves decoding.
# Registered at import: the child imports this module (the fork server preloads it), not Django's apps.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own pixel check comes first

Source = bytes | str  # the bytes themselves, or the path of a file holding them


@dataclass(frozen=True)
class Refusal:
    code: str  # image_too_large, image_aspect_ratio, image_corrupt, unsupported_image_format


@dataclass(frozen=True)
class Inspected:
    format: str
    content_type: str
    width: int  # as displayed, after the EXIF orientation
    height: int


@dataclass(frozen=True)
class Rendered:
    width: int  # full size as displayed
    height: int
    variants: dict[int, bytes]  # display width → WebP bytes
    blurhash: str


def variant_widths(width: int, height: int) -> list[int]:
    """Display widths to produce: never upscale, never taller than WebP allows, but always at least one."""
    widths = [w for w in DISPLAY_WIDTHS if w <= width and round(w * height / width) <= WEBP_MAX_SIDE]
    return widths or [max(1, min(width, DISPLAY_WIDTHS[0], WEBP_MAX_SIDE * width // height))]


def _open(source: Source) -> IO[bytes]:
    return open(source, "rb") if isinstance(source, str) else io.BytesIO(source)


def _header_refusal(image: Image.Image, *, max_pixels: int, max_aspect: float) -> Refusal | None:
    if image.format not in CONTENT_TYPES:
        return Refusal("unsupported_image_format")
    if image.width * image.height > max_pixels:
        return Refusal("image_too_large")
    if max(image.size) > max_aspect * min(image.size):
        return Refusal("image_aspect_ratio")
    return None


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


def inspect(source: Source, *, max_pixels: int, max_aspect: float) -> Inspected | Refusal:
    """Identify, bound and check an image (upload time)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with _open(source) as stream, Image.open(stream, formats=ALLOWED_FORMATS) as image:
            if refusal := _header_refusal(image, max_pixels=max_pixels, max_aspect=max_aspect):
                return refusal
            size, fmt = image.size, image.format
            assert fmt is not None
            _check_complete(image)
            orientation = _orientation(image)
    except UnidentifiedImageError:
        return Refusal("unsupported_image_format")
    except Image.DecompressionBombError:
        return Refusal("image_too_large")
    except DECODE_ERRORS:
        return Refusal("image_corrupt")
    width, height = displayed_size(size, orientation)
    return Inspected(format=fmt, content_type=CONTENT_TYPES[fmt], width=width, height=height)


def _reducible(image: Image.Image) -> Image.Image:
    if image.mode in _REDUCIBLE:
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I;16"):  # 16-bit greyscale PNG: widened here, scaled to 8 bits in _flatten
        return image.convert("I")
    transparent = "A" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to sRGB by the embedded ICC profile (e.g. Display P3 from phones), then drop the profile."""
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: show the pixels as they are rather than fail the photo
    return converted if converted is not None else image


def _flatten(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB with transparency composited on white (the colour of the page behind photos)."""
    if image.mode == "I":  # 16-bit greyscale, widened: scale to 8 bits instead of clipping
        image = image.point(lambda value: value / 256).convert("L")
    image = _to_srgb(image, icc)
    if "A" in image.mode:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _decode_small(image: Image.Image, *, largest: int, swapped: bool) -> Image.Image:
    """The loaded pixels, no larger than REDUCING_GAP × the largest variant needs; never the full-size
    copies of a naive pipeline (transpose, convert, flatten each allocate the whole image again)."""
    if image.format in ("JPEG", "MPO"):
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale (its DCT scaling is itself a good downscale): a 40 MP
        # photo for a 1080 px variant costs 1/16 of its full size.
        across = image.height if swapped else image.width
        scale = min(1.0, largest / across)
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()  # the first frame of a GIF
    pixels = _reducible(image)
    across = pixels.height if swapped else pixels.width
    factor = max(1, across // (largest * REDUCING_GAP))
    return pixels.reduce(factor) if factor > 1 else pixels


def render(source: Source, *, max_pixels: int, max_aspect: float) -> Rendered | Refusal:
    """Decode, turn upright, flatten and encode the display variants (processing)."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    with _open(source) as stream, Image.open(stream, formats=ALLOWED_FORMATS) as image:
        if refusal := _header_refusal(image, max_pixels=max_pixels, max_aspect=max_aspect):
            return refusal
        orientation = orientation_of(image.getexif())
        width, height = displayed_size(image.size, orientation)
        widths = variant_widths(width, height)
        icc = image.info.get("icc_profile")
        small = _decode_small(image, largest=max(widths), swapped=(width, height) != image.size)
    if orientation in _TRANSPOSE:
        small = small.transpose(_TRANSPOSE[orientation])
    source_image = _flatten(small, icc if isinstance(icc, bytes) else None)
    source_image.info.clear()  # belt and braces: nothing of the original's metadata may reach an encoder
    variants: dict[int, bytes] = {}
    for variant_width in sorted(widths, reverse=True):  # each from the next larger
        size = (variant_width, max(1, round(variant_width * height / width)))
        if source_image.size != size:
            source_image = source_image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        buffer = io.BytesIO()
        source_image.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
        variants[variant_width] = buffer.getvalue()
    return Rendered(width=width, height=height, variants=variants, blurhash=_blurhash(source_image))


def _blurhash(image: Image.Image) -> str:
    thumbnail = image.copy()  # blurhash.encode closes the image it is given
    thumbnail.thumbnail((64, 64))
    with warnings.catch_warnings():
        # blurhash-python 1.2.2 reads pixels with Image.getdata, deprecated (not yet removed) in Pillow 13.
        warnings.simplefilter("ignore", DeprecationWarning)
        return str(blurhash.encode(thumbnail, 4, 3))
