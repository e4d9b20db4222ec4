"""Load the demo community through the same services members use (account_create, media_upload, note_create)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.core.errors import Conflict
from hongshu.demo.content import ALT_TEXT, DEMO_PASSWORD, MEMBERS, NOTES, DemoMember, DemoNote
from hongshu.demo.images import PhotoSpec, render_avatar, render_photo
from hongshu.media.models import MediaAsset
from hongshu.media.services import media_upload
from hongshu.members.services import profile_save
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, Place, note_create

DEFAULT_SEED = 2025
# Mostly the phone-friendly 3:4, then squares and landscapes, and a few that the card clamp must crop.
_SHAPE_WEIGHTS = {"portrait": 45, "square": 25, "landscape": 20, "tall": 5, "wide": 5}
_CONTENT_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class DemoResult:
    created: bool  # False when the demo content was already there (nothing was loaded)
    handles: list[str]
    password: str
    notes: int
    photos: int


class DemoRefusedError(RuntimeError):
    """The demo was asked for where it must not exist (production)."""


def demo_refuse_in_production() -> None:
    """Raise DemoRefusedError in production: every demo member signs in with a published password, so on a
    public instance anyone could sign in as them."""
    if settings.HONGSHU_ENVIRONMENT == "production":
        raise DemoRefusedError(
            "Refusing to load the demo content in production (HONGSHU_ENVIRONMENT=production): its members "
            "sign in with a published password. Use `hongshu migrate` and `hongshu serve` instead."
        )


def demo_loaded() -> bool:
    """Whether the demo community exists (its first member is the marker)."""
    return User.objects.filter(handle__iexact=MEMBERS[0].handle).exists()


def demo_photo_specs(note: DemoNote, *, index: int, seed: int, photos_max: int) -> list[PhotoSpec]:
    """The photos of the `index`-th demo note; deterministic for a given seed."""
    rng = random.Random(seed * 1000 + index)
    specs = []
    for position in range(max(1, min(note.photos, photos_max))):
        shape = rng.choices(list(_SHAPE_WEIGHTS), weights=list(_SHAPE_WEIGHTS.values()))[0]
        fmt = "PNG" if (index + position) % 7 == 3 else "JPEG"
        # A precise fake camera position on the first JPEG of notes with a place: processing must drop it.
        gps = None
        if note.place and position == 0 and fmt == "JPEG":
            gps = (note.place[1] + 0.00417, note.place[2] - 0.00233)
        specs.append(
            PhotoSpec(
                painter=note.painters[position % len(note.painters)],
                shape=shape,
                seed=rng.randrange(1 << 30),
                label=note.label if position == 0 else "",
                fmt=fmt,
                gps=gps,
            )
        )
    return specs


def _upload(owner: User, data: bytes, fmt: str, name: str) -> MediaAsset:
    content_type, extension = _CONTENT_TYPES[fmt]
    return media_upload(owner=owner, upload=SimpleUploadedFile(f"{name}.{extension}", data, content_type))


def _create_member(member: DemoMember) -> User:
    user = account_create(
        handle=member.handle,
        password=DEMO_PASSWORD,
        display_name=member.display_name,
        languages=member.languages,
        region=member.region,
    )
    return profile_save(user=user, bio=member.bio)


def _create_note(author: User, member: DemoMember, note: DemoNote, specs: list[PhotoSpec]) -> Note:
    alt_index = 1 if member.alt_language == "zh" else 0
    images = []
    for number, spec in enumerate(specs, start=1):
        asset = _upload(author, render_photo(spec), spec.fmt, f"demo-{number}")
        images.append(ImageSpec(media_id=asset.pk, alt_text=ALT_TEXT[spec.painter][alt_index]))
    place = Place(name=note.place[0], lat=note.place[1], lng=note.place[2]) if note.place else None
    return note_create(author=author, title=note.title, body=note.body, images=images, place=place)


def _spread_over_past_days(note_ids: list[int]) -> None:
    """Give the notes a believable history: one every ~11 hours, oldest first (IDs keep the same order)."""
    now = timezone.now()
    for age, note_id in enumerate(reversed(note_ids)):
        when = now - timedelta(hours=2 + age * 11, minutes=(age * 37) % 60)
        Note.objects.filter(pk=note_id).update(published_at=when, created_at=when)


def demo_load(*, photos_per_note_max: int = 4, seed: int = DEFAULT_SEED) -> DemoResult:
    """Create the demo members and notes once; a later call loads nothing and says so.

    Everything is written in one transaction. Photo processing is queued on commit like any upload:
    with inline jobs the photos are ready when this returns, and only then can avatars be set (an avatar
    must be a processed image); with thread or Celery jobs they become ready shortly after.
    Refused in production (`demo_refuse_in_production`).
    """
    demo_refuse_in_production()
    handles = [member.handle for member in MEMBERS]
    if demo_loaded():
        return DemoResult(created=False, handles=handles, password=DEMO_PASSWORD, notes=0, photos=0)
    members = {member.handle: member for member in MEMBERS}
    photos = 0
    try:
        with transaction.atomic():
            users = {member.handle: _create_member(member) for member in MEMBERS}
            avatars = {
                handle: _upload(user, render_avatar(seed + number), "JPEG", "avatar")
                for number, (handle, user) in enumerate(users.items())
            }
            note_ids = []
            for index, note in enumerate(NOTES):
                specs = demo_photo_specs(note, index=index, seed=seed, photos_max=photos_per_note_max)
                note_ids.append(_create_note(users[note.author], members[note.author], note, specs).pk)
                photos += len(specs)
            _spread_over_past_days(note_ids)
    except Conflict:  # another process loaded the demo at the same moment
        return DemoResult(created=False, handles=handles, password=DEMO_PASSWORD, notes=0, photos=0)
    ready = set(
        MediaAsset.objects.filter(
            pk__in=[a.pk for a in avatars.values()], state=MediaAsset.State.READY
        ).values_list("pk", flat=True)
    )
    for handle, asset in avatars.items():
        if asset.pk in ready:
            profile_save(user=users[handle], avatar_id=asset.pk)
    return DemoResult(
        created=True, handles=handles, password=DEMO_PASSWORD, notes=len(note_ids), photos=photos
    )
