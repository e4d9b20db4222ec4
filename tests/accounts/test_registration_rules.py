"""Issue 20, item 13: weak passwords, handles that pass for the platform or its staff, and names that hide
characters. Each is refused (a 422 problem in the API, an error next to the field on the web) with nothing
written, or cleaned before it is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User
from hongshu.accounts.reserved import is_reserved_handle
from hongshu.interactions.models import Board
from hongshu.notes.models import Note, Topic

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the conftest's make_member password
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _sign_up(api: Any, handle: str = "dumpling_lover", password: str = PASSWORD, **extra: Any) -> Any:
    return api.post("/accounts", json={"handle": handle, "password": password, **extra})


def _field_problem(
    problem: Callable[..., dict[str, Any]], response: Any, code: str, field: str
) -> dict[str, Any]:
    body = problem(response, 422, code)
    assert body["errors"][0]["field"] == field, body
    return body


def _form_errors(html: str, field: str) -> str:
    match = re.search(rf'<ul class="field__errors" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert match, f"an error next to {field}"
    return match.group(1)


# --- Passwords -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "fields"),
    [
        pytest.param(" " * 8, {}, id="eight_spaces"),
        pytest.param("\u00a0" * 8, {}, id="eight_nbsp"),
        pytest.param("\u3000" * 10, {}, id="ideographic_spaces"),
        pytest.param("dumpling_lover", {}, id="equal_to_handle"),
        pytest.param("Dumpling_Lover", {}, id="handle_in_other_case"),
        pytest.param("wang xiaohong", {"display_name": "Wang Xiaohong"}, id="like_display_name"),
        pytest.param("ab" * 6, {}, id="two_distinct_characters"),
        pytest.param("12345678", {}, id="numeric_and_common"),
    ],
)
def test_weak_passwords_are_refused_at_sign_up(
    api: Any, problem: Callable[..., dict[str, Any]], password: str, fields: dict[str, str]
) -> None:
    _field_problem(problem, _sign_up(api, password=password, **fields), "weak_password", "password")
    assert not User.objects.exists()


def test_password_validator_messages_read_in_chinese(
    api: Any, problem: Callable[..., dict[str, Any]]
) -> None:
    # Django's own validators bring their zh-hans translations.
    response = api.post("/accounts", json={"handle": "xiaoyu", "password": "12345678"}, headers=ZH)
    body = _field_problem(problem, response, "weak_password", "password")
    assert "这个密码太常见了" in body["errors"][0]["message"]
    assert "密码只包含数字" in body["errors"][0]["message"]
    assert not User.objects.exists()


def test_a_password_like_the_handle_is_refused_when_changing_it(
    member_api: Callable[..., tuple[User, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    alice, client = member_api("alice_in_chengdu")
    for weak in ("alice_in_chengdu", " " * 12, "\u00a0" * 12):
        response = client.post(
            "/accounts/me/password", json={"current_password": PASSWORD, "new_password": weak}
        )
        _field_problem(problem, response, "weak_password", "password")
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_weak_passwords_are_form_errors_on_the_web(client: Client, make_member: Callable[..., User]) -> None:
    response = client.post("/signup/", {"handle": "newcomer", "display_name": "", "password": " " * 8})
    assert response.status_code == 200
    assert "This password has only spaces." in _form_errors(response.content.decode(), "password")
    assert not User.objects.exists()
    member = make_member("emily_chen")
    client.force_login(member)
    changed = client.post(
        "/me/settings",
        {"action": "password", "current_password": PASSWORD, "new_password": "emily_chen"},
    )
    assert changed.status_code == 422
    assert "too similar to the" in changed.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_weak_password_form_errors_read_in_chinese(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post("/signup/", {"handle": "xiaoyu", "display_name": "", "password": "password"})
    assert "这个密码太常见了" in _form_errors(response.content.decode(), "password")
    assert not User.objects.exists()


# --- Reserved handles ------------------------------------------------------------------------------------

RESERVED = [
    "admin_", "administrator", "root", "staff", "official", "hongshu_official",  # the examples
    "Admin", "ADMIN_", "admin2024", "4dm1n", "adm1n", "r00t", "5taff", "0ff1c1al", "officia1",
    "a_d_m_i_n", "_official", "official_news", "news_official", "bob_admin", "adminbob",
    "hongshu", "hongshu_team", "xiaohongshu", "h0ngshu_cn", "moderator", "moderator_1", "support",
    "support_team", "system", "sysadmin", "superuser", "security", "webmaster", "rednote_official",
]  # fmt: skip
ALLOWED = [
    "badminton_fan",
    "rooted_plants",
    "staffordshire",
    "modern_art",
    "systems_guy",
    "lily_chen",
    "roots",
]


@pytest.mark.parametrize("handle", RESERVED)
def test_reserved_handles_and_their_variants_are_refused(
    api: Any, problem: Callable[..., dict[str, Any]], handle: str
) -> None:
    _field_problem(problem, _sign_up(api, handle=handle), "handle_reserved", "handle")
    assert not User.objects.exists()


@pytest.mark.parametrize("handle", ALLOWED)
def test_ordinary_handles_that_contain_a_reserved_word_are_accepted(handle: str) -> None:
    assert not is_reserved_handle(handle)


def test_an_ordinary_handle_signs_up(api: Any) -> None:
    assert _sign_up(api, handle="badminton_fan").status_code == 201


def test_reserved_handles_are_form_errors_on_the_web(client: Client) -> None:
    response = client.post(
        "/signup/", {"handle": "hongshu_official", "display_name": "", "password": PASSWORD}
    )
    assert "This handle is reserved." in _form_errors(response.content.decode(), "handle")
    assert not User.objects.exists()


# --- Invisible characters in names and titles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("display_name", "stored"),
    [
        ("\u202eNIAMOD", "NIAMOD"),
        ("Hongshu\u200b Staff\u200d", "Hongshu Staff"),
        ("\u2067Staff\u2069 Team", "Staff Team"),
        (f"Chen family {FAMILY}", f"Chen family {FAMILY}"),
        ("\u200b\u200b", "dumpling_lover"),  # nothing visible left: the handle is shown instead
    ],
)
def test_display_names_lose_bidi_overrides_and_zero_width_characters(
    api: Any, display_name: str, stored: str
) -> None:
    response = _sign_up(api, display_name=display_name)
    assert response.status_code == 201, response.content
    assert response.json()["account"]["display_name"] == stored
    assert User.objects.get().display_name == stored


def test_profile_edits_strip_format_characters_too(
    member_api: Callable[..., tuple[User, Any]], client: Client
) -> None:
    alice, api = member_api("alice")
    assert api.patch("/accounts/me", json={"display_name": "\u202eAlice"}).json()["display_name"] == "Alice"
    client.force_login(alice)
    response = client.post("/me/profile", {"display_name": "Ali\u200bce 爱丽丝", "bio": "", "region": ""})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice 爱丽丝"


def test_note_titles_and_topics_lose_format_characters(
    member_api: Callable[..., tuple[User, Any]], ready_images: Callable[..., list[str]]
) -> None:
    author, client = member_api("alice")
    response = client.post(
        "/notes",
        json={
            "title": f"Hot\u200bpot\u202e {FAMILY}",
            "topics": ["hot\u200bpot"],
            "images": [{"media_id": ready_images(author)[0]}],
        },
    )
    assert response.status_code == 201, response.content
    note = Note.objects.get()
    assert note.title == f"Hotpot {FAMILY}"
    assert list(Topic.objects.values_list("name", flat=True)) == ["hotpot"]


def test_board_names_lose_format_characters_so_lookalikes_collide(
    member_api: Callable[..., tuple[User, Any]], problem: Callable[..., dict[str, Any]]
) -> None:
    _alice, client = member_api("alice")
    assert client.post("/boards", json={"name": "Eats\u202e"}).json()["name"] == "Eats"
    problem(client.post("/boards", json={"name": "Ea\u200bts"}), 409, "board_name_taken")
    assert list(Board.objects.filter(is_default=False).values_list("name", flat=True)) == ["Eats"]
