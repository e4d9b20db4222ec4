"""Media fixtures: a fresh storage folder per test, real images in every accepted format, uploads."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hongshu.media.models import MediaAsset


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path, transactional_db: None) -> Path:
    """Each test stores files in its own folder (so "nothing was stored" can be checked), and runs in a
    transactional database so that jobs queued with `enqueue_on_commit` really run after commit."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def stored_files(media_root: Path) -> Callable[[], list[str]]:
    """The files under MEDIA_ROOT, as sorted relative paths."""
    return lambda: sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


def _two_tone(size: tuple[int, int], left: str, right: str, mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another: lets a test see which way an image was turned."""
    image = Image.new(mode, size, left)
    image.paste(Image.new(mode, (size[0] - size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return image


@pytest.fixture
def picture() -> Callable[..., bytes]:
    """Encoded image bytes: `picture("PNG", (640, 480), left="red", right="blue", **save_options)`."""

    def make(
        fmt: str = "JPEG",
        size: tuple[int, int] = (640, 480),
        left: str = "red",
        right: str = "blue",
        mode: str = "RGB",
        **save: Any,
    ) -> bytes:
        image = _two_tone(size, left, right, mode)
        buffer = io.BytesIO()
        if fmt == "HEIF":
            pillow_heif.from_pillow(image).save(buffer, quality=90, **save)
        else:
            image.save(buffer, format=fmt, **save)
        return buffer.getvalue()

    return make


@pytest.fixture
def upload() -> Callable[..., Any]:
    """POST bytes to /api/v1/media as a multipart `file` field through an ApiClient."""

    def send(client: Any, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
        return client.post("/media", data={"file": SimpleUploadedFile(name, data, content_type=content_type)})

    return send


@pytest.fixture
def ready_asset(upload: Callable[..., Any], picture: Callable[..., bytes]) -> Callable[..., MediaAsset]:
    """Upload a photo through the API with `client` and return the asset once it is processed."""

    def make(client: Any, data: bytes | None = None) -> MediaAsset:
        response = upload(client, data or picture())
        assert response.status_code == 201, response.content
        asset = MediaAsset.objects.get(pk=int(response.json()["id"]))
        assert asset.state == MediaAsset.State.READY, asset.error_code
        return asset

    return make


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bilevel_png(side: int) -> bytes:
    """A complete white side × side PNG at 1 bit per pixel, written row by row through zlib."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((side + 7) // 8)  # filter type 0, then 1 bit per pixel
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


@pytest.fixture
def bilevel_png() -> Callable[[int], bytes]:
    return _bilevel_png


@pytest.fixture(scope="session")
def huge_png() -> bytes:
    """A real 20,000 × 20,000 black-and-white PNG (400 megapixels, ~50 KB), generated once per session.

    Pillow would hold one byte per pixel (400 MB) to write it, so it is streamed through zlib instead.
    """
    return _bilevel_png(20_000)


@pytest.fixture
def assert_rejected(stored_files: Callable[[], list[str]]) -> Callable[..., dict[str, Any]]:
    """Check a refused upload: a problem+json response with `code`, and nothing stored or recorded."""

    def check(response: Any, status: int, code: str) -> dict[str, Any]:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        problem: dict[str, Any] = response.json()
        assert problem["code"] == code
        assert problem["status"] == status
        assert stored_files() == []
        assert not MediaAsset.objects.exists()
        return problem

    return check


@pytest.fixture
def fetch() -> Callable[..., Any]:
    """GET a page outside the API (e.g. a media URL), anonymously or with an ApiClient's bearer token."""

    def get(url: str, as_client: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {as_client.token}"} if as_client is not None else {}
        return Client().get(url, headers=headers)

    return get


def served_bytes(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def served_image(fetch: Callable[..., Any]) -> Callable[..., Image.Image]:
    """Fetch a media URL over HTTP (expecting 200) and decode it."""

    def get(url: str, as_client: Any = None) -> Image.Image:
        response = fetch(url, as_client)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "image/webp"
        image = Image.open(io.BytesIO(served_bytes(response)))
        image.load()
        return image

    return get
