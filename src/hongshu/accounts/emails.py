"""Email services: changing and verifying an address, password reset by email, sign-in notices.

Mail itself is `hongshu.accounts.mail` (after commit, in the member's language).

Password reset: Django's `PasswordResetTokenGenerator` (an HMAC of the member's ID, password hash, last
sign-in and a timestamp), so a link works once (the new password changes the hash) and for
`PASSWORD_RESET_TIMEOUT` seconds. Only a *verified* address receives a reset link: an address nobody proved
could belong to someone else, who would then take the account (Mastodon mails the account's address; we are
stricter). Asking answers the same whatever matched (`password_reset_request` returns nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.mail import mail_member, mail_verification
from hongshu.accounts.models import User
from hongshu.accounts.services import (
    _clean_password,
    _email_taken_message,
    account_revoke_credentials,
    email_check_available,
    email_clean,
)
from hongshu.accounts.verification import verification_token_read
from hongshu.core.errors import Conflict, NotAuthenticated, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.text import refuse_nul

_USER_AGENT_MAX = 300
# The answer to every reset request, matched or not.
PASSWORD_RESET_SENT = _(
    "If an account with a verified email address matches, a link to reset its password is on its way. "
    "Check your mail."
)


def email_change(*, user: User, email: str, password: str) -> User:
    """Set a new address (the password confirms it): it is unverified until its link is opened, the old
    verified address, if any, is told, and the new one is mailed a verification link."""
    if not user.check_password(password):
        raise NotAuthenticated(_("The password is not correct."), code="invalid_credentials")
    email = email_clean(email)
    if not email:
        raise field_error("email", _("Enter an email address."), code="email_required")
    if email.lower() == user.email.lower() and user.email_verified_at is not None:
        return user  # nothing changes
    email_check_available(email, user=user)
    old_address, old_verified = user.email, user.email_verified_at is not None
    with transaction.atomic():
        user.email, user.email_verified_at = email, None
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_verified_at"])
                announce_on_commit("email_changed", user.pk)
        except IntegrityError as exc:  # the unique constraint: a concurrent change took it
            raise Conflict(_email_taken_message(), code="email_taken") from exc
        if old_address and old_verified and old_address.lower() != email.lower():
            mail_member(user=user, kind="email_changed", to=old_address, verified_only=False)
        mail_verification(user=user)
    return user


def email_verify(*, token: str, user: User | None = None) -> User:
    """Mark the address a verification link names as verified.

    `user` is the signed-in member, if any: a link for another account is refused (`wrong_account`). A link
    for an address the member no longer has is refused (`email_changed`), an old one `link_expired`.
    """
    try:
        found = verification_token_read(token)
    except signing.SignatureExpired as exc:
        raise field_error(
            "token", _("This link has expired. Ask for a new one in your settings."), code="link_expired"
        ) from exc
    if found is None:
        raise field_error("token", _("This link is not valid."), code="invalid_link")
    user_id, email = found
    if user is not None and user.pk != user_id:
        raise field_error(
            "token",
            _("This link is for another account. Sign out, then open it again."),
            code="wrong_account",
        )
    member = User.objects.filter(pk=user_id, is_active=True).first()
    if member is None:
        raise field_error("token", _("This link is not valid."), code="invalid_link")
    if member.email.lower() != email:
        raise field_error(
            "token", _("This link is for an address your account no longer has."), code="email_changed"
        )
    if member.email_verified_at is None:
        member.email_verified_at = timezone.now()
        with transaction.atomic():
            member.save(update_fields=["email_verified_at"])
            announce_on_commit("email_changed", member.pk)  # a verified address counts towards trust
    return member


def email_verification_resend(*, user: User) -> None:
    """Mail the member's unverified address its link again (the caller rate-limits)."""
    if not user.email:
        raise field_error("email", _("Add an email address first."), code="no_email")
    if user.email_verified_at is not None:
        raise Conflict(_("Your email address is already verified."), code="already_verified")
    mail_verification(user=user)


def _reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"{settings.HONGSHU.site_url.rstrip('/')}/password-reset/{uid}/{token}"


def password_reset_request(*, login: str) -> None:
    """Mail a reset link if `login` (a handle, @handle or address) names an active account with a verified
    address. Returns nothing and raises nothing for an unknown login: the caller answers the same either way."""
    refuse_nul(login, field="login")
    login = login.strip().lstrip("@")
    if not login:
        return
    members = User.objects.filter(is_active=True)
    if "@" in login:
        user = members.filter(email__iexact=login).first()
    else:
        user = members.filter(handle__iexact=login).first()
    if user is None or not user.email or user.email_verified_at is None:
        return
    minutes = str(settings.PASSWORD_RESET_TIMEOUT // 60)
    mail_member(user=user, kind="password_reset", context={"link": _reset_link(user), "minutes": minutes})


def _invalid_reset_link() -> Exception:
    return field_error(
        "token",
        _("This password-reset link has expired or has already been used. Please ask for a new one."),
        code="reset_link_invalid",
    )


def password_reset_user(*, uid: str, token: str) -> User:
    """The member a reset link is for, if it still works (422 `reset_link_invalid` otherwise)."""
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError) as exc:
        raise _invalid_reset_link() from exc
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or len(token) > 100 or not default_token_generator.check_token(user, token):
        raise _invalid_reset_link()
    return user


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session, API token and known device of the member is
    signed out or forgotten, and the link stops working (both bind the password hash). The address is told."""
    user = password_reset_user(uid=uid, token=token)
    _clean_password(new_password, user=user)
    user.set_password(new_password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        account_revoke_credentials(user=user)
        mail_member(user=user, kind="password_changed")
    return user


def sign_in_notice(*, user: User, ip: str | None, user_agent: str) -> bool:
    """Tell the member's verified address about a sign-in from a device never seen signing in to this
    account (the caller knows: `devices.device_for_sign_in` gave None)."""
    context = {
        "when": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
        "ip": ip or "?",
        "agent": " ".join(user_agent.split())[:_USER_AGENT_MAX] or "?",
    }
    return mail_member(user=user, kind="new_sign_in", context=context)
