"""The registration pages, signed out and signed in: each mode's sign-up page in both languages, the answer an
applicant gets on signing in, invite links, the staff's queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from hongshu.accounts.models import User
from hongshu.registration.models import Application, Invite

PASSWORD = "plum-blossom-2026"


def _client(language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _signed_in(user: User, language: str = "en") -> Client:
    client = _client(language)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("mode", "language", "says"),
    [
        ("open", "en", "Create account"),
        ("open", "zh-hans", "创建账号"),
        ("approval", "en", "Why are you joining?"),
        ("approval", "zh-hans", "你为什么想加入？"),
        ("invite", "en", "Hongshu is invite-only right now."),
        ("invite", "zh-hans", "红薯目前仅限邀请加入。"),
        ("closed", "en", "Hongshu is not accepting new members right now"),
        ("closed", "zh-hans", "红薯目前暂不接受新成员注册"),
    ],
)
def test_each_mode_has_its_sign_up_page_in_both_languages(
    registration_mode: Callable[[str], None], mode: str, language: str, says: str
) -> None:
    registration_mode(mode)
    response = _client(language).get("/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert says in html
    assert ('name="reason"' in html) == (mode == "approval")
    assert ('name="invite_code"' in html) == (mode == "invite")
    assert ('name="password"' in html) == (mode != "closed")


def test_closed_mode_creates_nobody(registration_mode: Callable[[str], None]) -> None:
    registration_mode("closed")
    response = _client().post("/signup/", {"handle": "lin_tea", "password": PASSWORD})
    assert response.status_code == 403
    assert "Hongshu is not accepting new members right now" in response.content.decode()
    assert not User.objects.filter(handle="lin_tea").exists()


def test_an_application_without_a_reason_keeps_what_was_typed(
    registration_mode: Callable[[str], None],
) -> None:
    registration_mode("approval")
    response = _client("zh-hans").post(
        "/signup/", {"handle": "lin_tea", "display_name": "林", "password": PASSWORD, "reason": " "}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请告诉我们你加入的原因。" in html
    assert 'value="lin_tea"' in html
    assert 'value="林"' in html
    assert not User.objects.filter(handle="lin_tea").exists()


def test_an_applicant_is_told_to_wait_and_is_not_signed_in(registration_mode: Callable[[str], None]) -> None:
    registration_mode("approval")
    client = _client("zh-hans")
    response = client.post("/signup/", {"handle": "lin_tea", "password": PASSWORD, "reason": "我喜欢喝茶"})
    assert response.status_code == 200
    assert "谢谢！我们已收到你的申请" in response.content.decode()
    assert "_auth_user_id" not in client.session
    application = Application.objects.get()
    assert (application.language, application.reason_language) == ("zh-hans", "zh-Hans")
    assert not application.user.is_active


def test_signing_in_while_pending_or_rejected_says_so_in_the_page_language(
    registration_mode: Callable[[str], None], person: Callable[..., User]
) -> None:
    registration_mode("approval")
    _client().post("/signup/", {"handle": "lin_tea", "password": PASSWORD, "reason": "我喜欢喝茶"})
    credentials = {"handle": "lin_tea", "password": PASSWORD}
    english = _client("en").post("/signin/", credentials).content.decode()
    assert "Your application is waiting for review." in english
    chinese = _client("zh-hans").post("/signin/", credentials).content.decode()
    assert "你的申请正在等待审核。" in chinese
    wrong = _client("en").post("/signin/", {**credentials, "password": "not the password"}).content.decode()
    assert "The handle or password is not correct." in wrong
    assert "application" not in wrong.lower()

    reviewer = _signed_in(person("reviewer", is_staff=True))
    application = Application.objects.get()
    reviewer.post(f"/staff/applications/{application.pk}/reject", {"note": "请多写一点"})
    chinese = _client("zh-hans").post("/signin/", credentials).content.decode()
    assert "你加入红薯的申请未获通过。" in chinese
    assert "审核者留言：请多写一点" in chinese


def test_the_staff_queue_lists_and_decides(
    registration_mode: Callable[[str], None], person: Callable[..., User]
) -> None:
    registration_mode("approval")
    _client().post("/signup/", {"handle": "first_one", "password": PASSWORD, "reason": "I love tea"})
    _client().post("/signup/", {"handle": "second_one", "password": PASSWORD, "reason": "我喜欢喝茶"})
    assert _signed_in(person("alice")).get("/staff/applications").status_code == 403
    assert _client().get("/staff/applications").status_code == 302  # to the sign-in page
    reviewer = _signed_in(person("reviewer", is_staff=True))
    html = reviewer.get("/staff/applications").content.decode()
    assert html.index("@first_one") < html.index("@second_one")  # oldest first
    assert "我喜欢喝茶" in html
    assert "zh-Hans" in html
    first = Application.objects.get(user__handle="first_one")
    response = reviewer.post(f"/staff/applications/{first.pk}/approve", {"note": ""})
    assert response.status_code == 302
    assert User.objects.get(handle="first_one").is_active
    assert "@first_one" not in reviewer.get("/staff/applications").content.decode()
    assert _client().post("/signin/", {"handle": "first_one", "password": PASSWORD}).status_code == 302


def test_an_invite_link_opens_the_form_with_its_code_and_lets_in(
    registration_mode: Callable[[str], None], make_invite: Callable[..., Invite]
) -> None:
    registration_mode("invite")
    invite = make_invite()
    page = _client().get(f"/join/{invite.code}").content.decode()
    assert f'value="{invite.code}"' in page
    response = _client().post(
        f"/join/{invite.code}", {"handle": "lin_tea", "password": PASSWORD, "invite_code": invite.code}
    )
    assert response.status_code == 302
    assert User.objects.get(handle="lin_tea").is_active
    invite.refresh_from_db()
    assert invite.uses == 1


def test_a_used_up_invite_is_explained_and_the_form_kept(
    registration_mode: Callable[[str], None], make_invite: Callable[..., Invite]
) -> None:
    registration_mode("invite")
    used = make_invite(max_uses=1, uses=1)
    expired = make_invite(expires_in=timedelta(seconds=-5))
    form = {"handle": "lin_tea", "display_name": "Lin 林", "password": PASSWORD}
    html = _client("zh-hans").post(f"/join/{used.code}", {**form, "invite_code": used.code}).content.decode()
    assert "这个邀请的使用次数已用完。" in html
    assert 'value="Lin 林"' in html
    html = _client("en").post("/signup/", {**form, "invite_code": expired.code}).content.decode()
    assert "This invite has expired." in html
    assert 'value="lin_tea"' in html
    html = _client("en").post("/signup/", form).content.decode()
    assert "Joining needs an invite from a member right now." in html
    assert not User.objects.filter(handle="lin_tea").exists()


def test_an_invite_in_open_mode_still_works(
    registration_mode: Callable[[str], None], make_invite: Callable[..., Invite]
) -> None:
    invite = make_invite()
    page = _client().get(f"/join/{invite.code}").content.decode()
    assert "You were invited by a member." in page
    _client().post(
        f"/join/{invite.code}", {"handle": "lin_tea", "password": PASSWORD, "invite_code": invite.code}
    )
    invite.refresh_from_db()
    assert invite.uses == 1


def test_the_invites_page_signed_out_and_in(person: Callable[..., User]) -> None:
    response = _client().get("/me/invites")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")

    newbie = _signed_in(person("newbie"))
    html = newbie.get("/me/invites").content.decode()
    assert "Members can make invite links once their account has earned enough trust." in html
    assert newbie.post("/me/invites", {"max_uses": 1, "expires_in_days": 7}).status_code == 403
    assert not Invite.objects.exists()

    member = _signed_in(person("member", trust_level=2), "zh-hans")
    assert member.post("/me/invites", {"max_uses": 101, "expires_in_days": 7}).status_code == 200
    assert not Invite.objects.exists()
    assert member.post("/me/invites", {"max_uses": 3, "expires_in_days": 7}).status_code == 302
    invite = Invite.objects.get()
    html = member.get("/me/invites").content.decode()
    assert f"/join/{invite.code}" in html
    assert "还可使用 3 次" in html
    assert "复制链接" in html
    assert newbie.post(f"/me/invites/{invite.pk}/revoke").status_code == 404
    assert member.post(f"/me/invites/{invite.pk}/revoke").status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert "已撤回" in member.get("/me/invites").content.decode()


def test_the_settings_page_links_to_invites_and_for_staff_to_the_queue(person: Callable[..., User]) -> None:
    member_page = _signed_in(person("alice")).get("/me/settings").content.decode()
    assert 'href="/me/invites"' in member_page
    assert 'href="/staff/applications"' not in member_page
    staff_page = _signed_in(person("reviewer", is_staff=True)).get("/me/settings").content.decode()
    assert 'href="/staff/applications"' in staff_page
