"""POST /media: every accepted format ends up as WebP variants; every refusal stores nothing."""

from __future__ import annotations

import io
import random

import blurhash
import pytest
from django.conf import settings
from PIL import Image

from hongshu.media.models import MediaAsset


def _near(pixel: tuple[int, ...], color: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF", "GIF"])
def test_each_format_becomes_ready_webp_variants(
    fmt, *, member_api, upload, picture, served_image, stored_files
):
    user, client = member_api("alice")
    # Named and typed as a JPEG whatever it is: the format comes from the bytes.
    response = upload(client, picture(fmt, (1200, 800)), name="photo.jpg", content_type="image/jpeg")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "ready"
    assert (body["width"], body["height"], body["aspect_ratio"]) == (1200, 800, 1.5)
    assert set(body["urls"]) == {"360", "720", "1080"}
    assert blurhash.is_valid_blurhash(body["blurhash"])
    asset = MediaAsset.objects.get(pk=int(body["id"]))
    expected_type = {"WEBP": "image/webp", "HEIF": "image/heic"}.get(fmt, f"image/{fmt.lower()}")
    assert (asset.owner_id, asset.content_type, asset.attempts) == (user.pk, expected_type, 1)
    assert asset.original_key == ""
    assert asset.processed_at is not None
    # Only the variants remain: the raw upload is gone once processed.
    assert stored_files() == [f"media/{asset.pk}/{w}.webp" for w in (1080, 360, 720)]
    for width, url in body["urls"].items():
        image = served_image(url, client)
        assert image.format == "WEBP"
        assert image.size == (int(width), int(width) * 2 // 3)
    large = served_image(body["urls"]["1080"], client).convert("RGB")
    assert _near(large.getpixel((100, 360)), RED)
    assert _near(large.getpixel((980, 360)), BLUE)


def test_animated_gif_keeps_the_first_frame(member_api, upload, served_image):
    _user, client = member_api("alice")
    frames = [Image.new("RGB", (400, 300), color) for color in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    body = upload(client, buffer.getvalue(), name="anim.gif", content_type="image/gif").json()
    assert body["state"] == "ready"
    assert list(body["urls"]) == ["360"]
    image = served_image(body["urls"]["360"], client)
    assert getattr(image, "n_frames", 1) == 1
    assert _near(image.convert("RGB").getpixel((180, 135)), RED)


def test_transparency_is_flattened_on_white(member_api, upload, served_image):
    _user, client = member_api("alice")
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 255, 0)).save(buffer, format="PNG")
    body = upload(client, buffer.getvalue(), name="clear.png", content_type="image/png").json()
    image = served_image(body["urls"]["360"], client)
    assert image.mode == "RGB"
    assert _near(image.getpixel((10, 10)), WHITE, tolerance=3)


@pytest.mark.parametrize(
    ("size", "widths"), [((200, 100), ["200"]), ((500, 300), ["360"]), ((800, 1600), ["360", "720"])]
)
def test_never_upscales_but_always_has_one_variant(
    size, widths, *, member_api, upload, picture, served_image
):
    _user, client = member_api("alice")
    body = upload(client, picture("PNG", size)).json()
    assert list(body["urls"]) == widths
    for width in widths:
        assert served_image(body["urls"][width], client).size == (
            int(width),
            round(int(width) * size[1] / size[0]),
        )


def test_an_upload_spooled_to_disk_is_processed(member_api, upload, stored_files):
    _user, client = member_api("alice")
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1100, 1000), random.Random(3).randbytes(1100 * 1000 * 3)).save(buffer, "PNG")
    assert len(buffer.getvalue()) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE  # a TemporaryUploadedFile
    body = upload(client, buffer.getvalue(), name="noise.png").json()
    assert body["state"] == "ready"
    assert list(body["urls"]) == ["360", "720", "1080"]
    assert all(name.startswith("media/") for name in stored_files())


def test_text_file_named_jpg_is_refused(member_api, upload, assert_rejected):
    _user, client = member_api("alice")
    response = upload(client, b"just some text, honestly\n" * 40, name="photo.jpg")
    assert_rejected(response, 415, "unsupported_image_format")


def test_other_image_formats_are_refused(member_api, upload, picture, assert_rejected):
    _user, client = member_api("alice")
    assert_rejected(upload(client, picture("BMP")), 415, "unsupported_image_format")
    assert_rejected(upload(client, picture("TIFF")), 415, "unsupported_image_format")


def test_the_huge_png_is_a_real_image(bilevel_png):
    image = Image.open(io.BytesIO(bilevel_png(100)))
    image.load()  # the same writer as the 20,000 × 20,000 one, small enough to decode fully
    assert (image.format, image.mode, image.size) == ("PNG", "1", (100, 100))
    assert image.getextrema() == (255, 255)


def test_a_400_megapixel_png_is_refused_before_decoding(member_api, upload, huge_png, assert_rejected):
    _user, client = member_api("alice")
    response = upload(client, huge_png, name="huge.png", content_type="image/png")
    assert_rejected(response, 413, "image_too_large")


def test_pixel_limit_comes_from_settings(monkeypatch, member_api, upload, picture, assert_rejected):
    monkeypatch.setattr(settings.HONGSHU, "image_max_pixels", 640 * 480 - 1)
    _user, client = member_api("alice")
    assert_rejected(upload(client, picture("JPEG", (640, 480))), 413, "image_too_large")


def test_byte_limit_comes_from_settings(monkeypatch, member_api, upload, picture, assert_rejected):
    data = picture("PNG", (640, 480))
    monkeypatch.setattr(settings.HONGSHU, "upload_max_bytes", len(data) - 1)
    _user, client = member_api("alice")
    assert_rejected(upload(client, data), 413, "file_too_large")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_truncated_image_is_refused(fmt, member_api, upload, assert_rejected):
    _user, client = member_api("alice")
    noise = random.Random(7).randbytes(320 * 240 * 3)  # noise: no format can compress it away
    buffer = io.BytesIO()
    Image.frombytes("RGB", (320, 240), noise).save(buffer, format=fmt)
    truncated = buffer.getvalue()[: len(buffer.getvalue()) * 3 // 4]
    assert_rejected(upload(client, truncated), 422, "image_corrupt")


def test_upload_needs_a_member(api, upload, picture, stored_files):
    response = upload(api, picture())
    assert response.status_code == 401
    assert stored_files() == []


def test_missing_file_field_is_invalid_input(member_api):
    _user, client = member_api("alice")
    response = client.client.post(
        "/api/v1/media", data={"other": "x"}, headers={"Authorization": f"Bearer {client.token}"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_get_media_is_for_the_owner_only(member_api, ready_asset):
    _alice, alice_client = member_api("alice")
    _bob, bob_client = member_api("bob")
    asset = ready_asset(alice_client)
    mine = alice_client.get(f"/media/{asset.pk}")
    assert mine.status_code == 200
    assert mine.json()["id"] == str(asset.pk)
    assert mine.json()["state"] == "ready"
    theirs = bob_client.get(f"/media/{asset.pk}")
    assert theirs.status_code == 404
    assert theirs["Content-Type"] == "application/problem+json"
    assert theirs.json()["code"] == "media_not_found"
    for bad in ("0", str(2**63), "-1"):
        assert alice_client.get(f"/media/{bad}").status_code == 422
