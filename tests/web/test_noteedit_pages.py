"""The author's own notes on the web: edit (through note_update, so history is kept), earlier versions, delete
with a confirmation, drafts (save, continue, publish, delete), language correction, and topics that link to
their search. Each refusal is checked for the other member and for a visitor."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User
from hongshu.notes.models import Note, NoteRevision
from hongshu.notes.services import Place

pytestmark = pytest.mark.django_db
Publish = Callable[..., Note]
AfterCommit = Callable[[], AbstractContextManager[Any]]


def csrf_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)


@pytest.fixture
def emily(make_member: Callable[..., User]) -> User:
    return make_member("emily", display_name="Emily")


@pytest.fixture
def wei(make_member: Callable[..., User]) -> User:
    return make_member("wei", display_name="Wei")


def signed_in(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def photo_ids(note: Note) -> list[int]:
    return list(note.images.order_by("position").values_list("media_id", flat=True))


def form_of(note: Note, **changes: Any) -> dict[str, Any]:
    """What the edit form posts when nothing is changed, with `changes` applied."""
    data: dict[str, Any] = {
        "title": note.title,
        "body": note.body,
        "topics": " ".join(f"#{t.name}" for t in note.topics.all()),
        "place": note.place_name,
        "visibility": note.visibility,
        "photo": [str(i) for i in photo_ids(note)],
        "alt": ["" for _ in photo_ids(note)],
        "save": "1",
    }
    data.update(changes)
    return data


def test_only_the_author_sees_the_author_menu(publish: Publish, emily: User, wei: User) -> None:
    note = publish(emily, "Tea in Hangzhou")
    own = signed_in(emily).get(f"/notes/{note.pk}").content.decode()
    assert f'href="/notes/{note.pk}/edit"' in own
    assert f'href="/notes/{note.pk}/delete"' in own
    assert f'action="/notes/{note.pk}/language"' in own
    for page in (signed_in(wei).get(f"/notes/{note.pk}"), Client().get(f"/notes/{note.pk}")):
        html = page.content.decode()
        assert page.status_code == 200
        assert "Tea in Hangzhou" in html
        assert "author-menu" not in html
        assert f"/notes/{note.pk}/edit" not in html
    # In the overlay too (the waterfall's dialog shows the same partial).
    assert "author-menu" in signed_in(emily).get(f"/notes/{note.pk}?overlay=1").content.decode()


def test_the_edit_form_is_the_compose_form_filled_in(publish: Publish, emily: User) -> None:
    note = publish(
        emily, "Tea in Hangzhou", body="Longjing #tea", topics=["citywalk"], place=Place(name="West Lake")
    )
    html = signed_in(emily).get(f"/notes/{note.pk}/edit").content.decode()
    assert f'action="/notes/{note.pk}/edit"' in html
    assert "data-compose" in html  # the compose page's script drives photos, counters and topics
    assert 'value="Tea in Hangzhou"' in html
    assert ">Longjing #tea</textarea>" in html
    assert 'value="#citywalk"' in html  # only the topics chosen beside the text; #tea comes from the body
    assert 'value="West Lake"' in html
    assert html.count("data-photo-tile") == 2  # the note's photo, and the template for new ones
    assert f'name="photo" value="{photo_ids(note)[0]}"' in html
    assert 'name="save"' in html
    assert 'name="draft"' not in html  # a published note is saved, not turned back into a draft


def test_others_cannot_edit_and_visitors_are_sent_to_sign_in(
    publish: Publish, emily: User, wei: User
) -> None:
    note = publish(emily, "Tea in Hangzhou")
    hidden = publish(emily, "Only mine", visibility=Note.Visibility.PRIVATE)
    other = signed_in(wei)
    assert other.get(f"/notes/{note.pk}/edit").status_code == 403
    assert other.get(f"/notes/{hidden.pk}/edit").status_code == 404  # never reveals a hidden note
    token = csrf_of(other, "/compose/")
    refused = other.post(
        f"/notes/{note.pk}/edit", {**form_of(note, title="Hacked"), "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 403
    for path in ("edit", "history", "delete"):
        visitor = Client().get(f"/notes/{note.pk}/{path}")
        assert visitor.status_code == 302
        assert visitor["Location"].startswith("/signin/?next=")
    note.refresh_from_db()
    assert note.title == "Tea in Hangzhou"
    assert not NoteRevision.objects.exists()


def test_an_edit_keeps_the_history_and_shows_edited(
    publish: Publish, emily: User, wei: User, cookie_api: Any
) -> None:
    note = publish(emily, "Tea in Hangzhou", sizes=((300, 400), (400, 300), (500, 500)))
    first, second, third = photo_ids(note)
    browser = signed_in(emily)
    token = csrf_of(browser, f"/notes/{note.pk}/edit")
    response = browser.post(
        f"/notes/{note.pk}/edit",
        {
            **form_of(note, title="Tea at West Lake", visibility="followers", topics="#longjing"),
            "photo": [str(third), str(first)],  # reordered, the second one removed
            "alt": ["Lake", "Cup"],
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}"
    note.refresh_from_db()
    assert note.title == "Tea at West Lake"
    assert note.visibility == "followers"
    assert photo_ids(note) == [third, first]
    assert [t.name for t in note.topics.all()] == ["longjing"]
    assert note.edited_at is not None

    page = browser.get(f"/notes/{note.pk}").content.decode()
    assert "Your changes are saved." in page  # the message after the redirect
    assert f'<a class="note__edited" href="/notes/{note.pk}/history"' in page

    history = browser.get(f"/notes/{note.pk}/history").content.decode()
    assert "Tea in Hangzhou" in history  # the version the edit replaced
    assert "Tea at West Lake" in history  # and the note as it is now
    api = cookie_api(browser).get(f"/notes/{note.pk}/history").json()
    assert [(v["title"], v["visibility"], v["image_ids"]) for v in api] == [
        ("Tea in Hangzhou", "public", [str(first), str(second), str(third)])
    ]
    assert (
        signed_in(wei).get(f"/notes/{note.pk}/history").status_code == 404
    )  # followers only, not a follower
    public = publish(emily, "Another one")
    assert signed_in(wei).get(f"/notes/{public.pk}/history").status_code == 403


def test_a_refused_edit_keeps_what_was_typed(publish: Publish, emily: User) -> None:
    note = publish(emily, "Tea in Hangzhou")
    browser = signed_in(emily)
    token = csrf_of(browser, f"/notes/{note.pk}/edit")
    too_long = "Twenty-one characters"
    assert len(too_long) == 21
    response = browser.post(
        f"/notes/{note.pk}/edit",
        {**form_of(note, title=too_long, body="A new body I wrote"), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Titles are at most 20 characters." in html
    assert f'value="{too_long}"' in html
    assert ">A new body I wrote</textarea>" in html
    assert f'name="photo" value="{photo_ids(note)[0]}"' in html
    note.refresh_from_db()
    assert note.title == "Tea in Hangzhou"
    assert not NoteRevision.objects.exists()


def test_delete_asks_first_then_goes_back_to_the_profile(publish: Publish, emily: User, wei: User) -> None:
    note = publish(emily, "Tea in Hangzhou")
    browser = signed_in(emily)
    confirm = browser.get(f"/notes/{note.pk}/delete")
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Delete this note?" in html
    assert f'action="/notes/{note.pk}/delete"' in html
    assert Note.objects.get(pk=note.pk).deleted_at is None  # asking deletes nothing

    assert browser.post(f"/notes/{note.pk}/delete").status_code == 403  # no CSRF token
    other = signed_in(wei)
    assert other.get(f"/notes/{note.pk}/delete").status_code == 403
    refused = other.post(f"/notes/{note.pk}/delete", {"csrfmiddlewaretoken": csrf_of(other, "/compose/")})
    assert refused.status_code == 403
    assert Note.objects.get(pk=note.pk).deleted_at is None

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    done = browser.post(f"/notes/{note.pk}/delete", {"csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 302
    assert done["Location"] == "/@emily"
    profile = browser.get("/@emily").content.decode()
    assert "Note deleted." in profile
    assert "Tea in Hangzhou" not in profile
    assert browser.get(f"/notes/{note.pk}").status_code == 404
    assert Client().get(f"/notes/{note.pk}").status_code == 404
    assert "Tea in Hangzhou" not in Client().get("/").content.decode()


def test_save_a_draft_continue_it_and_publish_it_to_explore(publish: Publish, emily: User, wei: User) -> None:
    browser = signed_in(emily)
    token = csrf_of(browser, "/compose/")
    assert 'href="/me/drafts"' in browser.get("/compose/").content.decode()
    assert 'href="/me/drafts"' in browser.get("/@emily").content.decode()
    assert 'href="/me/drafts"' not in signed_in(wei).get("/@emily").content.decode()
    saved = browser.post(
        "/compose/",
        {"csrfmiddlewaretoken": token, "title": "Half an idea", "visibility": "public", "draft": "1"},
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/me/drafts"
    draft = Note.objects.get(author=emily)
    assert draft.status == Note.Status.DRAFT
    listing = browser.get("/me/drafts").content.decode()
    assert "Draft saved." in listing
    assert "Half an idea" in listing
    assert f'href="/notes/{draft.pk}/edit"' in listing
    assert "Half an idea" not in Client().get("/").content.decode()
    assert signed_in(wei).get(f"/notes/{draft.pk}/edit").status_code == 404
    assert "Half an idea" not in signed_in(wei).get("/me/drafts").content.decode()

    # Publishing it as it is fails (no photo yet): the edit form says why.
    refused = browser.post(f"/notes/{draft.pk}/publish", {"csrfmiddlewaretoken": token})
    assert refused.status_code == 302
    assert refused["Location"] == f"/notes/{draft.pk}/edit"
    form = browser.get(f"/notes/{draft.pk}/edit").content.decode()
    assert "Add at least one photo." in form
    assert 'name="publish"' in form
    assert 'name="draft"' in form

    # Continue: a photo (uploaded for another draft made by the fixture) and a new title; still a draft.
    donor = publish(emily, "", draft=True)
    media_id = photo_ids(donor)[0]
    donor.images.all().delete()
    kept = browser.post(
        f"/notes/{draft.pk}/edit",
        {
            "csrfmiddlewaretoken": token,
            "title": "A whole idea",
            "visibility": "public",
            "photo": [str(media_id)],
            "alt": ["Sketch"],
            "draft": "1",
        },
    )
    assert kept.status_code == 302
    assert kept["Location"] == "/me/drafts"
    draft.refresh_from_db()
    assert draft.status == Note.Status.DRAFT
    assert draft.title == "A whole idea"
    assert not NoteRevision.objects.exists()  # drafts keep no history

    published = browser.post(f"/notes/{draft.pk}/publish", {"csrfmiddlewaretoken": token})
    assert published.status_code == 302
    assert published["Location"] == f"/notes/{draft.pk}"
    draft.refresh_from_db()
    assert draft.status == Note.Status.PUBLISHED
    assert "A whole idea" in Client().get("/").content.decode()  # now in Explore, for everyone
    assert "A whole idea" not in browser.get("/me/drafts").content.decode()


def test_a_draft_is_published_from_its_edit_form_and_deleted_from_the_list(
    publish: Publish, emily: User, wei: User
) -> None:
    ready = publish(emily, "Morning market", draft=True)
    doomed = publish(emily, "Not this one", draft=True)
    browser = signed_in(emily)
    token = csrf_of(browser, "/me/drafts")
    other = signed_in(wei)
    # Someone else's draft does not exist for them.
    refused = other.post(f"/notes/{ready.pk}/publish", {"csrfmiddlewaretoken": csrf_of(other, "/compose/")})
    assert refused.status_code == 404
    response = browser.post(
        f"/notes/{ready.pk}/edit",
        {**form_of(ready), "save": "", "publish": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Note.Status.PUBLISHED
    assert "Morning market" in Client().get("/").content.decode()

    assert "Delete this draft?" in browser.get(f"/notes/{doomed.pk}/delete").content.decode()
    gone = browser.post(f"/notes/{doomed.pk}/delete", {"csrfmiddlewaretoken": token})
    assert gone["Location"] == "/me/drafts"
    listing = browser.get("/me/drafts").content.decode()
    assert "Draft deleted." in listing
    assert "Not this one" not in listing
    assert Client().get("/me/drafts")["Location"].startswith("/signin/?next=/me/drafts")
    assert browser.get("/me/drafts?cursor=abc").status_code == 422  # a bad cursor is refused, not a 500


def test_the_author_corrects_the_language(publish: Publish, emily: User, wei: User) -> None:
    note = publish(emily, "Best tacos", body="Found the best tacos in Austin today")
    assert note.language == "en"
    browser = signed_in(emily)
    page = browser.get(f"/notes/{note.pk}").content.decode()
    assert '<option value="en" selected>English</option>' in page
    assert '<option value="ja">日本語</option>' in page
    assert 'lang="ja"' not in page
    token = csrf_of(browser, f"/notes/{note.pk}")
    other = signed_in(wei)
    other_token = csrf_of(other, f"/notes/{note.pk}")
    refused = other.post(f"/notes/{note.pk}/language", {"language": "ja", "csrfmiddlewaretoken": other_token})
    assert refused.status_code == 403
    assert "Only the author can change this note." in refused.content.decode()
    assert browser.post(f"/notes/{note.pk}/language", {"language": "ja"}).status_code == 403  # no CSRF token

    done = browser.post(f"/notes/{note.pk}/language", {"language": "ja", "csrfmiddlewaretoken": token})
    assert done["Location"] == f"/notes/{note.pk}"
    note.refresh_from_db()
    assert (note.language, note.language_set_by_author) == ("ja", True)
    # A language correction changes nothing readers see: no "Edited", no earlier version.
    assert note.edited_at is None
    assert not NoteRevision.objects.exists()
    page = browser.get(f"/notes/{note.pk}").content.decode()
    assert "Language updated." in page
    assert '<option value="ja" selected>日本語</option>' in page
    assert 'lang="ja"' in page  # the page now tells the browser the note's language
    assert "note__edited" not in page

    browser.post(f"/notes/{note.pk}/language", {"language": "xx", "csrfmiddlewaretoken": token})
    assert "Unknown language code." in browser.get(f"/notes/{note.pk}").content.decode()
    note.refresh_from_db()
    assert note.language == "ja"


def test_topics_link_to_a_topic_page_that_lists_the_note(
    publish: Publish, emily: User, after_commit: AfterCommit
) -> None:
    with after_commit():
        note = publish(emily, "Tea in Hangzhou", body="Morning #龙井 by the lake", topics=["citywalk"])
        publish(emily, "Unrelated noodles", body="Nothing to see")
    html = Client().get(f"/notes/{note.pk}").content.decode()
    chip = '<a class="chip chip--link" href="/topics/citywalk">#citywalk</a>'
    inline = '<a class="topic" href="/topics/%E9%BE%99%E4%BA%95">#龙井</a>'
    assert chip in html
    assert inline in html
    for href in ("/topics/citywalk", "/topics/%E9%BE%99%E4%BA%95"):
        found = Client().get(href).content.decode()
        assert f'href="/notes/{note.pk}"' in found
        assert "Unrelated noodles" not in found


def test_in_chinese(publish: Publish, emily: User) -> None:
    note = publish(emily, "杭州的茶", body="#龙井 好喝")
    NoteRevision.objects.all().delete()
    browser = signed_in(emily)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = browser.get(f"/notes/{note.pk}").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "删除" in page  # the author menu's Delete
    assert '<option value="zh-Hans" selected>简体中文</option>' in page
    form = browser.get(f"/notes/{note.pk}/edit").content.decode()
    assert "标题" in form
    assert 'value="杭州的茶"' in form
    assert "取消" in form  # back to the note without saving
    token = csrf_of(browser, f"/notes/{note.pk}/edit")
    browser.post(f"/notes/{note.pk}/edit", {**form_of(note, title="西湖的茶"), "csrfmiddlewaretoken": token})
    page = browser.get(f"/notes/{note.pk}").content.decode()
    assert "西湖的茶" in page
    assert "已编辑" in page
    assert "杭州的茶" in browser.get(f"/notes/{note.pk}/history").content.decode()
    refused = browser.post(
        f"/notes/{note.pk}/edit", {**form_of(note, title="这" * 21), "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 422
    assert 'value="' + "这" * 21 + '"' in refused.content.decode()
