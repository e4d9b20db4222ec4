"""The demo community: loaded once through the real services, bilingual, with processed, GPS-free photos."""

from __future__ import annotations

import io
from collections import Counter
from fractions import Fraction

import pytest
import regex
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from PIL import Image

from hongshu.accounts.models import User
from hongshu.core.text import grapheme_length
from hongshu.demo.content import DEMO_PASSWORD, MEMBERS, NOTES
from hongshu.demo.images import PhotoSpec, render_photo
from hongshu.demo.services import demo_load, demo_loaded, demo_photo_specs
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.selectors import notes_latest

HAN = regex.compile(r"\p{Han}")
LATIN = regex.compile(r"[A-Za-z]")
GPS_IFD = 0x8825


def _specs(photos_max: int) -> list[PhotoSpec]:
    return [
        spec
        for index, note in enumerate(NOTES)
        for spec in demo_photo_specs(note, index=index, seed=2025, photos_max=photos_max)
    ]


@pytest.mark.django_db(transaction=True)
def test_demo_load_creates_a_bilingual_community_once() -> None:
    assert not demo_loaded()
    with_gps = [spec for spec in _specs(1) if spec.gps]
    assert len(with_gps) >= 10
    assert Image.open(io.BytesIO(render_photo(with_gps[0]))).getexif().get_ifd(GPS_IFD)  # uploads carry GPS
    result = demo_load(photos_per_note_max=1)
    assert result.created
    assert result.password == DEMO_PASSWORD
    assert result.handles == [member.handle for member in MEMBERS]
    assert (result.notes, result.photos) == (40, 40)

    members = list(User.objects.filter(handle__in=result.handles))
    assert len(members) == 8
    assert sum(bool(HAN.search(m.display_name)) and not LATIN.search(m.display_name) for m in members) >= 3
    assert sum(m.languages == ["en"] for m in members) >= 3
    assert any(
        HAN.search(m.display_name) and LATIN.search(m.display_name) for m in members
    )  # one writes both
    assert Counter(m.bio_language for m in members)["zh-Hans"] >= 3
    assert all(m.bio and m.avatar_id for m in members)
    assert all(authenticate(username=m.handle, password=DEMO_PASSWORD) == m for m in members)

    notes = list(Note.objects.prefetch_related("topics", "images"))
    assert len(notes) == 40
    assert all(0 < grapheme_length(n.title) <= 20 and n.topics.all() and n.images.all() for n in notes)
    languages = Counter(n.language for n in notes)
    assert languages["zh-Hans"] >= 15
    assert languages["en"] >= 10
    assert sum(bool(n.place_name) for n in notes) >= 20
    assert len({n.author_id for n in notes}) == 8
    # Spread over the past weeks, in the same order as their time-ordered IDs.
    by_id = sorted(notes, key=lambda n: n.pk)
    assert [n.published_at for n in by_id] == sorted(n.published_at for n in notes)  # type: ignore[type-var]
    assert (by_id[-1].published_at - by_id[0].published_at).days >= 10  # type: ignore[operator]

    assert set(MediaAsset.objects.values_list("state", flat=True)) == {MediaAsset.State.READY}
    for asset in MediaAsset.objects.all():  # what is served has no EXIF at all, so no GPS position
        for key in asset.variants.values():
            with default_storage.open(key, "rb") as stored:
                variant = Image.open(io.BytesIO(stored.read()))
            assert variant.format == "WEBP"
            assert not variant.getexif(), key
            assert "exif" not in variant.info, key
    assert len(notes_latest(viewer=None, cursor=None).items) == 20  # all public and published

    again = demo_load(photos_per_note_max=1)
    assert not again.created
    assert (again.notes, again.photos) == (0, 0)
    assert (User.objects.count(), Note.objects.count(), MediaAsset.objects.count()) == (8, 40, 48)


def test_demo_photos_are_deterministic_varied_and_valid() -> None:
    specs = _specs(4)
    assert 80 <= len(specs) <= 160
    assert all(1 <= len(demo_photo_specs(n, index=i, seed=1, photos_max=4)) <= 4 for i, n in enumerate(NOTES))
    assert Counter(spec.fmt for spec in specs)["PNG"] >= 5
    shapes = Counter(spec.shape for spec in specs)
    assert {"portrait", "square", "landscape"} <= set(shapes)
    rendered = [render_photo(spec) for spec in specs]
    assert all(
        render_photo(spec) == data for spec, data in zip(specs[:5], rendered, strict=False)
    )  # same bytes
    assert len(set(rendered)) == len(rendered)  # and no two alike
    for spec, data in zip(specs, rendered, strict=True):
        image = Image.open(io.BytesIO(data))
        assert image.format == spec.fmt
        assert 700 <= max(image.size) <= 1300  # modest, so the demo loads in seconds
        assert Fraction(9, 16) <= Fraction(*image.size) <= Fraction(16, 9)
