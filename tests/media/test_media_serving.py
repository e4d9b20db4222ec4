"""GET /media/<id>/<width>.webp: metadata-free, upright images, served only to who may see them."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image, ImageCms

from hongshu.accounts.models import User
from hongshu.media.models import MediaAsset
from hongshu.media.urls_for import variant_urls
from hongshu.members.services import profile_save


def _near(pixel: tuple[int, ...], color: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


def _post_note(client, asset: MediaAsset, **fields) -> str:
    payload = {"title": "Lunch", "images": [{"media_id": str(asset.pk)}], **fields}
    response = client.post("/notes", json=payload)
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def test_served_variant_has_no_exif_gps_or_icc_and_is_upright(
    member_api, upload, picture, fetch, stored_files
):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned a quarter clockwise
    exif[ExifTags.Base.Make] = "HongshuPhone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (31.0, 14.0, 5.0)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", (121.0, 28.0, 9.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = picture("JPEG", (640, 480), left="red", right="blue", exif=exif.tobytes(), icc_profile=icc)
    original = Image.open(io.BytesIO(data))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"

    _alice, client = member_api("alice")
    response = upload(client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["width"], body["height"], body["aspect_ratio"]) == (480, 640, 0.75)
    asset = MediaAsset.objects.get(pk=int(body["id"]))
    assert (asset.width, asset.height) == (480, 640)  # known from the header, before processing
    assert not any(name.startswith("uploads/") for name in stored_files())  # the raw upload is gone

    served = fetch(body["urls"]["360"], client)
    assert served.status_code == 200
    raw = b"".join(served.streaming_content)
    assert raw[:4] == b"RIFF"
    assert raw[8:12] == b"WEBP"
    for marker in (b"EXIF", b"ICCP", b"XMP ", b"HongshuPhone", b"Exif"):
        assert marker not in raw
    image = Image.open(io.BytesIO(raw))
    assert len(image.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    assert image.size == (360, 480)  # width and height swapped: the rotation was applied
    rgb = image.convert("RGB")
    assert _near(rgb.getpixel((180, 60)), (255, 0, 0))
    assert _near(rgb.getpixel((180, 420)), (0, 0, 255))


def test_unattached_upload_is_a_private_preview_for_its_owner(member_api, ready_asset, fetch):
    _alice, alice = member_api("alice")
    _bob, bob = member_api("bob")
    url = variant_urls(ready_asset(alice))["360"]
    mine = fetch(url, alice)
    assert mine.status_code == 200
    assert mine["Cache-Control"].startswith("private")
    assert fetch(url, bob).status_code == 404
    assert fetch(url).status_code == 404


def test_image_on_a_public_note_is_public(member_api, ready_asset, fetch):
    _alice, alice = member_api("alice")
    _bob, bob = member_api("bob")
    asset = ready_asset(alice)
    _post_note(alice, asset)
    url = variant_urls(asset)["360"]
    for viewer in (None, bob, alice):
        response = fetch(url, viewer)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert "public" in response["Cache-Control"]
        assert "max-age=" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("fields"), [{"visibility": "private"}, {"visibility": "followers"}, {"draft": True}]
)
def test_image_on_a_hidden_note_is_private_to_its_author(fields, member_api, ready_asset, fetch):
    _alice, alice = member_api("alice")
    _bob, bob = member_api("bob")
    asset = ready_asset(alice)
    _post_note(alice, asset, **fields)
    url = variant_urls(asset)["360"]
    assert fetch(url).status_code == 404
    assert fetch(url, bob).status_code == 404
    mine = fetch(url, alice)
    assert mine.status_code == 200
    assert mine["Cache-Control"].startswith("private")


def test_images_of_a_deleted_note_are_gone_for_everyone(member_api, ready_asset, fetch):
    _alice, alice = member_api("alice")
    asset = ready_asset(alice)
    note_id = _post_note(alice, asset)
    url = variant_urls(asset)["360"]
    assert fetch(url).status_code == 200
    assert alice.delete(f"/notes/{note_id}").status_code == 204
    assert fetch(url).status_code == 404
    assert fetch(url, alice).status_code == 404


def test_avatar_of_an_active_member_is_public(member_api, ready_asset, fetch):
    alice, alice_client = member_api("alice")
    asset = ready_asset(alice_client)
    profile_save(user=alice, avatar_id=asset.pk)
    url = variant_urls(asset)["360"]
    response = fetch(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert fetch(url).status_code == 404


def test_unknown_width_pending_asset_and_bad_ids_are_404(member_api, ready_asset, fetch):
    alice, alice_client = member_api("alice")
    asset = ready_asset(alice_client)
    assert fetch(f"/media/{asset.pk}/500.webp", alice_client).status_code == 404
    pending = MediaAsset.objects.create(owner=alice, content_type="image/png", width=10, height=10)
    assert fetch(f"/media/{pending.pk}/360.webp", alice_client).status_code == 404
    assert fetch(f"/media/{2**63}/360.webp", alice_client).status_code == 404
    assert fetch("/media/0/360.webp", alice_client).status_code == 404


def test_variant_paths_are_what_the_url_resolver_gives(member_api, ready_asset):
    from django.urls import reverse, set_script_prefix

    _alice, client = member_api("alice")
    asset = ready_asset(client)
    expected = {
        w: reverse("media-variant", kwargs={"media_id": asset.pk, "width": int(w)}) for w in asset.variants
    }
    assert variant_urls(asset) == expected
    set_script_prefix("/hongshu/")  # served under a path prefix: the cached template follows it
    try:
        assert variant_urls(asset)["360"] == f"/hongshu/media/{asset.pk}/360.webp"
    finally:
        set_script_prefix("/")
