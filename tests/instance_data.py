"""A small populated instance written through the services: members, notes with real processed photos,
comments and replies, likes, boards with collects, follows and a block. Shared by the backup, export and
purge tests; needs jobs to run after commit (a transactional database) and a filesystem media root."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create
from hongshu.comments.services import comment_create, comment_reply
from hongshu.interactions.services.interactions import board_create, collect_create, like_create
from hongshu.media.models import MediaAsset
from hongshu.media.services import media_upload
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create
from hongshu.social.services.graph import block_create, follow_create

PASSWORD = "correct horse battery"


def photo(owner: User, color: str = "tomato") -> MediaAsset:
    """A real JPEG uploaded and processed (jobs inline after commit): its variant files are on disk."""
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(buffer, format="JPEG")
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    asset = media_upload(owner=owner, upload=upload)
    asset.refresh_from_db()
    assert asset.state == MediaAsset.State.READY, asset.error_code
    return asset


def note_with_photo(author: User, title: str, *, visibility: str = "public", color: str = "tomato") -> Note:
    return note_create(
        author=author,
        title=title,
        body=f"{title} body #生活",
        images=[ImageSpec(media_id=photo(author, color).pk, alt_text=f"{title} photo")],
        topics=["生活"],
        visibility=visibility,
        language="en",
    )


@dataclass
class Instance:
    nina: User
    ann: User
    bob: User
    notes: dict[str, Note]


def populate() -> Instance:
    nina = account_create(handle="nina", password=PASSWORD, display_name="Nina 妮娜")
    ann = account_create(handle="ann", password=PASSWORD)
    bob = account_create(handle="bob", password=PASSWORD)
    follow_create(follower=ann, followee=nina)
    follow_create(follower=nina, followee=ann)
    block_create(blocker=ann, blocked=bob)
    notes = {
        "nina_public": note_with_photo(nina, "Nina public", color="navy"),
        "nina_followers": note_with_photo(nina, "Nina followers", visibility="followers", color="teal"),
        "nina_private": note_with_photo(nina, "Nina only me", visibility="private", color="gold"),
        "ann_public": note_with_photo(ann, "Ann public"),
        "ann_followers": note_with_photo(ann, "Ann followers", visibility="followers", color="olive"),
        "bob_public": note_with_photo(bob, "Bob public", color="plum"),
    }
    root = comment_create(author=ann, note_id=notes["nina_public"].pk, body="Lovely light")
    comment_reply(author=nina, comment_id=root.pk, body="Thank you 谢谢")
    comment_create(author=nina, note_id=notes["ann_followers"].pk, body="Nina on Ann's followers note")
    like_create(user=ann, note_id=notes["nina_public"].pk)
    like_create(user=nina, note_id=notes["ann_public"].pk)
    board = board_create(owner=nina, name="Trips", is_public=True)
    collect_create(user=nina, note_id=notes["ann_public"].pk, board_id=board.pk)
    return Instance(nina=nina, ann=ann, bob=bob, notes=notes)
