"""Sign-up, sign-in and sign-out with Django sessions and CSRF, and the interface language switch."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lantern-river-42"


def csrf_token(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a CSRF token"
    return match.group(1)


@pytest.fixture
def browser_client() -> Client:
    """A client that, like a browser, must send the CSRF token with every form."""
    return Client(enforce_csrf_checks=True)


def test_sign_up_creates_the_member_signs_them_in_and_sign_out_ends_the_session(
    browser_client: Client,
) -> None:
    token = csrf_token(browser_client, "/signup/")
    response = browser_client.post(
        "/signup/",
        {
            "handle": "emily_ohio",
            "display_name": "Emily Carter",
            "password": GOOD_PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/interests"  # newcomers pick interests first
    user = User.objects.get(handle="emily_ohio")
    assert user.display_name == "Emily Carter"
    assert user.languages == ["en"]
    assert user.check_password(GOOD_PASSWORD)
    session_cookie = browser_client.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie.value
    assert session_cookie["httponly"]

    home = browser_client.get("/").content.decode()
    assert "Emily Carter" in home
    assert "Sign out" in home
    assert 'href="/signin/"' not in home

    response = browser_client.post(
        "/signout/", {"csrfmiddlewaretoken": csrf_token(browser_client, "/signout/")}
    )
    assert response.status_code == 302
    home = browser_client.get("/").content.decode()
    assert "Emily Carter" not in home
    assert 'href="/signin/"' in home


def test_sign_up_in_chinese_records_that_the_member_reads_chinese(browser_client: Client) -> None:
    browser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    token = csrf_token(browser_client, "/signup/")
    browser_client.post(
        "/signup/",
        {
            "handle": "xiaoyu",
            "display_name": "林小雨",
            "password": GOOD_PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert User.objects.get(handle="xiaoyu").languages == ["zh-Hans"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"handle": "taken"}, "handle", "This handle is already taken."),
        ({"handle": "TAKEN"}, "handle", "This handle is already taken."),
        ({"handle": "admin"}, "handle", "This handle is reserved."),
        ({"handle": "no spaces!"}, "handle", "Handles are 3 to 30 characters"),
        ({"password": "12345678"}, "password", "This password is entirely numeric."),
        ({"display_name": "x" * 31}, "display_name", "Display names are at most 30 characters."),
    ],
)
def test_sign_up_errors_are_shown_next_to_their_field(
    client: Client, make_member: Callable[..., User], fields: dict[str, str], field: str, message: str
) -> None:
    make_member("taken")
    data = {"handle": "newcomer", "display_name": "", "password": GOOD_PASSWORD, **fields}
    response = client.post("/signup/", data)
    assert response.status_code == 200
    html = response.content.decode()
    errors = re.search(rf'<ul class="field__errors" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert errors
    assert message in errors.group(1)
    assert 'role="alert"' in html
    assert User.objects.count() == 1  # nothing was created
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_sign_in_accepts_any_case_and_an_at_sign_and_returns_to_next(
    client: Client, make_member: Callable[..., User]
) -> None:
    member = make_member("Sophie_SH", display_name="Sophie 苏菲")
    member.set_password(GOOD_PASSWORD)
    member.save(update_fields=["password"])
    response = client.post(
        "/signin/", {"handle": "@sophie_sh", "password": GOOD_PASSWORD, "next": "/notes/1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/notes/1"
    assert "Sophie 苏菲" in client.get("/").content.decode()


def test_sign_in_never_redirects_to_another_site(client: Client, make_member: Callable[..., User]) -> None:
    member = make_member("alice")
    member.set_password(GOOD_PASSWORD)
    member.save(update_fields=["password"])
    response = client.post(
        "/signin/", {"handle": "alice", "password": GOOD_PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_wrong_password_shows_an_error_and_signs_nobody_in(
    client: Client, make_member: Callable[..., User]
) -> None:
    make_member("alice")
    response = client.post("/signin/", {"handle": "alice", "password": "not-the-password"})
    assert response.status_code == 200
    assert "The handle or password is not correct." in response.content.decode()
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_forms_without_a_csrf_token_are_refused(
    browser_client: Client, make_member: Callable[..., User]
) -> None:
    make_member("alice")
    for path, data in [
        ("/signup/", {"handle": "mallory", "password": GOOD_PASSWORD}),
        ("/signin/", {"handle": "alice", "password": "whatever-it-is"}),
        ("/signout/", {}),
        ("/i18n/setlang/", {"language": "zh-hans"}),
    ]:
        assert browser_client.post(path, data).status_code == 403, path
    assert not User.objects.filter(handle="mallory").exists()


def test_language_switch_changes_the_page_language(browser_client: Client) -> None:
    assert '<html lang="en">' in browser_client.get("/").content.decode()
    token = csrf_token(browser_client, "/")
    response = browser_client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/signin/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/signin/"
    assert browser_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    html = browser_client.get("/signin/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert re.search(r'value="zh-hans"[^>]*class="lang-switch__option is-active"', html, re.S)

    token = csrf_token(browser_client, "/")
    browser_client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert '<html lang="en">' in browser_client.get("/").content.decode()


def test_the_browser_language_is_the_default(client: Client) -> None:
    html = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).content.decode()
    assert '<html lang="zh-hans">' in html
