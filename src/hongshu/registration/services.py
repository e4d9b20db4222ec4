"""Registration writes: signing up under the current mode, deciding applications, invites.

The mode comes from `hongshu.registration.registration_mode_for`, asked by the adapters once per sign-up.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hongshu.accounts.models import User
from hongshu.accounts.services import account_create, account_screen_names
from hongshu.accounts.trust import invites_cap
from hongshu.core.errors import Forbidden, InvalidInput, NotFound, ProblemError, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.jobs import effect_done, effect_record, enqueue_on_commit
from hongshu.core.text import check_length, clean_input, is_storable
from hongshu.registration.models import Application, Invite
from hongshu.textlib.detection import detect_language

REASON_MAX = 1000
NOTE_MAX = 1000
INVITE_MAX_USES = 100
INVITE_MAX_DAYS = 30


@dataclass(frozen=True)
class SignUpResult:
    user: User
    application: Application | None  # set when the account waits for an admin's approval


def _clean_reason(reason: str) -> str:
    reason = clean_input(reason, field="reason")
    if not reason:
        raise field_error("reason", _("Tell us why you are joining."), code="reason_required")
    check_length(
        reason,
        field="reason",
        graphemes=REASON_MAX,
        code_points=16 * REASON_MAX,
        message=_("Keep it to 1000 characters or fewer."),
        code="too_long",
    )
    return reason


def _invite_refusal(invite: Invite | None) -> InvalidInput | None:
    """Why this invite cannot let anyone in now, as an error in the reader's language; None if it can."""
    if invite is None:
        message, code = _("This invite link is not valid. Check that you copied all of it."), "invite_invalid"
    elif invite.revoked_at is not None:
        message, code = _("This invite was withdrawn by the member who made it."), "invite_revoked"
    elif invite.expires_at <= timezone.now():
        message, code = _("This invite has expired. Ask for a new one."), "invite_expired"
    elif invite.uses >= invite.max_uses:
        message, code = _("This invite has been used as many times as it allows."), "invite_used_up"
    else:
        return None
    return field_error("invite_code", message, code=code)


def invite_check(*, code: str) -> Invite:
    """The invite with this code if it can still let someone in; otherwise the reason, as InvalidInput."""
    code = code.strip()
    # Codes are URL-safe ASCII; anything else (NUL, which PostgreSQL cannot compare) matches no invite.
    invite = (
        Invite.objects.filter(code=code).first() if code and code.isascii() and is_storable(code) else None
    )
    refusal = _invite_refusal(invite)
    if refusal is not None:
        raise refusal
    assert invite is not None
    return invite


def _invite_use(*, invite: Invite) -> None:
    """Count one use, atomically: the conditional UPDATE lets no more than `max_uses` sign-ups through, however
    many race for the last use (the row lock of each UPDATE orders them; the losers match no row)."""
    used = Invite.objects.filter(
        pk=invite.pk, uses__lt=F("max_uses"), revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).update(uses=F("uses") + 1)
    if not used:
        raise _invite_refusal(Invite.objects.filter(pk=invite.pk).first()) or field_error(
            "invite_code", _("This invite has been used as many times as it allows."), code="invite_used_up"
        )


def registration_sign_up(
    *,
    mode: str,
    handle: str,
    password: str,
    language: str,
    display_name: str = "",
    languages: Sequence[str] = (),
    region: str = "",
    reason: str = "",
    invite_code: str = "",
    **account_fields: Any,
) -> SignUpResult:
    """Sign up under `mode` (from `registration_mode_for`).

    - closed: nobody joins (403 `registration_closed`), not even with an invite;
    - invite: a valid `invite_code` is required; it is used once the account exists, in one transaction;
    - approval: a `reason` is required, the account is created inactive with a pending Application; a valid
      invite skips the review (the member who made it vouches for the newcomer);
    - open: anyone joins; an invite given is checked and counted all the same.

    `language` is the interface language the applicant reads (told the outcome in it).
    """
    if mode == "closed":
        raise Forbidden(_("Hongshu is not accepting new members right now."), code="registration_closed")
    invite = None
    if invite_code.strip() or mode == "invite":
        if not invite_code.strip():
            raise field_error(
                "invite_code", _("Joining needs an invite from a member right now."), code="invite_required"
            )
        invite = invite_check(code=invite_code)
    needs_review = mode == "approval" and invite is None
    clean_reason = _clean_reason(reason) if needs_review else ""
    account_screen_names(handle=handle, display_name=display_name)
    with transaction.atomic():
        user = account_create(
            handle=handle,
            password=password,
            display_name=display_name,
            languages=languages,
            region=region,
            **account_fields,
        )
        if invite is not None:
            _invite_use(invite=invite)
        application = None
        if needs_review:
            user.is_active = False
            user.save(update_fields=["is_active"])
            application = Application.objects.create(
                user=user,
                reason=clean_reason,
                reason_language=detect_language(clean_reason),
                language=language[:16],
            )
    return SignUpResult(user=user, application=application)


