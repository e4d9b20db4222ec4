"""The Translate / Show original toggle on note pages and comments (htmx fragments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from standins import EN_BODY, ZH_BODY, ZH_TITLE, dictionary_reply, stand_in

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def signed_in(user: User, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(user)
    return client


@pytest.fixture
def chinese_note(post_note: Callable[..., Note], make_member: Callable[..., User]) -> Note:
    note = post_note(make_member("nina"), title=ZH_TITLE, body=ZH_BODY)
    Note.objects.filter(pk=note.pk).update(language="zh-Hans")
    return Note.objects.get(pk=note.pk)


def test_button_only_when_the_languages_differ(
    chinese_note: Note, post_note: Callable[..., Note], make_member: Callable[..., User]
) -> None:
    ann = make_member("ann")
    page = signed_in(ann).get(f"/notes/{chinese_note.pk}").content.decode()
    assert f'data-hx-post="/translate/note/{chinese_note.pk}"' in page
    assert 'data-hx-trigger="load"' not in page  # not unless the reader asked for it
    # The same note for a Chinese reader, an English note for an English reader, a visitor: no button.
    assert "data-translate" not in signed_in(ann, "zh-Hans").get(f"/notes/{chinese_note.pk}").content.decode()
    english = post_note(chinese_note.author, title="Hello", body="Hi there")
    assert "data-translate" not in signed_in(ann).get(f"/notes/{english.pk}").content.decode()
    assert "data-translate" not in Client().get(f"/notes/{chinese_note.pk}").content.decode()
    mixed = post_note(chinese_note.author, title="t", body="b")
    Note.objects.filter(pk=mixed.pk).update(language="mixed")
    assert "data-translate" not in signed_in(ann).get(f"/notes/{mixed.pk}").content.decode()


def test_gloss_fragment_and_show_original(chinese_note: Note, make_member: Callable[..., User]) -> None:
    client = signed_in(make_member("ann"))
    response = client.post(f"/translate/note/{chinese_note.pk}", headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dictionary gloss, not a translation" in html
    assert "<ruby>火锅<rt>huǒ guō</rt></ruby>" in html
    assert "hotpot" in html
    assert f'data-hx-get="/translate/note/{chinese_note.pk}/original"' in html
    original = client.get(f"/translate/note/{chinese_note.pk}/original", headers=HX).content.decode()
    assert ZH_BODY in original
    assert f'id="note-text-{chinese_note.pk}"' in original
    assert "data-translate" in original


def test_always_translate_loads_the_translation(chinese_note: Note, make_member: Callable[..., User]) -> None:
    ann = make_member("ann")
    User.objects.filter(pk=ann.pk).update(always_translate=True)
    client = signed_in(User.objects.get(pk=ann.pk))
    page = client.get(f"/notes/{chinese_note.pk}").content.decode()
    assert 'data-hx-trigger="load"' in page
    # After "Show original" it stays original (no loop back into the translation).
    restored = client.get(f"/translate/note/{chinese_note.pk}/original", headers=HX).content.decode()
    assert 'data-hx-trigger="load"' not in restored


def test_provider_translation_and_failure_shows_the_original(
    settings: Any, chinese_note: Note, make_member: Callable[..., User]
) -> None:
    client = signed_in(make_member("ann"))
    with stand_in("openai", dictionary_reply) as server:
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"translation_provider": "openai", "translation_url": server.url}
        )
        server.mode = "500"
        failed = client.post(f"/translate/note/{chinese_note.pk}", headers=HX)
        assert failed.status_code == 200
        assert ZH_BODY in failed.content.decode()
        assert "Translation is not available right now" in failed.content.decode()
        server.mode = "ok"
        html = client.post(f"/translate/note/{chinese_note.pk}", headers=HX).content.decode()
    assert EN_BODY in html
    assert "Translated by machine (openai)" in html
    assert "Dictionary gloss" not in html


def test_comment_toggle(chinese_note: Note, make_member: Callable[..., User]) -> None:
    ann = make_member("ann")
    comment = comment_create(author=chinese_note.author, note_id=chinese_note.pk, body="火锅好吃")
    client = signed_in(ann)
    page = client.get(f"/notes/{chinese_note.pk}").content.decode()
    assert f'data-hx-post="/translate/comment/{comment.pk}"' in page
    html = client.post(f"/translate/comment/{comment.pk}", headers=HX).content.decode()
    assert f'id="comment-text-{comment.pk}"' in html
    assert "hotpot" in html
    original = client.get(f"/translate/comment/{comment.pk}/original", headers=HX).content.decode()
    assert "火锅好吃" in original


def test_hidden_content_is_not_found(
    post_note: Callable[..., Note], make_member: Callable[..., User]
) -> None:
    private = post_note(make_member("nina"), title=ZH_TITLE, body=ZH_BODY, visibility="private")
    client = signed_in(make_member("ann"))
    assert client.post(f"/translate/note/{private.pk}", headers=HX).status_code == 404
    assert client.get(f"/translate/note/{private.pk}/original", headers=HX).status_code == 404
    assert client.post(f"/translate/bogus/{private.pk}", headers=HX).status_code == 404
    assert Client().post(f"/translate/note/{private.pk}", headers=HX).status_code == 401


def test_always_translate_switch_on_the_settings_page(make_member: Callable[..., User]) -> None:
    ann = make_member("ann")
    client = signed_in(ann)
    page = client.get("/me/settings").content.decode()
    assert 'action="/translate/always"' in page
    assert 'name="always_translate" id="always-translate">' in page  # off by default
    response = client.post("/translate/always", {"always_translate": "on"})
    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.always_translate
    assert 'id="always-translate" checked' in client.get("/me/settings").content.decode()
    client.post("/translate/always", {})
    ann.refresh_from_db()
    assert not ann.always_translate
    assert Client().post("/translate/always", {"always_translate": "on"}).status_code == 302
