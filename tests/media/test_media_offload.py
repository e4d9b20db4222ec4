"""Photo bytes off the Python workers (issue 26 item 3): the web process authorizes through the policy, then
hands over — to nginx by `X-Accel-Redirect` for local files, or to S3-compatible storage by a redirect to a
signed link. S3 runs for real here: moto's server mode on a local port, with uploads and processing going
through it."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from hongshu.media.models import MediaAsset
from hongshu.media.urls_for import variant_urls

BUCKET = "hongshu-media"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


def _post_note(client: Any, asset: MediaAsset, **fields: Any) -> str:
    payload = {"title": "Lunch", "images": [{"media_id": str(asset.pk)}], **fields}
    response = client.post("/notes", json=payload)
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


# ---- nginx: X-Accel-Redirect ---------------------------------------------------------------------------


@pytest.fixture
def accel(settings: Any) -> str:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"media_accel_redirect_prefix": "/_media/"})
    return "/_media/"


def test_nginx_sends_the_bytes_of_a_photo_the_policy_allows(
    accel: str,
    member_api: Callable[..., Any],
    ready_asset: Callable[..., MediaAsset],
    fetch: Any,
    media_root: Path,
) -> None:
    _alice, alice = member_api("alice")
    asset = ready_asset(alice)
    _post_note(alice, asset)
    response = fetch(variant_urls(asset)["360"])
    assert response.status_code == 200
    key = asset.variants["360"]
    assert response["X-Accel-Redirect"] == accel + key
    assert (media_root / key).is_file()  # the internal location maps onto the media root
    assert response.content == b""  # not one byte through Python
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"].startswith("public")


def test_nginx_is_never_told_about_a_photo_the_policy_hides(
    accel: str, member_api: Callable[..., Any], ready_asset: Callable[..., MediaAsset], fetch: Any
) -> None:
    _alice, alice = member_api("alice")
    _bob, bob = member_api("bob")
    asset = ready_asset(alice)
    _post_note(alice, asset, visibility="private")
    url = variant_urls(asset)["360"]
    for viewer in (None, bob):
        refused = fetch(url, viewer)
        assert refused.status_code == 404
        assert "X-Accel-Redirect" not in refused
    mine = fetch(url, alice)
    assert mine["X-Accel-Redirect"].startswith(accel)
    assert mine["Cache-Control"].startswith("private")


# ---- S3-compatible storage (moto server mode) -------------------------------------------------------------


@pytest.fixture
def s3(settings: Any, media_root: Path) -> Iterator[Any]:
    """Media on a local S3 server: a bucket, the S3 storage backend pointed at it, signed links."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={"media_storage": "s3", "media_signed_url_seconds": 120}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": "us-east-1",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 120,
                "addressing_style": "path",
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def _keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_uploads_are_processed_on_s3_and_served_by_a_signed_link(
    s3: Any,
    member_api: Callable[..., Any],
    ready_asset: Callable[..., MediaAsset],
    fetch: Any,
    media_root: Path,
) -> None:
    _alice, alice = member_api("alice")
    asset = ready_asset(alice)  # uploaded through the API, processed from and into the bucket
    assert set(asset.variants.values()) <= _keys(s3)
    assert not any(key.startswith("uploads/") for key in _keys(s3))  # the original is gone once processed
    assert not any(media_root.rglob("*.webp"))  # nothing on the local disk
    _post_note(alice, asset)
    response = fetch(variant_urls(asset)["360"])
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(s3.meta.endpoint_url + f"/{BUCKET}/")
    assert "Signature" in link
    assert "Expires=" in link or "X-Amz-Expires=120" in link
    assert response["Cache-Control"] == "private, max-age=60"
    with urllib.request.urlopen(link, timeout=10) as answer:  # noqa: S310 - the local moto server
        data = answer.read()
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    # Without the signature the bucket refuses: the objects are private.
    unsigned = link.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310 - the local moto server
    assert refused.value.code == 403


def test_no_signed_link_for_a_photo_the_policy_hides(
    s3: Any, member_api: Callable[..., Any], ready_asset: Callable[..., MediaAsset], fetch: Any
) -> None:
    _alice, alice = member_api("alice")
    _bob, bob = member_api("bob")
    asset = ready_asset(alice)
    _post_note(alice, asset, visibility="followers")
    url = variant_urls(asset)["360"]
    for viewer in (None, bob):
        refused = fetch(url, viewer)
        assert refused.status_code == 404
        assert "Location" not in refused
    assert fetch(url, alice).status_code == 302
