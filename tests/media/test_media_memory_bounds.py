"""Issue 20 (items 4 and 5): decoding is bounded by a memory budget in a child process, extreme shapes are
refused, every decoder or encoder failure ends `failed` with the raw upload removed, and members' uploads
are capped (429 with Retry-After)."""

from __future__ import annotations

import signal
import struct
import zlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hongshu.media import isolation
from hongshu.media.isolation import ChildFailure, run_in_child
from hongshu.media.models import MediaAsset
from hongshu.media.processing import media_process
from hongshu.media.services import upload_key

State = MediaAsset.State
MB = 1024 * 1024


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A complete single-colour 8-bit RGB PNG, written row by row through zlib: a 7000 × 7000 one is
    ~150 KB on disk and 147 MB decoded, and the test process never holds its pixels."""
    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes(rgb) * width  # filter type 0
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


class PeakRss:
    """Growth of this process's peak resident memory during a block (Linux: /proc/self/clear_refs resets
    the peak, /proc/self/status reports it), in bytes."""

    @staticmethod
    def _status(field: str) -> int:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise LookupError(field)

    def __enter__(self) -> PeakRss:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        self.start = self._status("VmRSS")
        return self

    def __exit__(self, *exc: object) -> None:
        self.growth = self._status("VmHWM") - self.start


@pytest.fixture
def pending_raw(make_member):
    """A stored raw upload and its pending row, as an upload accepted before these checks existed left it."""

    def make(data: bytes, *, width: int, height: int) -> MediaAsset:
        asset = MediaAsset(owner=make_member("alice"), content_type="image/png", width=width, height=height)
        asset.original_key = default_storage.save(upload_key(asset.pk), ContentFile(data))
        asset.save(force_insert=True)
        return asset

    return make


def test_a_7000_by_7000_png_is_refused_at_upload_without_growing_the_web_process(
    member_api, upload, assert_rejected
):
    _alice, client = member_api("alice")
    bomb = solid_png(7000, 7000)
    assert len(bomb) < 250_000
    with PeakRss() as peak:
        response = upload(client, bomb, name="bomb.png", content_type="image/png")
    problem = assert_rejected(response, 413, "image_too_large")
    assert "40" in problem["detail"]  # names the limit
    # The old code accepted it (49 MP < 50 MP) and decoded it in this process: ~800 MB, kept.
    assert peak.growth < 100 * MB, peak.growth


def test_a_large_allowed_png_is_processed_in_a_child_without_growing_the_web_process(
    member_api, upload, served_image
):
    _alice, client = member_api("alice")
    photo = solid_png(6000, 6000)  # 36 MP: under the limit, ~430 MB at peak in a naive pipeline
    with PeakRss() as peak:
        response = upload(client, photo, name="big.png", content_type="image/png")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["width"], body["height"]) == ("ready", 6000, 6000)
    assert set(body["urls"]) == {"360", "720", "1080"}
    assert peak.growth < 100 * MB, peak.growth
    image = served_image(body["urls"]["1080"], client).convert("RGB")
    assert image.size == (1080, 1080)
    assert all(abs(a - b) <= 3 for a, b in zip(image.getpixel((540, 540)), (200, 30, 30), strict=True))


def test_a_memory_ceiling_breach_fails_the_asset_with_a_code(monkeypatch, pending_raw, stored_files):
    asset = pending_raw(solid_png(6000, 6000), width=6000, height=6000)
    monkeypatch.setattr(settings.HONGSHU, "image_memory_limit_mb", 64)  # 108 MB of pixels cannot fit
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code, asset.original_key) == (State.FAILED, "image_memory_limit", "")
    assert stored_files() == []


def test_a_1_by_40000_png_is_refused_at_upload_in_both_languages(member_api, upload, assert_rejected):
    _alice, client = member_api("alice")
    strip = solid_png(1, 40_000)
    english = assert_rejected(upload(client, strip, name="strip.png"), 422, "image_aspect_ratio")
    assert "20" in english["detail"]
    chinese = client.post(
        "/media",
        data={"file": SimpleUploadedFile("strip.png", strip, content_type="image/png")},
        headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert_rejected(chinese, 422, "image_aspect_ratio")
    assert chinese.json()["title"] != english["title"]
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese.json()["title"])


def test_a_1_by_40000_png_left_pending_by_an_old_upload_fails_and_loses_its_raw_file(
    pending_raw, stored_files
):
    asset = pending_raw(solid_png(1, 40_000), width=1, height=40_000)
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code, asset.original_key) == (State.FAILED, "image_aspect_ratio", "")
    assert stored_files() == []


def test_an_image_the_webp_encoder_refuses_ends_failed_with_the_raw_file_deleted(
    monkeypatch, member_api, upload, stored_files
):
    # An operator allowing any shape: the 1 × 40,000 strip passes the upload check, and WebP, which
    # refuses sides over 16,383 px, fails on it. It used to stay pending forever, keeping the raw upload.
    monkeypatch.setattr(settings.HONGSHU, "image_max_aspect_ratio", 100_000.0)
    _alice, client = member_api("alice")
    response = upload(client, solid_png(1, 40_000), name="strip.png", content_type="image/png")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["error_code"], body["urls"]) == ("failed", "image_corrupt", {})
    assert MediaAsset.objects.get(pk=int(body["id"])).original_key == ""
    assert stored_files() == []


def test_a_tall_image_gets_only_the_variants_webp_can_hold(member_api, upload, served_image):
    _alice, client = member_api("alice")
    body = upload(client, solid_png(1100, 19_000), name="scroll.png", content_type="image/png").json()
    assert body["state"] == "ready", body
    # 1080 px wide would be 18,655 px tall (WebP holds 16,383); 720 wide is 12,436 tall.
    assert list(body["urls"]) == ["360", "720"]
    assert served_image(body["urls"]["720"], client).size == (720, 12_436)


def test_a_child_killed_mid_work_fails_the_asset_and_removes_the_raw_file(
    monkeypatch, pending_raw, stored_files
):
    asset = pending_raw(solid_png(6000, 6000), width=6000, height=6000)
    monkeypatch.setattr(isolation, "WALL_SECONDS", 0.05)  # the parent kills the child at the deadline
    media_process(media_id=asset.pk)
    asset.refresh_from_db()
    assert (asset.state, asset.error_code, asset.original_key) == (State.FAILED, "image_time_limit", "")
    assert stored_files() == []


def test_a_child_dying_is_a_failure_with_a_code():
    with pytest.raises(ChildFailure) as failure:
        run_in_child(signal.raise_signal, signal.SIGKILL, memory_bytes=64 * MB)  # type: ignore[arg-type]
    assert failure.value.code == "image_worker_died"


def test_the_hourly_upload_cap_answers_429_with_retry_after(
    monkeypatch, member_api, upload, picture, stored_files
):
    monkeypatch.setattr(settings.HONGSHU, "upload_member_hourly_limit", 2)
    alice_user, alice = member_api("alice")
    _bob, bob = member_api("bob")
    for _ in range(2):
        assert upload(alice, picture()).status_code == 201
    stored = stored_files()
    refused = upload(alice, picture())
    assert refused.status_code == 429, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "upload_rate_limited"
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert stored_files() == stored
    assert MediaAsset.objects.filter(owner=alice_user).count() == 2
    assert upload(bob, picture()).status_code == 201  # per member
    # An hour later the oldest upload no longer counts.
    MediaAsset.objects.filter(owner=alice_user).update(created_at=timezone.now() - timedelta(minutes=61))
    assert upload(alice, picture()).status_code == 201


def test_the_pending_upload_cap_answers_429_until_photos_are_posted(monkeypatch, member_api, upload, picture):
    monkeypatch.setattr(settings.HONGSHU, "upload_member_pending_limit", 2)
    alice, client = member_api("alice")
    first, _second = (int(upload(client, picture()).json()["id"]) for _ in range(2))
    refused = upload(client, picture())
    assert refused.status_code == 429, refused.content
    assert refused.json()["code"] == "upload_pending_limit"
    assert 86_000 < int(refused["Retry-After"]) <= 86_400
    # Failed uploads hold no room; a posted photo frees its room at once.
    MediaAsset.objects.create(owner=alice, state=State.FAILED, content_type="image/png")
    note = client.post("/notes", json={"title": "Posted", "images": [{"media_id": str(first)}]})
    assert note.status_code == 201, note.content
    assert upload(client, picture()).status_code == 201
