"""Accounts over the API: sign-up rules, tokens, profile, password, deletion — and every bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from hongshu.accounts.models import ApiToken, User

GOOD = "correct horse battery"


def sign_up(api, handle="alice", password=GOOD, **extra):
    return api.post("/accounts", json={"handle": handle, "password": password, **extra})


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["title"]
    return body


def test_sign_up_returns_account_and_working_token(api):
    response = sign_up(
        api, "Alice_1", display_name="爱丽丝 Alice", languages=["en", "zh-Hans"], region="Ohio"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["account"]["handle"] == "Alice_1"
    assert body["account"]["display_name"] == "爱丽丝 Alice"
    assert body["account"]["languages"] == ["en", "zh-Hans"]
    assert body["account"]["id"].isdigit()
    api.token = body["token"]
    assert api.get("/accounts/me").json()["handle"] == "Alice_1"
    assert "爱丽丝".encode() in api.get("/accounts/alice_1").content  # UTF-8, not \\u escapes


@pytest.mark.parametrize(
    ("handle", "code"),
    [
        ("ab", "invalid_handle"),
        ("a" * 31, "invalid_handle"),
        ("小红", "invalid_handle"),
        ("has space", "invalid_handle"),
        ("dot.name", "invalid_handle"),
        ("Admin", "handle_reserved"),
    ],
)
def test_sign_up_rejects_bad_handles(api, handle, code):
    body = problem(sign_up(api, handle), 422, code)
    assert body["errors"][0]["field"] == "handle"
    assert not User.objects.exists()


def test_handles_are_unique_regardless_of_case(api):
    assert sign_up(api, "Xiaohong").status_code == 201
    problem(sign_up(api, "xiaoHONG"), 409, "handle_taken")
    assert User.objects.count() == 1


def test_weak_password_is_refused(api):
    problem(sign_up(api, "bob", "12345678"), 422, "weak_password")
    problem(sign_up(api, "bob", "short"), 422, "weak_password")


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"handle": "carol"},
        {"handle": 123, "password": GOOD},
        {"handle": "carol", "password": ["x"]},
        {"handle": "carol", "password": GOOD, "languages": "en"},
    ],
)
def test_missing_fields_and_wrong_types_are_problems(api, payload):
    body = problem(api.post("/accounts", json=payload), 422, "invalid_input")
    assert body["errors"]
    assert not User.objects.exists()


def test_display_name_counts_user_perceived_characters(api):
    assert sign_up(api, "dora", display_name="👩‍👩‍👧‍👦" * 30).status_code == 201
    body = problem(sign_up(api, "eve", display_name="红" * 31), 422, "too_long")
    assert body["errors"][0]["field"] == "display_name"


def test_unknown_language_is_refused(api):
    problem(sign_up(api, "frank", languages=["xx"]), 422, "unknown_language")


def test_token_sign_in_ignores_handle_case_and_rejects_wrong_password(api, make_member):
    make_member("Grace")
    response = api.post("/tokens", json={"handle": "GRACE", "password": GOOD})
    assert response.status_code == 201
    assert response.json()["account"]["handle"] == "Grace"
    problem(
        api.post("/tokens", json={"handle": "grace", "password": "wrong password!"}),
        401,
        "invalid_credentials",
    )
    problem(api.post("/tokens", json={"handle": "nobody", "password": GOOD}), 401, "invalid_credentials")


def test_unknown_bearer_token_is_refused_even_on_public_reads(api):
    api.token = "hs_not-a-real-token"
    problem(api.get("/accounts/me"), 401, "invalid_token")
    problem(api.get("/notes"), 401, "invalid_token")


def test_revoked_token_stops_working(member_api):
    user, client = member_api("henry")
    token = ApiToken.objects.get(user=user)
    assert client.delete(f"/tokens/{token.pk}").status_code == 204
    problem(client.get("/accounts/me"), 401, "invalid_token")


def test_me_requires_authentication(api):
    problem(api.get("/accounts/me"), 401, "not_authenticated")


def test_profile_update_detects_bio_language(member_api):
    _user, client = member_api("ivy")
    response = client.patch(
        "/accounts/me", json={"bio": "在上海吃遍了所有的小笼包，欢迎一起打卡", "region": "上海"}
    )
    assert response.status_code == 200
    assert response.json()["bio_language"] == "zh-Hans"
    assert response.json()["region"] == "上海"
    problem(client.patch("/accounts/me", json={"bio": "字" * 201}), 422, "too_long")
    problem(client.patch("/accounts/me", json={"avatar_id": "123"}), 422, "media_not_ready")


def test_change_password(member_api, api):
    _user, client = member_api("jack")
    problem(
        client.post(
            "/accounts/me/password", json={"current_password": "nope", "new_password": "another good one"}
        ),
        401,
        "invalid_credentials",
    )
    problem(
        client.post("/accounts/me/password", json={"current_password": GOOD, "new_password": "123"}),
        422,
        "weak_password",
    )
    ok = client.post(
        "/accounts/me/password", json={"current_password": GOOD, "new_password": "another good one"}
    )
    assert ok.status_code == 204
    assert api.post("/tokens", json={"handle": "jack", "password": "another good one"}).status_code == 201
    assert api.post("/tokens", json={"handle": "jack", "password": GOOD}).status_code == 401


def test_delete_account_needs_password_and_removes_everything(member_api, api):
    _user, client = member_api("kate")
    problem(client.post("/accounts/me/delete", json={"password": "wrong"}), 401, "invalid_credentials")
    assert User.objects.filter(handle="kate").exists()
    assert client.post("/accounts/me/delete", json={"password": GOOD}).status_code == 204
    assert not User.objects.filter(handle="kate").exists()
    assert not ApiToken.objects.exists()
    problem(api.get("/accounts/kate"), 404, "account_not_found")


def test_session_cookie_auth_requires_csrf_for_writes(make_member):
    make_member("leo")
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="leo", password=GOOD)
    assert browser.get("/api/v1/accounts/me").status_code == 200
    response = browser.patch("/api/v1/accounts/me", data={"bio": "hi"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_problem_titles_follow_the_readers_language(api):
    english = api.get("/accounts/me")
    chinese = api.get("/accounts/me", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert english.json()["title"] == "Please sign in first."
    assert chinese.json()["title"] == "请先登录。"


def test_deleting_a_commenter_keeps_comment_counts_exact(member_api, post_note, after_commit):
    author, author_client = member_api("host")
    note = post_note(author, "talk to me")
    _guest, guest = member_api("guest")
    with after_commit():
        root = guest.post(f"/notes/{note.pk}/comments", json={"body": "first!"}).json()
        author_client.post(f"/comments/{root['id']}/replies", json={"body": "thanks"})
        author_client.post(f"/notes/{note.pk}/comments", json={"body": "my own"})
    assert author_client.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 3
    with after_commit():
        assert guest.post("/accounts/me/delete", json={"password": GOOD}).status_code == 204
    # The guest's thread (with the author's reply under it) is gone; the author's own comment remains.
    assert author_client.get(f"/notes/{note.pk}").json()["counts"]["comments"] == 1
