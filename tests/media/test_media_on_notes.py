"""The notes API and uploads: which images a note may use, and that a refused note writes nothing."""

from __future__ import annotations

from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note, NoteImage, NoteMention, NoteTopic, Topic


def _nothing_written() -> None:
    assert not Note.objects.exists()
    assert not NoteImage.objects.exists()
    assert not NoteTopic.objects.exists()
    assert not Topic.objects.exists()
    assert not NoteMention.objects.exists()


def _create(client, *media: MediaAsset):
    return client.post(
        "/notes",
        json={
            "title": "Weekend #brunch",
            "body": "With @bobby_b at #Shanghai",
            "topics": ["food"],
            "images": [{"media_id": str(asset.pk), "alt_text": "a plate"} for asset in media],
        },
    )


def _problem(response, code: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_a_note_with_a_failed_image_is_refused_and_writes_nothing(member_api, ready_asset):
    alice, client = member_api("alice")
    member_api("bobby_b")
    good = ready_asset(client)
    failed = MediaAsset.objects.create(
        owner=alice, state=MediaAsset.State.FAILED, error_code="image_corrupt", content_type="image/png"
    )
    _problem(_create(client, good, failed), "image_failed")
    _nothing_written()
    assert MediaAsset.objects.get(pk=good.pk).state == MediaAsset.State.READY


def test_a_note_with_someone_elses_image_is_refused_and_writes_nothing(member_api, ready_asset):
    _alice, alice_client = member_api("alice")
    _bob, bob_client = member_api("bobby_b")
    mine, theirs = ready_asset(alice_client), ready_asset(bob_client)
    _problem(_create(alice_client, mine, theirs), "unknown_image")
    _nothing_written()


def test_a_note_with_a_pending_image_is_accepted(member_api, make_member, ready_asset):
    alice, client = member_api("alice")
    pending = MediaAsset.objects.create(owner=alice, content_type="image/png", width=4, height=3)
    response = _create(client, ready_asset(client), pending)
    assert response.status_code == 201, response.content
    images = response.json()["images"]
    assert [image["media"]["state"] for image in images] == ["ready", "pending"]
    assert images[0]["media"]["urls"]
    assert images[1]["media"]["urls"] == {}
    assert images[0]["media"]["aspect_ratio"] == round(640 / 480, 4)