def _decide(*, application_id: int, actor: User, status: str, note: str) -> Application:
    note = clean_input(note, field="note")
    check_length(
        note,
        field="note",
        graphemes=NOTE_MAX,
        code_points=16 * NOTE_MAX,
        message=_("Keep it to 1000 characters or fewer."),
        code="too_long",
    )
    with transaction.atomic():
        application = (
            Application.objects.select_for_update().select_related("user").filter(pk=application_id).first()
        )
        if application is None:
            raise NotFound(_("There is no such application."), code="application_not_found")
        if application.status != Application.Status.PENDING:
            raise InvalidInput(_("This application was already decided."), code="application_decided")
        application.status, application.note = status, note
        application.decided_at, application.decided_by = timezone.now(), actor
        application.save(update_fields=["status", "note", "decided_at", "decided_by"])
        if status == Application.Status.APPROVED:
            application.user.is_active = True
            application.user.save(update_fields=["is_active"])
            announce_on_commit("member_changed", application.user.pk)  # search can list them now
        from hongshu.registration.tasks import application_outcome_mail_task

        enqueue_on_commit(application_outcome_mail_task, str(application.pk))
    return application


def application_approve(*, application_id: int, actor: User, note: str = "") -> Application:
    """Let the applicant in (their account becomes active) and tell them, by email if they gave one."""
    return _decide(application_id=application_id, actor=actor, status=Application.Status.APPROVED, note=note)


def application_reject(*, application_id: int, actor: User, note: str = "") -> Application:
    """Turn the application down: the account stays inactive, and the applicant sees `note` on signing in."""
    return _decide(application_id=application_id, actor=actor, status=Application.Status.REJECTED, note=note)


def application_outcome_mail(*, application_id: int) -> bool:
    """Mail the applicant the decision in the language they applied in; False when they gave no email."""
    from django.core.mail import send_mail
    from django.utils import translation

    application = Application.objects.select_related("user").filter(pk=application_id).first()
    if application is None or not application.user.email or application.status == Application.Status.PENDING:
        return False
    once = f"application-outcome:{application.pk}:{application.status}"  # a second delivery sends nothing
    if effect_done(once):
        return False
    with translation.override(application.language):
        if application.status == Application.Status.APPROVED:
            subject = str(_("Welcome to Hongshu: your application was approved"))
            body = str(_("Hello @%(handle)s, your application was approved. You can sign in now.")) % {
                "handle": application.user.handle
            }
        else:
            subject = str(_("Your Hongshu application was not approved"))
            body = str(_("Hello @%(handle)s, your application to join Hongshu was not approved.")) % {
                "handle": application.user.handle
            }
        if application.note:
            body += "\n\n" + str(_("Note from the reviewer: %(note)s")) % {"note": application.note}
    send_mail(subject, body, None, [application.user.email])
    effect_record(once)
    return True


def application_sign_in_refusal(*, handle: str, password: str) -> ProblemError | None:
    """Why an applicant with the right password cannot sign in yet (pending or rejected), or None.

    Django's ModelBackend refuses inactive accounts before looking at the password, so this checks it here:
    only someone who knows the password learns that the application exists. None for anyone else.
    """
    handle = handle.strip().lstrip("@")
    if not handle or not is_storable(handle):
        return None
    user = User.objects.filter(handle__iexact=handle, is_active=False).first()
    if user is None:
        return None
    application = Application.objects.filter(user=user).first()
    if application is None or application.status == Application.Status.APPROVED:
        return None
    if not user.check_password(password):
        return None
    if application.status == Application.Status.PENDING:
        return Forbidden(
            _("Your application is waiting for review. We will let you know when an admin has decided."),
            code="application_pending",
        )
    message = str(_("Your application to join Hongshu was not approved."))
    if application.note:
        message += " " + str(_("Note from the reviewer: %(note)s")) % {"note": application.note}
    return Forbidden(message, code="application_rejected", extra={"note": application.note})


def invite_can_create(*, member: User) -> bool:
    return member.is_staff or invites_cap(member.trust_level) > 0


def invite_create(*, member: User, max_uses: int = 1, expires_in_days: int = 7) -> Invite:
    """A new invite link from `member`: staff, or a member whose trust level allows invites
    (`HONGSHU_TRUST_INVITES`: how many may be outstanding at each level; 0 means none)."""
    if not invite_can_create(member=member):
        raise Forbidden(_("Your account cannot make invites yet."), code="invite_not_allowed")
    if not 1 <= max_uses <= INVITE_MAX_USES:
        raise field_error("max_uses", _("An invite lets 1 to 100 people join."), code="invalid_max_uses")
    if not 1 <= expires_in_days <= INVITE_MAX_DAYS:
        raise field_error(
            "expires_in_days", _("An invite lasts between 1 and 30 days."), code="invalid_expiry"
        )
    cap = invites_cap(member.trust_level)
    outstanding = Invite.objects.filter(
        created_by=member, revoked_at__isnull=True, expires_at__gt=timezone.now(), uses__lt=F("max_uses")
    ).count()
    if not member.is_staff and outstanding >= cap:
        raise Forbidden(
            ngettext(
                "You have %(n)d invite waiting to be used, as many as your account may have. Revoke one or "
                "wait until it is used or expires.",
                "You have %(n)d invites waiting to be used, as many as your account may have. Revoke one or "
                "wait until one is used or expires.",
                outstanding,
            )
            % {"n": outstanding},
            code="invites_cap_reached",
        )
    return Invite.objects.create(
        code=secrets.token_urlsafe(12),
        created_by=member,
        max_uses=max_uses,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )


def invite_revoke(*, member: User, invite_id: int) -> Invite:
    """Withdraw one of `member`'s invites (staff may withdraw anyone's); revoking twice changes nothing."""
    invites = Invite.objects.all() if member.is_staff else Invite.objects.filter(created_by=member)
    invite = invites.filter(pk=invite_id).first()
    if invite is None:
        raise NotFound(_("There is no such invite."), code="invite_not_found")
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
    return invite
