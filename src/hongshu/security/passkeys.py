"""Passkeys: WebAuthn registration and authentication ceremonies, all checks done by py_webauthn.

The adapter keeps the challenge in the server-side session between the options and the verify request;
`rp_id` is the host the member sees (WebAuthn refuses IP addresses) and `origin` the page's scheme and host.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from hongshu.accounts.models import User
from hongshu.core.errors import InvalidInput, NotAuthenticated, NotFound
from hongshu.core.text import clean_text
from hongshu.security.models import Passkey

RP_NAME = "Hongshu"
MAX_PASSKEYS = 20


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    ids = Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(cid)) for cid in ids]


def passkey_registration_options(*, user: User, rp_id: str) -> tuple[str, str]:
    """Options for `navigator.credentials.create` (JSON) and the challenge (base64url) to keep."""
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.handle,
        user_display_name=user.display_name or user.handle,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def passkey_register(
    *, user: User, credential: dict[str, Any], challenge: str, rp_id: str, origin: str, name: str = ""
) -> Passkey:
    """Verify the browser's attestation against the kept challenge and store the new passkey."""
    if Passkey.objects.filter(user=user).count() >= MAX_PASSKEYS:
        raise InvalidInput(_("You have too many passkeys. Delete one first."), code="too_many_passkeys")
    try:
        verified = verify_registration_response(
            credential=json.dumps(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(_("The passkey could not be registered."), code="invalid_passkey") from exc
    return Passkey.objects.create(
        user=user,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=clean_text(name)[:64] or str(_("Passkey")),
    )


def passkey_authentication_options(*, user: User, rp_id: str) -> tuple[str, str]:
    """Options for `navigator.credentials.get` for this member's passkeys, and the challenge to keep."""
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def passkey_authenticate(
    *, user: User, credential: dict[str, Any], challenge: str, rp_id: str, origin: str
) -> Passkey:
    """Verify an assertion by one of the member's passkeys; raises `invalid_second_factor`."""
    refused = NotAuthenticated(_("The passkey was not accepted."), code="invalid_second_factor")
    passkey = Passkey.objects.filter(user=user, credential_id=str(credential.get("id", ""))).first()
    if passkey is None:
        raise refused
    _verify_assertion(
        passkey, credential=credential, challenge=challenge, rp_id=rp_id, origin=origin, refused=refused
    )
    return passkey


def _verify_assertion(
    passkey: Passkey,
    *,
    credential: dict[str, Any],
    challenge: str,
    rp_id: str,
    origin: str,
    refused: NotAuthenticated,
    user_verified: bool = False,
) -> None:
    """py_webauthn's check of an assertion by `passkey` (raises `refused`), then its new sign count saved."""
    try:
        verified = verify_authentication_response(
            credential=json.dumps(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=user_verified,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])


def passkeys_of(*, user: User) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user).order_by("-id"))


def passkey_delete(*, user: User, passkey_id: int) -> None:
    if not Passkey.objects.filter(user=user, pk=passkey_id).delete()[0]:
        raise NotFound(_("You have no passkey with this ID."), code="passkey_not_found")


def passkey_sign_in_options(*, rp_id: str) -> tuple[str, str]:
    """Options for a passwordless sign-in: no account named, the browser offers the site's discoverable
    passkeys; user verification (PIN, fingerprint) is required, so the passkey is both factors."""
    options = generate_authentication_options(
        rp_id=rp_id, allow_credentials=[], user_verification=UserVerificationRequirement.REQUIRED
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def passkey_sign_in(*, credential: dict[str, Any], challenge: str, rp_id: str, origin: str) -> User:
    """The active member whose passkey signed this assertion, with the user verified; else 401
    `invalid_passkey`."""
    refused = NotAuthenticated(_("The passkey was not accepted."), code="invalid_passkey")
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=str(credential.get("id", "")), user__is_active=True)
        .first()
    )
    if passkey is None:
        raise refused
    _verify_assertion(
        passkey,
        credential=credential,
        challenge=challenge,
        rp_id=rp_id,
        origin=origin,
        refused=refused,
        user_verified=True,
    )
    return passkey.user
