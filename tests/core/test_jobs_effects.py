"""Jobs whose effect cannot be undone (a mail) record it, so a second delivery of the same job does nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongshu.accounts.mail import mail_member
from hongshu.accounts.tasks import send_member_mail_task
from hongshu.core.jobs import effect_done, effect_record, job_effects_prune
from hongshu.core.models import JobEffect
from hongshu.registration.services import application_outcome_mail, application_reject, registration_sign_up

pytestmark = pytest.mark.django_db
PASSWORD = "a long test password 1"


def test_a_member_mail_delivered_twice_is_sent_once(
    make_member: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    member = make_member("mail_twice", email="twice@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mail_member(
            user=member, kind="verify_email", context={"link": "https://x/1"}, verified_only=False
        )
    mailoutbox.clear()
    (queued,) = callbacks
    queued()  # the job runs...
    queued()  # ...and is delivered again (its worker died before acknowledging it)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["twice@example.org"]


def test_two_mails_with_the_same_text_are_both_sent(make_member: Any, mailoutbox: list[Any]) -> None:
    member = make_member("mail_two", email="two@example.org")
    mailoutbox.clear()
    context = {"handle": member.handle, "display_name": member.display_name, "link": "https://x/2"}
    send_member_mail_task("verify_email", member.email, "en", {**context, "mail_id": "a"})
    send_member_mail_task("verify_email", member.email, "en", {**context, "mail_id": "b"})
    send_member_mail_task("verify_email", member.email, "en", {**context, "mail_id": "a"})
    assert len(mailoutbox) == 2


def test_an_application_outcome_is_mailed_once(make_member: Any, mailoutbox: list[Any]) -> None:
    admin = make_member("reviewer_once")
    type(admin).objects.filter(pk=admin.pk).update(is_staff=True)
    admin.refresh_from_db()
    application = registration_sign_up(
        mode="approval", handle="once_newcomer", password=PASSWORD, language="en", reason="I like tea"
    ).application
    assert application is not None
    application.user.__class__.objects.filter(pk=application.user_id).update(email="once@example.org")
    application_reject(application_id=application.pk, actor=admin, note="no")
    mailoutbox.clear()
    assert application_outcome_mail(application_id=application.pk) is True
    assert application_outcome_mail(application_id=application.pk) is False
    assert len(mailoutbox) == 1


def test_effect_keys_are_pruned_after_a_month() -> None:
    effect_record("old")
    effect_record("new")
    JobEffect.objects.filter(key="old").update(at=timezone.now() - timedelta(days=31))
    assert job_effects_prune() == 1
    assert (effect_done("old"), effect_done("new")) == (False, True)
