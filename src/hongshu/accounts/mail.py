"""Mail to members: the one module that sends it, after commit, in the member's language.

`mail_member` queues a job (`hongshu.core.jobs.enqueue_on_commit`) with JSON only: the kind, the address,
the language and a context of strings. The job renders `accounts/mail/<kind>_subject.txt` and `<kind>.txt`
(and `<kind>.html` when it exists) under `translation.override(language)` and sends through Django's email
framework (the backend comes from `EMAIL_URL`, docs/configuration.md#mail). Nothing is sent if the
transaction rolls back.

Notices (a new sign-in, a changed password or address) go only to a verified address: an address nobody
proved is not the member's to warn. Verification links go to the address being verified.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from hongshu.accounts.models import User
from hongshu.accounts.verification import verification_token_make
from hongshu.core.jobs import enqueue_on_commit

MailKind = Literal["verify_email", "email_changed", "password_reset", "password_changed", "new_sign_in"]


def mail_language(user: User) -> str:
    """The interface language of a member's mail: Simplified Chinese when the first language they read is
    Chinese (any script or region), else English."""
    languages = list(user.languages or [])
    first = str(languages[0]).lower() if languages else ""
    return "zh-hans" if first.startswith("zh") else "en"


def mail_member(
    *,
    user: User,
    kind: MailKind,
    context: dict[str, str] | None = None,
    to: str | None = None,
    verified_only: bool = True,
) -> bool:
    """Queue mail `kind` to `to` (default: the member's address) once the transaction commits.

    With `verified_only` (notices), nothing is sent unless the member's address is verified. Returns whether
    a mail was queued.
    """
    address = to or user.email
    if not address or (verified_only and user.email_verified_at is None):
        return False
    from hongshu.accounts.tasks import send_member_mail_task  # tasks imports this module

    # mail_id: the job's key against sending this mail twice (accounts.tasks.send_member_mail_task).
    full = {
        "handle": user.handle,
        "display_name": user.display_name,
        **(context or {}),
        "mail_id": uuid.uuid4().hex,
    }
    enqueue_on_commit(send_member_mail_task, kind, address, mail_language(user), full)
    return True


def mail_verification(*, user: User) -> bool:
    """Mail the member's current address a link that verifies it."""
    if not user.email:
        return False
    token = verification_token_make(user_id=user.pk, email=user.email)
    link = f"{settings.HONGSHU.site_url.rstrip('/')}/email/verify/{token}"
    return mail_member(user=user, kind="verify_email", context={"link": link}, verified_only=False)


def mail_render(*, kind: str, language: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of mail `kind` in `language`."""
    context = {"site_url": settings.HONGSHU.site_url.rstrip("/"), "LANGUAGE_CODE": language, **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"accounts/mail/{kind}_subject.txt", context).split())
        text = render_to_string(f"accounts/mail/{kind}.txt", context)
        try:
            html: str | None = render_to_string(f"accounts/mail/{kind}.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def mail_deliver(*, kind: str, address: str, language: str, context: dict[str, Any]) -> None:
    subject, text, html = mail_render(kind=kind, language=language, context=context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()
