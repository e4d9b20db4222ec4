"""The compose page: photos uploaded through the API with the session, a note created by the form POST."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from hongshu.accounts.models import User
from hongshu.media.models import MediaAsset
from hongshu.media.services import media_upload
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db


def _png(color: str) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), color).save(buffer, format="PNG")
    return buffer.getvalue()


def csrf_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


@pytest.fixture
def member(make_member: Callable[..., User]) -> User:
    return make_member("emily", display_name="Emily")


@pytest.fixture
def browser(member: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


@pytest.fixture
def uploaded(member: User, django_capture_on_commit_callbacks: Any) -> Callable[[int], list[MediaAsset]]:
    def make(count: int) -> list[MediaAsset]:
        with django_capture_on_commit_callbacks(execute=True):
            assets = [
                media_upload(owner=member, upload=SimpleUploadedFile(f"{i}.png", _png("teal"), "image/png"))
                for i in range(count)
            ]
        return assets

    return make


def test_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/compose/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=/compose/")


def test_a_photo_uploads_through_the_api_with_the_session_and_csrf_token(
    browser: Client, django_capture_on_commit_callbacks: Any
) -> None:
    token = csrf_of(browser, "/compose/")
    image = SimpleUploadedFile("a.png", _png("tomato"), "image/png")
    refused = browser.post("/api/v1/media", {"file": image})
    assert refused.status_code == 403  # without the token: no upload
    image.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/api/v1/media", {"file": image}, headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert MediaAsset.objects.get(pk=int(response.json()["id"])).owner.handle == "emily"


def test_compose_publishes_a_note_with_photos_in_order_and_alt_text(
    browser: Client, member: User, uploaded: Callable[[int], list[MediaAsset]]
) -> None:
    first, second, third = uploaded(3)
    token = csrf_of(browser, "/compose/")
    response = browser.post(
        "/compose/",
        {
            "csrfmiddlewaretoken": token,
            "title": "周末去海边 🌊",
            "body": "Sunny day with @nobody_here",
            "topics": "#travel #海边",
            "place": "Qingdao",
            "visibility": "followers",
            "photo": [str(third.pk), str(first.pk), str(second.pk)],
            "alt": ["Waves", "Sand", ""],
            "publish": "1",
        },
    )
    note = Note.objects.get(author=member)
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}"
    images = list(note.images.order_by("position"))
    assert [i.media_id for i in images] == [third.pk, first.pk, second.pk]
    assert [i.alt_text for i in images] == ["Waves", "Sand", ""]
    assert note.status == Note.Status.PUBLISHED
    assert note.visibility == "followers"
    assert note.place_name == "Qingdao"
    assert sorted(t.name for t in note.topics.all()) == ["travel", "海边"]


def test_save_as_draft_needs_no_photo(browser: Client, member: User) -> None:
    token = csrf_of(browser, "/compose/")
    response = browser.post(
        "/compose/",
        {"csrfmiddlewaretoken": token, "title": "Half an idea", "visibility": "public", "draft": "1"},
    )
    assert response.status_code == 302
    assert Note.objects.get(author=member).status == Note.Status.DRAFT


def _errors_near(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"an error next to {field_id}"
    return match.group(1)


def test_a_21_character_title_is_refused_and_everything_typed_comes_back(
    browser: Client, uploaded: Callable[[int], list[MediaAsset]]
) -> None:
    (photo,) = uploaded(1)
    title = "一二三四五六七八九十一二三四五六七八九十😀"  # 21 user-perceived characters
    response = browser.post(
        "/compose/",
        {
            "csrfmiddlewaretoken": csrf_of(browser, "/compose/"),
            "title": title,
            "body": "Keep this text",
            "topics": "#tea",
            "place": "Hangzhou",
            "visibility": "private",
            "photo": [str(photo.pk)],
            "alt": ["A cup of Longjing"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Titles are at most 20 characters." in _errors_near(html, "id_title")
    assert f'value="{title}"' in html
    assert "Keep this text</textarea>" in html
    assert 'value="#tea"' in html
    assert 'value="Hangzhou"' in html
    assert '<option value="private" selected>' in html
    assert f'name="photo" value="{photo.pk}"' in html
    assert 'value="A cup of Longjing"' in html
    assert not Note.objects.exists()


def test_errors_are_in_the_readers_language(browser: Client) -> None:
    browser.cookies["hongshu_language"] = "zh-hans"
    response = browser.post(
        "/compose/",
        {"csrfmiddlewaretoken": csrf_of(browser, "/compose/"), "title": "无图", "visibility": "public"},
    )
    assert response.status_code == 422
    errors = _errors_near(response.content.decode(), "photos")
    assert "Add at least one photo." not in errors
    assert re.search(r"[\u4e00-\u9fff]", errors), errors


def test_no_photo_and_19_photos_are_refused(
    browser: Client, uploaded: Callable[[int], list[MediaAsset]]
) -> None:
    token = csrf_of(browser, "/compose/")
    empty = browser.post(
        "/compose/", {"csrfmiddlewaretoken": token, "title": "Nothing", "visibility": "public"}
    )
    assert "Add at least one photo." in _errors_near(empty.content.decode(), "photos")
    photos = uploaded(19)
    many = browser.post(
        "/compose/",
        {
            "csrfmiddlewaretoken": token,
            "title": "Too many",
            "visibility": "public",
            "photo": [str(p.pk) for p in photos],
            "alt": [""] * 19,
        },
    )
    assert many.status_code == 422
    assert "A note has at most 18 photos." in _errors_near(many.content.decode(), "photos")
    assert len(re.findall(r'name="photo" value="\d+"', many.content.decode())) == 19  # none of them lost
    assert not Note.objects.exists()


def test_mention_suggestions_start_with_the_typed_handle(
    browser: Client, make_member: Callable[..., User]
) -> None:
    make_member("lily_chen", display_name="Lily 陈")
    make_member("lilac")
    make_member("bob")
    response = browser.get("/compose/mentions", {"q": "@LIL"})
    assert response.status_code == 200
    assert [a["handle"] for a in response.json()["accounts"]] == ["lilac", "lily_chen"]
    assert browser.get("/compose/mentions", {"q": "x'; --"}).json() == {"accounts": []}
