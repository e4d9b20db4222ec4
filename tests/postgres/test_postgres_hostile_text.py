"""Hostile text that PostgreSQL refuses where SQLite shrugs: NUL, and few graphemes carrying many code points.

Unmarked on purpose, so the same tests run on both engines: on SQLite they check the answers (a 404 for a
NUL handle, a clear 422 for text with NUL or too many code points, nothing written); on PostgreSQL, where the
old code answered 500 (`ValueError: A string literal cannot contain NUL`, `StringDataRightTruncation`), they
are the regression tests of issue 20, item 9.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import ApiToken, User
from hongshu.comments.models import Comment
from hongshu.interactions.models import Board
from hongshu.notes.models import Note, NoteImage, Topic

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the conftest's make_member password
# One grapheme, 301 code points (300 after NFC folds the first mark into "á"): the example.
ZALGO = "a" + "\u0301" * 300
# Three of them: 3 graphemes (well within every limit) but 900 code points (more than any column holds).
ZALGO3 = ZALGO * 3


def _form_errors(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</ul>', html, re.S)
    assert match, f"an error next to {field_id}"
    return match.group(1)


def _field_problem(problem: Callable[..., dict[str, Any]], response: Any, code: str, field: str) -> None:
    body = problem(response, 422, code)
    assert body["errors"][0]["field"] == field, body


# --- NUL in a handle that is looked up -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/@a%00b", "/@alice%00", "/@%00"])
def test_nul_in_a_web_profile_handle_is_a_404_page(
    client: Client, make_member: Callable[..., User], path: str
) -> None:
    make_member("alice")
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/accounts/a%00b", "/accounts/alice%00", "/accounts/a%00b/notes", "/accounts/a%00b/followers"]
)
def test_nul_in_an_api_account_handle_is_a_404_problem(
    api: Any, make_member: Callable[..., User], problem: Callable[..., dict[str, Any]], path: str
) -> None:
    make_member("alice")
    problem(api.get(path), 404, "account_not_found")


def test_nul_in_a_handle_to_follow_or_block_is_a_404_problem(
    member_api: Callable[..., tuple[User, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    _alice, client = member_api("alice")
    problem(client.post("/accounts/a%00b/follow"), 404, "account_not_found")
    problem(client.post("/accounts/a%00b/block"), 404, "account_not_found")
    problem(client.delete("/accounts/a%00b/mute"), 404, "account_not_found")


def test_nul_in_a_sign_in_handle_is_a_422_problem_and_no_token(
    api: Any, make_member: Callable[..., User], problem: Callable[..., dict[str, Any]]
) -> None:
    make_member("alice")
    before = ApiToken.objects.count()
    response = api.post("/tokens", json={"handle": "alice\x00", "password": PASSWORD})
    _field_problem(problem, response, "invalid_character", "handle")
    assert ApiToken.objects.count() == before


def test_nul_in_a_web_sign_in_handle_is_a_form_error(
    client: Client, make_member: Callable[..., User]
) -> None:
    make_member("alice")
    response = client.post("/signin/", {"handle": "alice\x00", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_nul_in_a_web_unblock_handle_changes_nothing(
    client: Client, make_member: Callable[..., User]
) -> None:
    client.force_login(make_member("alice"))
    response = client.post("/me/blocked/a%00b/unblock")
    assert response.status_code == 302


# --- NUL in written text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"handle": "new\x00comer"}, "handle"),
        ({"password": "correct horse\x00battery"}, "password"),
        ({"display_name": "New\x00comer"}, "display_name"),
        ({"region": "Ohio\x00"}, "region"),
    ],
)
def test_nul_in_sign_up_fields_is_a_422_problem_and_no_member(
    api: Any, problem: Callable[..., dict[str, Any]], fields: dict[str, str], field: str
) -> None:
    response = api.post("/accounts", json={"handle": "newcomer", "password": PASSWORD, **fields})
    _field_problem(problem, response, "invalid_character", field)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "Hot\x00pot"}, "title"),
        ({"body": "Spicy\x00"}, "body"),
        ({"topics": ["hot\x00pot"]}, "topics"),
        ({"place": {"name": "Chengdu\x00"}}, "place"),
    ],
)
def test_nul_in_note_fields_is_a_422_problem_and_no_note(
    member_api: Callable[..., tuple[User, Any]],
    ready_images: Callable[..., list[str]],
    problem: Callable[..., dict[str, Any]],
    fields: dict[str, Any],
    field: str,
) -> None:
    author, client = member_api("alice")
    payload = {"title": "Hotpot", "images": [{"media_id": ready_images(author)[0]}], **fields}
    _field_problem(problem, client.post("/notes", json=payload), "invalid_character", field)
    assert not Note.objects.exists()
    assert not Topic.objects.exists()


def test_nul_in_alt_text_is_a_422_problem_and_no_note(
    member_api: Callable[..., tuple[User, Any]],
    ready_images: Callable[..., list[str]],
    problem: Callable[..., dict[str, Any]],
) -> None:
    author, client = member_api("alice")
    images = [{"media_id": ready_images(author)[0], "alt_text": "a red\x00pot"}]
    response = client.post("/notes", json={"title": "Hotpot", "images": images})
    _field_problem(problem, response, "invalid_character", "images")
    assert not Note.objects.exists()
    assert not NoteImage.objects.exists()


def test_nul_in_a_comment_a_board_name_or_a_bio_is_a_422_problem(
    member_api: Callable[..., tuple[User, Any]],
    post_note: Callable[..., Note],
    problem: Callable[..., dict[str, Any]],
) -> None:
    author, client = member_api("alice")
    note = post_note(author, title="Hotpot")
    _field_problem(
        problem,
        client.post(f"/notes/{note.pk}/comments", json={"body": "yum\x00"}),
        "invalid_character",
        "body",
    )
    _field_problem(problem, client.post("/boards", json={"name": "Eats\x00"}), "invalid_character", "name")
    _field_problem(problem, client.patch("/accounts/me", json={"bio": "hi\x00"}), "invalid_character", "bio")
    assert not Comment.objects.exists()
    assert not Board.objects.filter(is_default=False).exists()
    author.refresh_from_db()
    assert author.bio == ""


# --- Few graphemes, many code points ---------------------------------------------------------------------


def test_combining_marks_in_a_title_are_a_422_problem_and_no_note(
    member_api: Callable[..., tuple[User, Any]],
    ready_images: Callable[..., list[str]],
    problem: Callable[..., dict[str, Any]],
) -> None:
    author, client = member_api("alice")
    response = client.post(
        "/notes", json={"title": ZALGO3, "images": [{"media_id": ready_images(author)[0]}]}
    )
    _field_problem(problem, response, "too_many_code_points", "title")
    assert not Note.objects.exists()


def test_combining_marks_in_a_place_or_topic_are_a_422_problem_and_no_note(
    member_api: Callable[..., tuple[User, Any]],
    ready_images: Callable[..., list[str]],
    problem: Callable[..., dict[str, Any]],
) -> None:
    author, client = member_api("alice")
    images = [{"media_id": ready_images(author)[0]}]
    place = client.post("/notes", json={"title": "Hotpot", "images": images, "place": {"name": ZALGO3}})
    _field_problem(problem, place, "too_many_code_points", "place")
    topic = client.post("/notes", json={"title": "Hotpot", "images": images, "topics": [ZALGO]})
    _field_problem(problem, topic, "too_many_code_points", "topics")
    assert not Note.objects.exists()
    assert not Topic.objects.exists()


def test_a_topic_whose_key_expands_past_its_column_is_a_422_problem(
    member_api: Callable[..., tuple[User, Any]],
    ready_images: Callable[..., list[str]],
    problem: Callable[..., dict[str, Any]],
) -> None:
    # U+FDFA is one letter that NFKC (the topic key) spells with 18: twelve make a 216-letter key.
    author, client = member_api("alice")
    images = [{"media_id": ready_images(author)[0]}]
    response = client.post("/notes", json={"title": "Hotpot", "images": images, "topics": ["\ufdfa" * 12]})
    _field_problem(problem, response, "too_many_code_points", "topics")
    assert not Topic.objects.exists()


def test_combining_marks_in_a_display_name_or_board_name_are_a_422_problem(
    api: Any, member_api: Callable[..., tuple[User, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    sign_up = api.post("/accounts", json={"handle": "newcomer", "password": PASSWORD, "display_name": ZALGO3})
    _field_problem(problem, sign_up, "too_many_code_points", "display_name")
    assert not User.objects.exists()
    alice, client = member_api("alice", display_name="Alice")
    _field_problem(
        problem,
        client.patch("/accounts/me", json={"display_name": ZALGO3}),
        "too_many_code_points",
        "display_name",
    )
    _field_problem(problem, client.post("/boards", json={"name": ZALGO3}), "too_many_code_points", "name")
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert not Board.objects.filter(is_default=False).exists()


def test_the_code_point_error_reads_in_chinese_too(
    member_api: Callable[..., tuple[User, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    _alice, client = member_api("alice")
    response = client.post("/boards", json={"name": ZALGO3}, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    body = problem(response, 422, "too_many_code_points")
    # The message is a new string: until the lead merges the catalogues it may still read in English,
    # but the title (an existing string) is Chinese already.
    assert re.search(r"[\u4e00-\u9fff]", body["title"]), body


def test_combining_marks_in_a_web_title_are_a_form_error_and_no_note(
    client: Client, make_member: Callable[..., User]
) -> None:
    client.force_login(make_member("alice"))
    response = client.post("/compose/", {"title": ZALGO3, "visibility": "public", "draft": "1"})
    assert response.status_code == 422
    assert "at most 500 Unicode code points" in _form_errors(response.content.decode(), "id_title")
    assert not Note.objects.exists()


def test_the_longest_accepted_title_is_stored_whole(
    member_api: Callable[..., tuple[User, Any]], ready_images: Callable[..., list[str]]
) -> None:
    # 20 graphemes, 500 code points (x has no precomposed accented form, so NFC keeps all 24 marks): the
    # service's cap is the column's length, so the longest accepted title fits on PostgreSQL as well.
    author, client = member_api("alice")
    title = ("x" + "\u0301" * 24) * 20
    assert len(title) == 500
    response = client.post("/notes", json={"title": title, "images": [{"media_id": ready_images(author)[0]}]})
    assert response.status_code == 201, response.content
    assert Note.objects.get().title == title
    too_long = client.post(
        "/notes", json={"title": title + "\u0301", "images": [{"media_id": ready_images(author)[0]}]}
    )
    assert too_long.status_code == 422
    assert Note.objects.count() == 1
