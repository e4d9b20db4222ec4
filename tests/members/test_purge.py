"""Retention: deleted notes and comments are removed for good, with their files, once the period is over."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from hongshu.cli import main as hongshu_main
from hongshu.comments.models import Comment, CommentLike
from hongshu.comments.services import comment_create, comment_delete, comment_like, comment_reply
from hongshu.core.periodic import PERIODIC_JOBS, periodic_task
from hongshu.discovery.models import PoolEntry
from hongshu.feeds.following import feed_rebuild, feed_store
from hongshu.feeds.models import FeedEntry, FeedFanout
from hongshu.interactions.models import Like, NoteCounter
from hongshu.interactions.services.interactions import like_create
from hongshu.language.models import Translation
from hongshu.media.models import MediaAsset
from hongshu.members.retention import purge_deleted
from hongshu.notes.models import Note, NoteImage, NoteTopic, PendingNoteIndex, Topic
from hongshu.notes.services import note_delete
from hongshu.search.models import PublicNoteTopic, PublicTopic
from instance_data import Instance, note_with_photo, populate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def instance(media_root: Path) -> Instance:
    return populate()


def _indexed(note_id: int) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM search_note_fts WHERE rowid = %s", [note_id])
        else:
            cursor.execute("SELECT count(*) FROM search_note_pg WHERE note_id = %s", [note_id])
        return bool(cursor.fetchone()[0])


def _files(media_root: Path, note: Note) -> list[Path]:
    asset = MediaAsset.objects.get(note_image__note=note)
    return [media_root / key for key in asset.variants.values()]


def _deleted_days_ago(note: Note, days: float) -> None:
    note_delete(note=note, actor=note.author)
    Note.objects.filter(pk=note.pk).update(deleted_at=timezone.now() - timedelta(days=days))


def _topic_count(name: str) -> int:
    topic = Topic.objects.get(name=name)
    return PublicTopic.objects.filter(topic=topic).values_list("notes", flat=True).first() or 0


def test_an_old_deleted_note_goes_with_its_photo_everywhere(
    instance: Instance, media_root: Path, settings: Any
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"purge_after_days": 30})
    nina, ann = instance.nina, instance.ann
    old = note_with_photo(nina, "Old one", color="red")
    recent = note_with_photo(nina, "Recent one", color="green")
    live = instance.notes["nina_public"]
    old_files, recent_files, live_files = (_files(media_root, n) for n in (old, recent, live))
    assert all(path.is_file() for path in old_files + recent_files + live_files)
    assert _indexed(old.pk)
    assert _topic_count("生活") == 5  # three public notes of populate() plus these two, all #生活
    # Things that hang off the old note, by foreign key and by plain id.
    root = comment_create(author=ann, note_id=old.pk, body="On the old note")
    comment_like(user=nina, comment_id=root.pk)
    like_create(user=ann, note_id=old.pk)
    Translation.objects.create(
        content_type="note", object_id=old.pk, content_hash="x", target="zh-Hans", provider="p"
    )
    PoolEntry.objects.create(note_id=old.pk, author_id=nina.pk, lang_group="en", score=1.0)
    feed_rebuild(member=ann)  # Ann follows Nina: her list (table or Redis) holds the old note
    assert old.pk in feed_store().newest(ann.pk, before=None, count=50)
    asset_ids = list(MediaAsset.objects.filter(note_image__note=old).values_list("pk", flat=True))

    _deleted_days_ago(old, 31)
    _deleted_days_ago(recent, 1)
    assert not _indexed(old.pk)  # deletion already took it out of search...
    assert _topic_count("生活") == 3

    result = purge_deleted()

    assert (result.notes, result.comments) == (1, 0)
    assert result.files == len(old_files)
    # ...and the purge takes it out of every table, and its photo's files off the disk.
    assert not Note.objects.filter(pk=old.pk).exists()
    assert not NoteImage.objects.filter(note_id=old.pk).exists()
    assert not NoteTopic.objects.filter(note_id=old.pk).exists()
    assert not MediaAsset.objects.filter(pk__in=asset_ids).exists()
    assert not Comment.objects.filter(note_id=old.pk).exists()
    assert not CommentLike.objects.filter(comment_id=root.pk).exists()
    assert not Like.objects.filter(note_id=old.pk).exists()
    assert not NoteCounter.objects.filter(note_id=old.pk).exists()
    assert not PublicNoteTopic.objects.filter(note_id=old.pk).exists()
    assert not PendingNoteIndex.objects.filter(note_id=old.pk).exists()  # the drain ran
    assert not Translation.objects.filter(content_type="note", object_id=old.pk).exists()
    assert not PoolEntry.objects.filter(note_id=old.pk).exists()
    assert not FeedEntry.objects.filter(note_id=old.pk).exists()
    assert old.pk not in feed_store().newest(ann.pk, before=None, count=50)
    assert live.pk in feed_store().newest(ann.pk, before=None, count=50)
    assert not FeedFanout.objects.filter(note_id=old.pk).exists()
    assert not _indexed(old.pk)
    assert _topic_count("生活") == 3
    assert not any(path.exists() for path in old_files)
    # A note deleted yesterday waits for its period; a live note is untouched.
    assert Note.objects.filter(pk=recent.pk, deleted_at__isnull=False).exists()
    assert all(path.is_file() for path in recent_files)
    assert Note.objects.filter(pk=live.pk, deleted_at__isnull=True).exists()
    assert all(path.is_file() for path in live_files)
    assert _indexed(live.pk)

    # Run again later: the recent one's turn has come.
    later = purge_deleted(now=timezone.now() + timedelta(days=30))
    assert later.notes == 1
    assert not Note.objects.filter(pk=recent.pk).exists()
    assert not any(path.exists() for path in recent_files)
    assert Note.objects.filter(pk=live.pk).exists()


def test_old_deleted_comments_go_and_a_placeholder_with_live_replies_loses_its_words(
    instance: Instance,
) -> None:
    nina, bob = instance.nina, instance.bob  # Ann blocked Bob: she cannot answer him
    note = instance.notes["nina_public"]
    lone = comment_create(author=bob, note_id=note.pk, body="Lone comment")
    parent = comment_create(author=bob, note_id=note.pk, body="Parent words")
    reply = comment_reply(author=nina, comment_id=parent.pk, body="A live reply")
    dead_reply = comment_reply(author=nina, comment_id=parent.pk, body="A deleted reply")
    fresh = comment_create(author=bob, note_id=note.pk, body="Deleted yesterday")
    Translation.objects.create(
        content_type="comment", object_id=lone.pk, content_hash="x", target="en", provider="p"
    )
    for comment, actor in ((lone, bob), (parent, bob), (dead_reply, nina), (fresh, bob)):
        comment_delete(actor=actor, comment_id=comment.pk)
    long_ago = timezone.now() - timedelta(days=40)
    Comment.objects.filter(pk__in=[lone.pk, parent.pk, dead_reply.pk]).update(deleted_at=long_ago)
    Comment.objects.filter(pk=fresh.pk).update(deleted_at=timezone.now() - timedelta(days=1))

    result = purge_deleted()

    assert result.comments == 2  # the lone comment and the deleted reply
    assert not Comment.objects.filter(pk__in=[lone.pk, dead_reply.pk]).exists()
    assert not Translation.objects.filter(content_type="comment", object_id=lone.pk).exists()
    placeholder = Comment.objects.get(pk=parent.pk)
    assert placeholder.body == ""
    assert placeholder.deleted_at is not None
    assert Comment.objects.get(pk=reply.pk).body == "A live reply"
    assert Comment.objects.get(pk=fresh.pk).body == "Deleted yesterday"


def test_the_purge_is_a_periodic_job_and_a_command(
    instance: Instance, capsys: pytest.CaptureFixture[str]
) -> None:
    job = next(j for j in PERIODIC_JOBS if j.name == "purge-deleted")
    assert job.every == 3600.0
    old = instance.notes["bob_public"]
    _deleted_days_ago(old, 31)
    periodic_task(job.task).apply(throw=True)
    assert not Note.objects.filter(pk=old.pk).exists()

    other = instance.notes["ann_public"]
    _deleted_days_ago(other, 31)
    hongshu_main(["purge"])
    assert "Purged 1 notes, 0 comments" in capsys.readouterr().out
    assert not Note.objects.filter(pk=other.pk).exists()


def test_a_deleted_account_leaves_nothing_that_names_its_notes_and_comments(
    instance: Instance, media_root: Path
) -> None:
    from hongshu.members.export import export_request
    from hongshu.members.services import account_delete
    from instance_data import PASSWORD

    nina, ann = instance.nina, instance.ann
    note = instance.notes["nina_public"]
    nina_comment = Comment.objects.get(author=nina, note=note)
    files = _files(media_root, note)
    feed_rebuild(member=ann)
    assert note.pk in feed_store().newest(ann.pk, before=None, count=50)
    Translation.objects.create(
        content_type="note", object_id=note.pk, content_hash="x", target="en", provider="p"
    )
    Translation.objects.create(
        content_type="comment", object_id=nina_comment.pk, content_hash="x", target="en", provider="p"
    )
    PoolEntry.objects.create(note_id=note.pk, author_id=nina.pk, lang_group="en", score=1.0)
    assert _indexed(note.pk)
    export = export_request(member=nina)
    export.refresh_from_db()
    assert default_storage.exists(export.file_key)

    account_delete(user=nina, password=PASSWORD)

    assert not Note.objects.filter(author_id=nina.pk).exists()
    assert not any(path.exists() for path in files)
    assert not _indexed(note.pk)
    assert not PublicNoteTopic.objects.filter(note_id=note.pk).exists()
    assert not Translation.objects.filter(object_id__in=[note.pk, nina_comment.pk]).exists()
    assert not PoolEntry.objects.filter(note_id=note.pk).exists()
    assert note.pk not in feed_store().newest(ann.pk, before=None, count=50)
    assert Note.objects.filter(pk=instance.notes["ann_public"].pk).exists()
    assert not default_storage.exists(export.file_key)  # her data export went with her
