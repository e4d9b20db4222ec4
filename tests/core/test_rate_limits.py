"""Rate limits (core.ratelimit): each named limit crossed through its real endpoints — the API with a bearer
token, the web with a session cookie — reading the 429 problem and its Retry-After / RateLimit-* headers;
other members, addresses and networks keep their own budgets."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pydantic import ValidationError

from hongshu.accounts.models import User
from hongshu.config.env import HongshuSettings
from hongshu.core.ratelimit import DEFAULT_RATES, network_of
from hongshu.screening.models import Rule
from ratelimit_checks import refused, web_client

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the conftest's make_member password

RateLimits = Callable[..., None]
# ---- Sign-up: per IP and per /24 network ----------------------------------------------------------------


def test_api_sign_up_per_ip(api: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"sign_up.ip": "2 per 1 minute"})
    for handle in ("one", "two"):
        response = api.post(
            "/accounts", json={"handle": handle, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 201
    third = api.post("/accounts", json={"handle": "three", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    refused(third, limit=2, scope="ip", name="sign_up")
    assert not User.objects.filter(handle="three").exists()
    # Another address (outside the network too) is not affected.
    other = api.post("/accounts", json={"handle": "three", "password": PASSWORD}, REMOTE_ADDR="10.0.9.1")
    assert other.status_code == 201


def test_api_sign_up_per_network_groups_a_slash_24(api: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"sign_up.ip": "5 per 1 minute", "sign_up.network": "3 per 1 minute"})
    for i, address in enumerate(("192.0.2.1", "192.0.2.77", "192.0.2.254")):
        response = api.post(
            "/accounts", json={"handle": f"net{i}", "password": PASSWORD}, REMOTE_ADDR=address
        )
        assert response.status_code == 201
    # A fourth address of the same /24 shares its budget; the neighbouring /24 has its own.
    refused(
        api.post("/accounts", json={"handle": "net3", "password": PASSWORD}, REMOTE_ADDR="192.0.2.9"),
        limit=3,
        scope="network",
    )
    assert (
        api.post(
            "/accounts", json={"handle": "net4", "password": PASSWORD}, REMOTE_ADDR="192.0.3.9"
        ).status_code
        == 201
    )


def test_networks_are_slash_24_and_slash_48() -> None:
    assert network_of("192.0.2.200") == "192.0.2.0/24"
    assert network_of("::ffff:192.0.2.200") == "192.0.2.0/24"
    assert network_of("2001:db8:aa:bb::1") == "2001:db8:aa::/48"
    assert network_of("2001:db8:aa:ffff::9") == network_of("2001:db8:aa::1")


def test_ipv6_sign_up_shares_the_slash_48(api: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"sign_up.network": "1 per 1 minute"})
    assert (
        api.post(
            "/accounts", json={"handle": "six1", "password": PASSWORD}, REMOTE_ADDR="2001:db8:1:1::1"
        ).status_code
        == 201
    )
    refused(
        api.post("/accounts", json={"handle": "six2", "password": PASSWORD}, REMOTE_ADDR="2001:db8:1:2::1"),
        limit=1,
        scope="network",
    )


def test_web_sign_up_keeps_what_was_typed(db: None, rate_limits: RateLimits) -> None:
    rate_limits(**{"sign_up.ip": "1 per 1 minute"})
    client = Client()
    form = {"handle": "first", "password": PASSWORD, "display_name": "First"}
    assert client.post("/signup/", form).status_code == 302
    response = Client().post("/signup/", {"handle": "second", "password": PASSWORD, "display_name": "Zweite"})
    refused(response, limit=1, scope="ip")
    page = response.content.decode()
    assert "try again in" in page
    assert 'value="second"' in page
    assert 'value="Zweite"' in page
    assert not User.objects.filter(handle="second").exists()


# ---- Sign-in: per handle+IP, per IP, per network -------------------------------------------------------


def test_api_sign_in_per_account_and_ip(
    api: Any, make_member: Callable[..., User], rate_limits: RateLimits
) -> None:
    make_member("owner")
    make_member("other")
    rate_limits(**{"sign_in.account_ip": "2 per 1 minute"})
    wrong = {"handle": "owner", "password": "not the password"}
    for _ in range(2):
        assert api.post("/tokens", json=wrong, REMOTE_ADDR="10.1.1.1").status_code == 401
    refused(
        api.post("/tokens", json={"handle": "owner", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"),
        limit=2,
        scope="account_ip",
        name="sign_in",
    )
    # The handle is counted however it is typed; another address or another account is not affected.
    refused(
        api.post("/tokens", json={"handle": "@OWNER", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"),
        limit=2,
        scope="account_ip",
    )
    assert (
        api.post(
            "/tokens", json={"handle": "owner", "password": PASSWORD}, REMOTE_ADDR="10.2.2.2"
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/tokens", json={"handle": "other", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 201
    )


def test_api_sign_in_per_ip_across_accounts(
    api: Any, make_member: Callable[..., User], rate_limits: RateLimits
) -> None:
    rate_limits(**{"sign_in.ip": "3 per 1 minute"})
    for handle in ("aaa1", "aaa2", "aaa3"):
        assert (
            api.post("/tokens", json={"handle": handle, "password": "x"}, REMOTE_ADDR="10.3.3.3").status_code
            == 401
        )
    refused(
        api.post("/tokens", json={"handle": "aaa4", "password": "x"}, REMOTE_ADDR="10.3.3.3"),
        limit=3,
        scope="ip",
    )


def test_web_sign_in_in_both_languages_keeps_the_handle(
    make_member: Callable[..., User], rate_limits: RateLimits
) -> None:
    make_member("owner")
    rate_limits(**{"sign_in.account_ip": "1 per 1 minute"})
    assert Client().post("/signin/", {"handle": "owner", "password": "wrong"}).status_code == 200
    response = Client().post("/signin/", {"handle": "owner", "password": PASSWORD})
    refused(response, limit=1, scope="account_ip")
    page = response.content.decode()
    assert "You have done this too often" in page
    assert 'value="owner"' in page
    chinese = Client().post(
        "/signin/", {"handle": "owner", "password": PASSWORD}, headers={"Accept-Language": "zh-Hans"}
    )
    refused(chinese, limit=1, scope="account_ip")
    assert "操作过于频繁" in chinese.content.decode()
    assert "_auth_user_id" not in chinese.client.session


# ---- Member writes: per account --------------------------------------------------------------------------


def test_api_note_create_per_member(
    nina: Any, ann: Any, ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    rate_limits(**{"note_create.account": "1 per 1 minute"})

    def note(member: Any) -> Any:
        images = [{"media_id": i} for i in ready_images(member[0])]
        return member[1].post("/notes", json={"title": "t", "images": images})

    assert note(nina).status_code == 201
    refused(note(nina), limit=1, scope="account", name="note_create")
    assert note(ann).status_code == 201  # another member has their own budget


def test_web_compose_keeps_the_note(
    nina: Any, ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    rate_limits(**{"note_create.account": "1 per 1 minute"})
    client = web_client(nina[0])
    first = client.post(
        "/compose/", {"title": "first", "body": "b", "photo": ready_images(nina[0]), "visibility": "public"}
    )
    assert first.status_code == 302, first.content[:300]
    response = client.post(
        "/compose/",
        {"title": "Chengdu hotpot", "body": "Spicy", "photo": ready_images(nina[0]), "visibility": "public"},
    )
    refused(response, limit=1, scope="account")
    page = response.content.decode()
    assert "Chengdu hotpot" in page
    assert "Spicy" in page
    assert "try again in" in page


def test_note_edits_api_and_web_keep_what_was_typed(
    nina: Any, post_note: Callable[..., Any], ready_images: Callable[..., list[str]], rate_limits: RateLimits
) -> None:
    rate_limits(**{"note_edit.account": "2 per 1 minute"})
    member, api = nina
    note = post_note(member, title="first")
    assert api.patch(f"/notes/{note.pk}", json={"title": "second"}).status_code == 200
    client = web_client(member)
    edited = client.post(
        f"/notes/{note.pk}/edit",
        {"title": "third", "body": "b", "photo": ready_images(member), "visibility": "public"},
    )
    assert edited.status_code == 302, edited.content[:300]
    refused(
        api.patch(f"/notes/{note.pk}", json={"title": "fourth"}), limit=2, scope="account", name="note_edit"
    )
    response = client.post(
        f"/notes/{note.pk}/edit",
        {
            "title": "Lanzhou noodles",
            "body": "Hand-pulled",
            "photo": ready_images(member),
            "visibility": "public",
        },
    )
    refused(response, limit=2, scope="account")
    page = response.content.decode()
    assert "Lanzhou noodles" in page
    assert "Hand-pulled" in page


def test_profile_edits_api_and_web(nina: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"profile_edit.account": "1 per 1 minute"})
    member, api = nina
    assert api.patch("/accounts/me", json={"bio": "hello"}).status_code == 200
    refused(api.patch("/accounts/me", json={"bio": "again"}), limit=1, scope="account", name="profile_edit")
    response = web_client(member).post("/me/profile", {"display_name": "Nina Q", "bio": "Tea lover"})
    refused(response, limit=1, scope="account")
    assert "Tea lover" in response.content.decode()
    member.refresh_from_db()
    assert member.bio == "hello"


def test_comments_api_and_web(trio: Any, post_note: Callable[..., Any], rate_limits: RateLimits) -> None:
    (nina, _n), (ann, ann_api), (_bob, bob_api) = trio
    note = post_note(nina)
    rate_limits(**{"comment_create.account": "2 per 1 minute"})
    created = ann_api.post(f"/notes/{note.pk}/comments", json={"body": "one"})
    assert created.status_code == 201
    assert ann_api.post(f"/comments/{created.json()['id']}/replies", json={"body": "two"}).status_code == 201
    refused(ann_api.post(f"/notes/{note.pk}/comments", json={"body": "three"}), limit=2, scope="account")
    # The web shares the member's budget: the htmx fragment answers 429 with the headers too.
    fragment = web_client(ann).post(
        f"/notes/{note.pk}/comments", {"body": "four"}, headers={"HX-Request": "true"}
    )
    refused(fragment, limit=2, scope="account")
    assert "try again in" in fragment.content.decode()
    assert bob_api.post(f"/notes/{note.pk}/comments", json={"body": "bob"}).status_code == 201


def test_like_and_collect_share_a_budget(
    trio: Any, post_note: Callable[..., Any], rate_limits: RateLimits
) -> None:
    (nina, _n), (ann, ann_api), (_bob, bob_api) = trio
    notes = [post_note(nina, title=f"n{i}") for i in range(3)]
    rate_limits(**{"like.account": "2 per 1 minute"})
    assert ann_api.post(f"/notes/{notes[0].pk}/like").status_code == 201
    assert ann_api.post(f"/notes/{notes[0].pk}/collect", json={}).status_code == 201
    refused(ann_api.post(f"/notes/{notes[1].pk}/like"), limit=2, scope="account", name="like")
    refused(
        web_client(ann).post(f"/notes/{notes[2].pk}/like", headers={"HX-Request": "true"}),
        limit=2,
        scope="account",
    )
    assert bob_api.post(f"/notes/{notes[1].pk}/like").status_code == 201


def test_follow_api_and_web(
    make_member: Callable[..., User], member_api: Any, rate_limits: RateLimits
) -> None:
    for handle in ("fay1", "fay2", "fay3"):
        make_member(handle)
    ann, ann_api = member_api("ann")
    rate_limits(**{"follow.account": "1 per 1 minute"})
    assert ann_api.post("/accounts/fay1/follow").status_code == 201
    refused(ann_api.post("/accounts/fay2/follow"), limit=1, scope="account", name="follow")
    refused(web_client(ann).post("/follow/fay3", headers={"HX-Request": "true"}), limit=1, scope="account")
    refused(web_client(ann).post("/@fay3/follow"), limit=1, scope="account")  # the profile page's button
    # Unfollowing is never limited.
    assert web_client(ann).post("/@fay1/follow", {"action": "unfollow"}).status_code == 302


def test_upload_per_member(nina: Any, ann: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"upload.account": "1 per 1 minute"})

    def upload(member: Any) -> Any:
        photo = io.BytesIO()
        Image.new("RGB", (64, 48), "tomato").save(photo, format="JPEG")
        upload = SimpleUploadedFile("a.jpg", photo.getvalue(), "image/jpeg")
        return member[1].post("/media", data={"file": upload})

    assert upload(nina).status_code == 201
    refused(upload(nina), limit=1, scope="account", name="upload")
    assert upload(ann).status_code == 201


# ---- Expensive reads: per account and per IP ---------------------------------------------------------------


def test_search_per_ip_for_visitors_and_per_member(api: Any, nina: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"search.ip": "2 per 1 minute", "search.account": "50 per 1 minute"})
    assert api.get("/search/notes?q=tea", REMOTE_ADDR="10.5.5.5").status_code == 200
    assert api.get("/search/topics?q=tea", REMOTE_ADDR="10.5.5.5").status_code == 200
    refused(api.get("/search/members?q=tea", REMOTE_ADDR="10.5.5.5"), limit=2, scope="ip", name="search")
    page = Client().get("/search/?q=tea", REMOTE_ADDR="10.5.5.5")
    refused(page, limit=2, scope="ip")
    assert "try again in" in page.content.decode()
    assert 'name="q"' in page.content.decode()
    assert 'value="tea"' in page.content.decode()  # the refused query stays in the search box
    zh = Client().get("/search/?q=tea", REMOTE_ADDR="10.5.5.5", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    refused(zh, limit=2, scope="ip")
    assert 'value="tea"' in zh.content.decode()
    assert "请" in zh.content.decode()
    assert api.get("/search/notes?q=tea", REMOTE_ADDR="10.6.6.6").status_code == 200
    rate_limits(**{"search.ip": "50 per 1 minute", "search.account": "1 per 1 minute"})
    assert nina[1].get("/search/notes?q=tea", REMOTE_ADDR="10.7.7.7").status_code == 200
    refused(nina[1].get("/search/notes?q=tea", REMOTE_ADDR="10.8.8.8"), limit=1, scope="account")


def test_suggest_per_ip(api: Any, rate_limits: RateLimits) -> None:
    rate_limits(**{"suggest.ip": "1 per 1 minute"})
    assert api.get("/search/suggest?q=te", REMOTE_ADDR="10.9.9.9").status_code == 200
    refused(api.get("/search/suggest?q=te", REMOTE_ADDR="10.9.9.9"), limit=1, scope="ip", name="suggest")
    refused(Client().get("/search/suggest?q=te", REMOTE_ADDR="10.9.9.9"), limit=1, scope="ip")
    assert Client().get("/search/suggest?q=te", REMOTE_ADDR="10.9.9.10").status_code == 200


# ---- Settings ------------------------------------------------------------------------------------------


def test_limits_are_off_unless_enabled(api: Any) -> None:
    for i in range(8):  # the suite's default: rate limits off, so the defaults (5 per 30 minutes) do not bite
        assert api.post("/accounts", json={"handle": f"many{i}", "password": PASSWORD}).status_code == 201


def test_rate_settings_merge_and_refuse_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HONGSHU_RATE_LIMITS", '{"sign_up.ip": "2 per 10 minutes"}')
    rates = HongshuSettings().rate_limits
    assert rates["sign_up.ip"] == "2 per 10 minutes"
    assert rates["note_create.account"] == DEFAULT_RATES["note_create.account"]
    for bad in (
        '{"sign_up.planet": "1 per 1 minute"}',
        '{"nothing.ip": "1 per 1 minute"}',
        '{"sign_up.ip": "lots"}',
    ):
        monkeypatch.setenv("HONGSHU_RATE_LIMITS", bad)
        with pytest.raises(ValidationError):
            HongshuSettings()


# ---- Sign-in failures back off per (account, IP) and per IP across accounts (issue 22, item 2) -------------


def test_only_wrong_passwords_use_the_failure_budget(
    api: Any, make_member: Callable[..., User], rate_limits: RateLimits
) -> None:
    make_member("owner")
    rate_limits(**{"sign_in_failure.account_ip": "2 per 1 minute"})
    right = {"handle": "owner", "password": PASSWORD}
    for _ in range(3):  # the owner signing in again and again is not slowed
        assert api.post("/tokens", json=right, REMOTE_ADDR="10.4.4.4").status_code == 201
    for _ in range(2):
        wrong = api.post("/tokens", json={"handle": "owner", "password": "guess"}, REMOTE_ADDR="10.4.4.4")
        assert wrong.status_code == 401
    refused(
        api.post("/tokens", json=right, REMOTE_ADDR="10.4.4.4"),
        limit=2,
        scope="account_ip",
        name="sign_in_failure",
    )
    # The guesser's address is held back, not the account: the owner elsewhere signs in.
    assert api.post("/tokens", json=right, REMOTE_ADDR="10.40.4.4").status_code == 201


def test_failures_across_accounts_hold_back_the_ip(
    api: Any, make_member: Callable[..., User], rate_limits: RateLimits
) -> None:
    make_member("owner")
    rate_limits(**{"sign_in_failure.ip": "3 per 1 minute"})
    for handle in ("aaa1", "aaa2", "owner"):
        assert (
            api.post("/tokens", json={"handle": handle, "password": "x"}, REMOTE_ADDR="10.5.4.4").status_code
            == 401
        )
    refused(
        api.post("/tokens", json={"handle": "owner", "password": PASSWORD}, REMOTE_ADDR="10.5.4.4"),
        limit=3,
        scope="ip",
        name="sign_in_failure",
    )
    assert (
        api.post(
            "/tokens", json={"handle": "owner", "password": PASSWORD}, REMOTE_ADDR="10.5.4.5"
        ).status_code
        == 201
    )


def test_web_sign_in_failures_back_off(make_member: Callable[..., User], rate_limits: RateLimits) -> None:
    make_member("owner")
    rate_limits(**{"sign_in_failure.account_ip": "1 per 1 minute"})
    assert Client().post("/signin/", {"handle": "owner", "password": PASSWORD}).status_code == 302
    assert Client().post("/signin/", {"handle": "owner", "password": "guess"}).status_code == 200
    response = Client().post("/signin/", {"handle": "owner", "password": PASSWORD})
    refused(response, limit=1, scope="account_ip")
    assert 'value="owner"' in response.content.decode()


def test_reports_api_and_web_per_account_and_ip(
    trio: Any, post_note: Callable[..., Any], rate_limits: RateLimits
) -> None:
    Rule.objects.get_or_create(
        code="spam", defaults={"title_en": "Spam", "title_zh": "垃圾信息", "text_en": "-", "text_zh": "-"}
    )
    (nina, _n), (ann, ann_api), (_bob, bob_api) = trio
    notes = [post_note(nina, title=f"n{i}") for i in range(4)]
    rate_limits(**{"report.account": "2 per 1 minute", "report.ip": "3 per 1 minute"})

    def body(note: Any) -> dict[str, str]:
        return {"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"}

    assert ann_api.post("/reports", json=body(notes[0])).status_code == 201
    assert ann_api.post("/reports", json=body(notes[1])).status_code == 201
    refused(ann_api.post("/reports", json=body(notes[2])), limit=2, scope="account", name="report")
    # The web sheet shares the member's budget and keeps what was typed.
    page = web_client(ann).post(f"/report/note/{notes[2].pk}", {"rule": "spam", "text": "still typed"})
    refused(page, limit=2, scope="account")
    assert "still typed" in page.content.decode()
    # Bob shares the test client's address: its budget of 3 is full after his first report.
    assert bob_api.post("/reports", json=body(notes[0])).status_code == 201
    refused(bob_api.post("/reports", json=body(notes[1])), limit=3, scope="ip", name="report")
