"""Web fixtures: notes with real, processed photos (uploaded through media_upload and processed on commit)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hongshu.accounts.models import User
from hongshu.media.services import media_upload
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, Place, note_create


def _photo(size: tuple[int, int], color: str) -> bytes:
    image = Image.new("RGB", size, color)
    image.paste(
        Image.new("RGB", (size[0] // 2, size[1]), "white"), (0, 0)
    )  # not flat, so the blurhash varies
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def publish(db: None, django_capture_on_commit_callbacks: Any) -> Callable[..., Note]:
    """Create a note as `author` with photos of the given sizes, processed before the note is created."""

    def make(
        author: User,
        title: str = "A day by the sea",
        *,
        sizes: Sequence[tuple[int, int]] = ((300, 400),),
        alt_texts: Sequence[str] = (),
        body: str = "",
        topics: Sequence[str] = (),
        place: Place | None = None,
        visibility: str = Note.Visibility.PUBLIC,
        draft: bool = False,
    ) -> Note:
        with django_capture_on_commit_callbacks(execute=True):
            assets = [
                media_upload(
                    owner=author, upload=SimpleUploadedFile("p.png", _photo(size, "tomato"), "image/png")
                )
                for size in sizes
            ]
        alts = list(alt_texts) + [""] * (len(assets) - len(alt_texts))
        return note_create(
            author=author,
            title=title,
            body=body,
            images=[
                ImageSpec(media_id=asset.pk, alt_text=alt) for asset, alt in zip(assets, alts, strict=True)
            ],
            topics=topics,
            place=place,
            visibility=visibility,
            draft=draft,
        )

    return make
