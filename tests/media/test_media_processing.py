"""The processing state machine (pending → ready | failed), resuming stalled work, and orphan cleanup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.utils import timezone

from hongshu.media.models import MediaAsset
from hongshu.media.processing import MAX_ATTEMPTS, media_process
from hongshu.media.services import media_delete_orphans, media_resume_pending, upload_key
from hongshu.media.tasks import process_media_task
from hongshu.members.services import profile_save

State = MediaAsset.State


@pytest.fixture
def pending_asset(picture):
    """A stored raw upload and its pending row, as left by an upload whose job has not run (yet)."""

    def make(owner, data: bytes | None = None, age: timedelta = timedelta(0), **fields) -> MediaAsset:
        asset = MediaAsset(owner=owner, content_type="image/png", width=640, height=480, **fields)
        asset.original_key = default_storage.save(upload_key(asset.pk), ContentFile(data or picture("PNG")))
        asset.created_at = timezone.now() - age
        asset.save(force_insert=True)
        return asset

    return make


def test_task_processes_a_pending_asset(make_member, pending_asset, stored_files):
    asset = pending_asset(make_member("alice"))
    process_media_task(str(asset.pk))
    asset.refresh_from_db()
    assert (asset.state, asset.attempts, asset.claimed_at, asset.original_key) == (State.READY, 1, None, "")
    assert stored_files() == [f"media/{asset.pk}/360.webp"]


def test_rerunning_a_ready_asset_is_a_no_op(make_member, pending_asset, stored_files, media_root):
    asset = pending_asset(make_member("alice"))
    media_process(media_id=asset.pk)
    variant = media_root / f"media/{asset.pk}/360.webp"
    before = variant.stat().st_mtime_ns
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.attempts) == (State.READY, 1)
    assert variant.stat().st_mtime_ns == before


def test_an_undecodable_upload_fails_and_leaves_no_files(member_api, pending_asset, stored_files):
    alice, client = member_api("alice")
    # A PNG signature, then garbage: what validation would have refused, had it been bypassed.
    asset = pending_asset(alice, data=b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code, asset.attempts) == (State.FAILED, "image_corrupt", 1)
    assert asset.original_key == ""
    assert asset.variants == {}
    assert stored_files() == []
    body = client.get(f"/media/{asset.pk}").json()
    assert (body["state"], body["error_code"], body["urls"]) == ("failed", "image_corrupt", {})


def test_a_missing_upload_fails(make_member, pending_asset):
    asset = pending_asset(make_member("alice"))
    default_storage.delete(asset.original_key)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code) == (State.FAILED, "upload_missing")


def test_a_storage_error_keeps_it_pending_without_partial_files(
    monkeypatch, make_member, pending_asset, picture, stored_files
):
    asset = pending_asset(make_member("alice"), data=picture("PNG", (1200, 800)))
    real_save = FileSystemStorage.save
    calls = []

    def failing_save(self, name, content, max_length=None):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return real_save(self, name, content, max_length=max_length)

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    with pytest.raises(OSError, match="No space"):
        media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.attempts, asset.claimed_at) == (State.PENDING, 1, None)
    assert stored_files() == [asset.original_key]  # the first variant was removed again; the raw stays

    monkeypatch.setattr(FileSystemStorage, "save", real_save)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.attempts) == (State.READY, 2)
    assert stored_files() == [f"media/{asset.pk}/{w}.webp" for w in (1080, 360, 720)]


def test_it_gives_up_after_max_attempts(make_member, pending_asset, stored_files):
    asset = pending_asset(make_member("alice"), attempts=MAX_ATTEMPTS)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code) == (State.FAILED, "processing_gave_up")
    assert stored_files() == []


def test_an_asset_claimed_by_a_live_worker_is_left_alone(make_member, pending_asset):
    asset = pending_asset(make_member("alice"), claimed_at=timezone.now(), attempts=1)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.attempts) == (State.PENDING, 1)


def test_resume_requeues_only_stale_pending_assets(make_member, pending_asset):
    alice = make_member("alice")
    hour = timedelta(hours=1)
    never_started = pending_asset(alice, age=hour)
    worker_died = pending_asset(alice, age=hour, attempts=1, claimed_at=timezone.now() - hour)
    fresh = pending_asset(alice)
    in_progress = pending_asset(alice, age=hour, attempts=1, claimed_at=timezone.now() - timedelta(minutes=1))

    assert media_resume_pending(older_than=timedelta(minutes=10)) == 2
    states = {a.pk: (a.state, a.attempts) for a in MediaAsset.objects.all()}
    assert states[never_started.pk] == (State.READY, 1)
    assert states[worker_died.pk] == (State.READY, 2)
    assert states[fresh.pk] == (State.PENDING, 0)
    assert states[in_progress.pk] == (State.PENDING, 1)


def test_orphans_are_deleted_with_their_files(member_api, ready_asset, stored_files):
    alice, client = member_api("alice")
    orphan, on_note, avatar, recent = (ready_asset(client) for _ in range(4))
    failed = MediaAsset.objects.create(owner=alice, state=State.FAILED, content_type="image/png")
    response = client.post("/notes", json={"title": "Kept", "images": [{"media_id": str(on_note.pk)}]})
    assert response.status_code == 201, response.content
    profile_save(user=alice, avatar_id=avatar.pk)
    day_old = timezone.now() - timedelta(days=1, minutes=1)
    MediaAsset.objects.exclude(pk=recent.pk).update(created_at=day_old)

    assert media_delete_orphans(older_than=timedelta(days=1)) == 2
    assert set(MediaAsset.objects.values_list("pk", flat=True)) == {on_note.pk, avatar.pk, recent.pk}
    assert not MediaAsset.objects.filter(pk__in=[orphan.pk, failed.pk]).exists()
    assert not [name for name in stored_files() if name.startswith(f"media/{orphan.pk}/")]
    assert len(stored_files()) == 3  # one 360 px variant each for the three kept images


def test_cleanup_command(make_member, pending_asset, capsys):
    alice = make_member("alice")
    stale = pending_asset(alice, age=timedelta(hours=1))
    orphan = pending_asset(alice, age=timedelta(days=2))
    call_command("media_cleanup")
    assert "Deleted 1 unused uploads; re-queued 1 pending uploads." in capsys.readouterr().out
    assert MediaAsset.objects.get(pk=stale.pk).state == State.READY
    assert not MediaAsset.objects.filter(pk=orphan.pk).exists()
