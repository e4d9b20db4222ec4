"""A new account's first notes wait for a moderator while the instance is in surge posture (issue 22, items 6
and 7): only their author sees them, labelled "under review"; staff release or reject them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.core.runtime import runtime_set
from hongshu.notes.models import Note
from hongshu.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def surge(settings: Any) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"hold_first_notes": 2})
    runtime_set(key="surge_mode", value="on", actor_id=None)


def _post(client: Any, images: list[str], title: str, **extra: Any) -> Any:
    return client.post("/notes", json={"title": title, "images": [{"media_id": i} for i in images], **extra})


@pytest.mark.usefixtures("surge")
def test_first_notes_are_held_during_a_surge_and_only_the_author_sees_them(
    member_api: Callable[..., Any],
    ready_images: Callable[..., list[str]],
    api: Any,
    problem: Any,
    after_commit: Any,
) -> None:
    newcomer, client = member_api("newbie")
    _reader, reader = member_api("reader")
    with after_commit():
        held = _post(client, ready_images(newcomer), "first @reader")
    assert held.status_code == 201
    assert held.json()["status"] == "held"
    note_id = held.json()["id"]
    assert client.get(f"/notes/{note_id}").json()["status"] == "held"  # the author reads it
    problem(reader.get(f"/notes/{note_id}"), 404, "note_not_found")
    problem(api.get(f"/notes/{note_id}"), 404, "note_not_found")
    assert note_id not in [n["id"] for n in api.get("/notes").json()["items"]]
    assert not Notification.objects.filter(kind="mention").exists()  # the mention waits too
    assert _post(client, ready_images(newcomer), "second").json()["status"] == "held"
    assert _post(client, ready_images(newcomer), "third").json()["status"] == "published"  # only the first 2

    page = Client()
    page.force_login(newcomer)
    text = page.get(f"/notes/{note_id}").content.decode()
    assert "Under review" in text
    assert Client().get(f"/notes/{note_id}").status_code == 404


@pytest.mark.usefixtures("surge")
def test_staff_release_and_reject(
    member_api: Callable[..., Any],
    ready_images: Callable[..., list[str]],
    api: Any,
    problem: Any,
    after_commit: Any,
) -> None:
    newcomer, client = member_api("newbie")
    member_api("reader")
    with after_commit():
        first = _post(client, ready_images(newcomer), "first @reader").json()["id"]
    assert not Notification.objects.filter(kind="mention").exists()
    second = _post(client, ready_images(newcomer), "second").json()["id"]
    _plain, plain = member_api("plain")
    problem(plain.get("/staff/held-notes"), 403, "not_staff")
    staff_user, staff = member_api("keeper")
    User.objects.filter(pk=staff_user.pk).update(is_staff=True)
    assert [n["id"] for n in staff.get("/staff/held-notes").json()] == [first, second]

    with after_commit():
        released = staff.post(f"/staff/held-notes/{first}/release")
    assert released.status_code == 200
    assert released.json()["status"] == "published"
    assert api.get(f"/notes/{first}").status_code == 200  # everyone now
    assert Notification.objects.filter(kind="mention", note_id=int(first)).count() == 1
    assert staff.post(f"/staff/held-notes/{second}/reject").status_code == 204
    problem(client.get(f"/notes/{second}"), 404, "note_not_found")  # gone, for its author too
    problem(staff.post(f"/staff/held-notes/{second}/release"), 404, "note_not_held")
    assert staff.get("/staff/held-notes").json() == []


def test_nothing_is_held_outside_a_surge_for_trusted_or_staff(
    settings: Any, member_api: Callable[..., Any], ready_images: Callable[..., list[str]]
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"hold_first_notes": 2})
    newcomer, client = member_api("newbie")
    assert _post(client, ready_images(newcomer), "calm day").json()["status"] == "published"  # no surge
    runtime_set(key="surge_mode", value="on", actor_id=None)
    veteran, veteran_client = member_api("veteran")
    User.objects.filter(pk=veteran.pk).update(trust_level=1)
    veteran.refresh_from_db()
    assert _post(veteran_client, ready_images(veteran), "old hand").json()["status"] == "published"
    runtime_set(key="hold_new_accounts_notes", value="never", actor_id=None)
    fresh, fresh_client = member_api("fresh")
    assert _post(fresh_client, ready_images(fresh), "never held").json()["status"] == "published"
    runtime_set(key="surge_mode", value="off", actor_id=None)
    runtime_set(key="hold_new_accounts_notes", value="always", actor_id=None)
    assert _post(fresh_client, ready_images(fresh), "always").json()["status"] == "held"


def test_a_draft_published_during_a_surge_is_held_and_edits_keep_it_held(
    surge: None, member_api: Callable[..., Any], ready_images: Callable[..., list[str]]
) -> None:
    newcomer, client = member_api("newbie")
    draft = _post(client, ready_images(newcomer), "draft", draft=True).json()["id"]
    assert client.patch(f"/notes/{draft}", json={"publish": True}).json()["status"] == "held"
    assert client.patch(f"/notes/{draft}", json={"title": "edited"}).json()["status"] == "held"
    assert Note.objects.get(pk=int(draft)).published_at is None
