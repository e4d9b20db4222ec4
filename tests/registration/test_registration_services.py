"""The registration services under each mode: who gets in, who waits, what invites allow."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import translation

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden, InvalidInput, ProblemError
from hongshu.registration import registration_mode_for
from hongshu.registration.models import Application, Invite
from hongshu.registration.services import (
    application_approve,
    application_reject,
    application_sign_in_refusal,
    invite_create,
    invite_revoke,
    registration_sign_up,
)

PASSWORD = "plum-blossom-2026"
REASON_ZH = "我想分享杭州的美食和旅行照片，也想认识喜欢喝茶的朋友。"


def _sign_up(mode: str, handle: str = "newcomer", password: str = PASSWORD, **fields: Any) -> Any:
    return registration_sign_up(mode=mode, handle=handle, password=password, language="en", **fields)


def _code(call: Callable[[], Any]) -> str:
    with pytest.raises(ProblemError) as caught:
        call()
    return caught.value.code


def test_the_mode_is_the_admins_run_time_setting(registration_mode: Callable[[str], None]) -> None:
    assert registration_mode_for(ip="203.0.113.9") == "open"
    for mode in ("approval", "invite", "closed", "open"):
        registration_mode(mode)
        assert registration_mode_for(ip="203.0.113.9") == mode


def test_open_mode_creates_an_active_member(db: None) -> None:
    result = _sign_up("open")
    assert result.application is None
    assert User.objects.get(handle="newcomer").is_active


def test_closed_mode_lets_nobody_in_not_even_with_an_invite(make_invite: Callable[..., Invite]) -> None:
    invite = make_invite()
    with pytest.raises(Forbidden) as caught:
        _sign_up("closed", invite_code=invite.code)
    assert caught.value.code == "registration_closed"
    assert not User.objects.filter(handle="newcomer").exists()
    invite.refresh_from_db()
    assert invite.uses == 0


def test_approval_mode_needs_a_reason_and_bounds_it(db: None) -> None:
    assert _code(lambda: _sign_up("approval")) == "reason_required"
    assert _code(lambda: _sign_up("approval", reason="   ")) == "reason_required"
    assert _code(lambda: _sign_up("approval", reason="长" * 1001)) == "too_long"
    assert not User.objects.filter(handle="newcomer").exists()
    _sign_up("approval", reason="长" * 1000)  # exactly the limit, counted as readers see characters
    assert Application.objects.get().reason == "长" * 1000


def test_approval_mode_creates_an_inactive_account_with_a_pending_application(db: None) -> None:
    result = registration_sign_up(
        mode="approval", handle="lin_tea", password=PASSWORD, language="zh-hans", reason=REASON_ZH
    )
    user = User.objects.get(handle="lin_tea")
    assert not user.is_active
    application = result.application
    assert application is not None
    assert (application.user, application.status) == (user, "pending")
    assert application.reason_language == "zh-Hans"
    assert application.language == "zh-hans"


def test_approving_activates_and_mails_the_outcome_in_the_applicants_language(
    person: Callable[..., User], after_commit: Any, mailoutbox: list[Any]
) -> None:
    admin = person("reviewer", is_staff=True)
    application = registration_sign_up(
        mode="approval", handle="lin_tea", password=PASSWORD, language="zh-hans", reason=REASON_ZH
    ).application
    assert application is not None
    User.objects.filter(handle="lin_tea").update(email="lin@example.org")  # the email field is another item's
    with translation.override("en"), after_commit():  # the admin reads English; the applicant, Chinese
        application_approve(application_id=application.pk, actor=admin, note="欢迎！")
    assert User.objects.get(handle="lin_tea").is_active
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.note) == ("approved", admin, "欢迎！")
    (mail,) = mailoutbox
    assert mail.to == ["lin@example.org"]
    assert mail.subject == "欢迎加入红薯：你的申请已通过"
    assert "现在可以登录了" in mail.body
    assert "审核者留言：欢迎！" in mail.body


def test_rejecting_keeps_the_account_inactive_and_tells_why(
    person: Callable[..., User], after_commit: Any, mailoutbox: list[Any]
) -> None:
    admin = person("reviewer", is_staff=True)
    application = _sign_up("approval", reason="I like tea").application
    assert application is not None
    User.objects.filter(handle="newcomer").update(email="new@example.org")
    with after_commit():
        application_reject(application_id=application.pk, actor=admin, note="Spam-like reason")
    assert not User.objects.get(handle="newcomer").is_active
    (mail,) = mailoutbox
    assert mail.subject == "Your Hongshu application was not approved"
    assert "Spam-like reason" in mail.body
    with pytest.raises(InvalidInput) as caught:
        application_approve(application_id=application.pk, actor=admin)
    assert caught.value.code == "application_decided"
    assert not User.objects.get(handle="newcomer").is_active


def test_no_mail_without_an_email(
    person: Callable[..., User], after_commit: Any, mailoutbox: list[Any]
) -> None:
    application = _sign_up("approval", reason="I like tea").application
    assert application is not None
    with after_commit():
        application_approve(application_id=application.pk, actor=person("reviewer", is_staff=True))
    assert mailoutbox == []


def test_an_applicant_with_the_right_password_learns_where_the_application_stands(
    person: Callable[..., User],
) -> None:
    application = _sign_up("approval", reason="I like tea").application
    assert application is not None
    refusal = application_sign_in_refusal(handle="@Newcomer", password=PASSWORD)
    assert refusal is not None
    assert refusal.code == "application_pending"
    assert application_sign_in_refusal(handle="newcomer", password="wrong password") is None
    assert application_sign_in_refusal(handle="nobody", password=PASSWORD) is None
    application_reject(application_id=application.pk, actor=person("reviewer", is_staff=True), note="Not now")
    with translation.override("zh-hans"):
        refusal = application_sign_in_refusal(handle="newcomer", password=PASSWORD)
        assert refusal is not None
        assert refusal.code == "application_rejected"
        assert str(refusal) == "你加入红薯的申请未获通过。 审核者留言：Not now"
    assert application_sign_in_refusal(handle="newcomer", password="wrong password") is None


def test_an_active_member_gets_no_application_answer(make_member: Callable[..., User]) -> None:
    make_member("alice")
    assert application_sign_in_refusal(handle="alice", password="correct horse battery") is None


def test_invite_mode_needs_a_valid_invite(make_invite: Callable[..., Invite]) -> None:
    assert _code(lambda: _sign_up("invite")) == "invite_required"
    assert _code(lambda: _sign_up("invite", invite_code="nope")) == "invite_invalid"
    assert _code(lambda: _sign_up("invite", invite_code="码")) == "invite_invalid"
    expired = make_invite(expires_in=timedelta(seconds=-1))
    assert _code(lambda: _sign_up("invite", invite_code=expired.code)) == "invite_expired"
    revoked = make_invite(revoked=True)
    assert _code(lambda: _sign_up("invite", invite_code=revoked.code)) == "invite_revoked"
    used_up = make_invite(max_uses=2, uses=2)
    assert _code(lambda: _sign_up("invite", invite_code=used_up.code)) == "invite_used_up"
    assert not User.objects.filter(handle="newcomer").exists()
    good = make_invite(max_uses=2)
    result = _sign_up("invite", invite_code=f" {good.code} ")
    assert result.user.is_active
    good.refresh_from_db()
    assert good.uses == 1


def test_a_failed_sign_up_uses_nothing_of_the_invite(
    make_invite: Callable[..., Invite], make_member: Callable[..., User]
) -> None:
    make_member("taken")
    invite = make_invite()
    assert _code(lambda: _sign_up("invite", handle="TAKEN", invite_code=invite.code)) == "handle_taken"
    assert _code(lambda: _sign_up("invite", password="x", invite_code=invite.code)) == "weak_password"
    invite.refresh_from_db()
    assert invite.uses == 0


def test_an_invite_works_in_open_mode_and_skips_review_in_approval_mode(
    make_invite: Callable[..., Invite],
) -> None:
    invite = make_invite(max_uses=3)
    assert _sign_up("open", handle="first", invite_code=invite.code).user.is_active
    result = _sign_up("approval", handle="second", invite_code=invite.code)  # no reason needed
    assert result.application is None
    assert result.user.is_active
    invite.refresh_from_db()
    assert invite.uses == 2


def test_a_stale_invite_cannot_be_used_past_its_limit(make_invite: Callable[..., Invite]) -> None:
    invite = make_invite(max_uses=1)
    _sign_up("invite", handle="first", invite_code=invite.code)
    # Another sign-up checked the invite before the first used it; the conditional UPDATE still refuses.
    Invite.objects.filter(pk=invite.pk).update(uses=0)
    from hongshu.registration.services import _invite_use

    stale = Invite.objects.get(pk=invite.pk)
    Invite.objects.filter(pk=invite.pk).update(uses=1)
    with pytest.raises(InvalidInput) as caught:
        _invite_use(invite=stale)
    assert caught.value.code == "invite_used_up"


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_use_an_invite_no_more_than_it_allows() -> None:
    owner = User.objects.create_user("inviter", PASSWORD, trust_level=2)
    invite = invite_create(member=owner, max_uses=2, expires_in_days=1)
    handles = [f"racer_{n}" for n in range(6)]
    start = threading.Barrier(len(handles))
    outcomes: dict[str, str] = {}

    def sign_up(handle: str) -> None:
        try:
            start.wait(timeout=30)
            _sign_up("invite", handle=handle, invite_code=invite.code)
            outcomes[handle] = "joined"
        except ProblemError as problem:
            outcomes[handle] = problem.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(handle,)) for handle in handles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["invite_used_up"] * 4 + ["joined"] * 2, outcomes
    invite.refresh_from_db()
    assert invite.uses == 2
    assert User.objects.filter(handle__startswith="racer_").count() == 2


def test_who_may_make_invites(person: Callable[..., User]) -> None:
    newcomer, member, staff = person("newbie"), person("member", trust_level=2), person("boss", is_staff=True)
    with pytest.raises(Forbidden) as caught:
        invite_create(member=newcomer)
    assert caught.value.code == "invite_not_allowed"
    assert invite_create(member=member, max_uses=100, expires_in_days=30).remaining == 100
    assert invite_create(member=staff).created_by == staff
    assert _code(lambda: invite_create(member=member, max_uses=0)) == "invalid_max_uses"
    assert _code(lambda: invite_create(member=member, max_uses=101)) == "invalid_max_uses"
    assert _code(lambda: invite_create(member=member, expires_in_days=31)) == "invalid_expiry"


def test_the_trust_level_needed_is_a_setting(person: Callable[..., User], settings: Any) -> None:
    newbie = person("newbie")
    assert _code(lambda: invite_create(member=newbie)) == "invite_not_allowed"  # level 0 may have none
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"trust_invites": [1, 1, 3, 10]})
    assert invite_create(member=newbie).max_uses == 1


def test_only_the_maker_or_staff_revokes_an_invite(
    person: Callable[..., User], make_invite: Callable[..., Invite]
) -> None:
    invite = make_invite()
    assert _code(lambda: invite_revoke(member=person("stranger"), invite_id=invite.pk)) == "invite_not_found"
    revoked = invite_revoke(member=person("boss", is_staff=True), invite_id=invite.pk)
    assert revoked.revoked_at is not None
    assert _code(lambda: _sign_up("invite", invite_code=invite.code)) == "invite_revoked"
