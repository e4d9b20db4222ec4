"""Account writes: sign-up, profile, password, tokens (deleting an account is `members.services`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import regex
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.mail import mail_member, mail_verification
from hongshu.accounts.models import ApiToken, User
from hongshu.accounts.reserved import is_reserved_handle
from hongshu.core.errors import Conflict, NotAuthenticated, NotFound, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.metrics import SIGNUPS
from hongshu.core.runtime import runtime_get
from hongshu.core.text import check_length, clean_input, clean_text, refuse_nul
from hongshu.screening.services import announce_held, raise_if_rejected, screen
from hongshu.textlib.codes import readable_language
from hongshu.textlib.detection import detect_language
from hongshu.textlib.names import is_valid_chinese_name

HANDLE_PATTERN = regex.compile(r"^[A-Za-z0-9_]{3,30}$")
DISPLAY_NAME_MAX = 30
BIO_MAX = 200
REGION_MAX = 64
# Code points, beside the limits in graphemes: one grapheme may carry hundreds of combining marks.
# The varchar columns bound them (User.display_name is 400); the bio (text) gets 16 per grapheme.
DISPLAY_NAME_CODE_POINTS = 400
BIO_CODE_POINTS = 16 * BIO_MAX


def _clean_handle(handle: str) -> str:
    refuse_nul(handle, field="handle")
    handle = handle.strip().lstrip("@")
    if not HANDLE_PATTERN.fullmatch(handle):
        raise field_error(
            "handle",
            _("Handles are 3 to 30 characters: English letters, digits and underscores."),
            code="invalid_handle",
        )
    if is_reserved_handle(handle):  # the list and its variants: hongshu.accounts.reserved
        raise field_error("handle", _("This handle is reserved."), code="handle_reserved")
    return handle


def _clean_password(password: str, *, user: User | None = None) -> None:
    """AUTH_PASSWORD_VALIDATORS (settings), with `user` so a password like the handle or name is refused.
    Django's validators' messages come translated in the active language."""
    refuse_nul(password, field="password")
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise field_error("password", " ".join(exc.messages), code="weak_password") from exc


def _clean_display_name(name: str) -> str:
    # Format characters go (a right-to-left override or a zero-width space can make "Hongshu Staff" of
    # something else); emoji ZWJ sequences keep their joiners.
    name = clean_input(name, field="display_name", single_line=True, strip_format=True)
    check_length(
        name,
        field="display_name",
        graphemes=DISPLAY_NAME_MAX,
        code_points=DISPLAY_NAME_CODE_POINTS,
        message=_("Display names are at most 30 characters."),
        code="too_long",
    )
    return name


def _clean_region(region: str) -> str:
    return clean_input(region, field="region", single_line=True)[:REGION_MAX]


def _clean_languages(languages: Sequence[str]) -> list[str]:
    # BCP 47 tags as clients send them (`zh`, `zh-TW`, `en-GB`), stored as the codes the UI offers.
    codes = [readable_language(tag) for tag in languages]
    if None in codes:
        raise field_error("languages", _("Unknown language code."), code="unknown_language")
    return list(dict.fromkeys(code for code in codes if code is not None))


# --- email addresses (issue 22 item 4; the rest of the email features: hongshu.accounts.emails) ---
EMAIL_MAX = 254


def email_clean(email: str) -> str:
    """A valid address with its domain in lower case, or "" for none (422 `invalid_email`)."""
    refuse_nul(email, field="email")
    email = email.strip()
    if not email:
        return ""
    try:
        if len(email) > EMAIL_MAX:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError as exc:
        raise field_error("email", _("Enter a valid email address."), code="invalid_email") from exc
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_check_available(email: str, *, user: User | None = None) -> None:
    """409 `email_taken` if another account has this address (in any case). The message says only what the
    refusal already shows, and points the owner to the way back in."""
    others = User.objects.filter(email__iexact=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise Conflict(_email_taken_message(), code="email_taken")


def _email_taken_message() -> str:
    return str(
        _("This email address cannot be used. If it is yours, sign in or reset your password instead.")
    )


# --- end of email addresses ---


def account_screen_names(*, handle: str, display_name: str = "") -> None:
    """Screen the names a newcomer chose (hongshu.screening), before the sign-up's transaction opens so a
    refusal stays in the event log. A name cannot wait unseen for review before the account exists: a hold
    refuses it too (422 `screening_rejected`)."""
    handle = _clean_handle(handle)
    display_name = _clean_display_name(display_name)
    verdict = screen(
        kind="profile",
        subject=f"sign-up:{handle.lower()}",
        author_id=0,
        fields={"handle": handle, "display_name": display_name if display_name != handle else ""},
    )
    raise_if_rejected(verdict, holds_reject=True)


def account_create(
    *,
    handle: str,
    password: str,
    display_name: str = "",
    languages: Sequence[str] = (),
    region: str = "",
    email: str = "",
) -> User:
    """Create a member. Handles are unique without regard to case; so are addresses, optional unless the
    `email_at_sign_up` run-time setting requires one. A given address is mailed a verification link."""
    handle = _clean_handle(handle)
    display_name = _clean_display_name(display_name) or handle
    email = email_clean(email)
    if not email and runtime_get("email_at_sign_up") == "required":
        raise field_error("email", _("An email address is required to join."), code="email_required")
    user = User(handle=handle, display_name=display_name, languages=_clean_languages(languages), email=email)
    user.region = _clean_region(region)
    _clean_password(password, user=user)
    user.set_password(password)
    if User.objects.filter(handle__iexact=handle).exists():
        raise Conflict(_("This handle is already taken."), code="handle_taken")
    if email:
        email_check_available(email)
    try:
        with transaction.atomic():
            user.save(force_insert=True)
            announce_on_commit("member_changed", user.pk)
            transaction.on_commit(SIGNUPS.inc)
            if email:
                mail_verification(user=user)
    except IntegrityError as exc:  # a concurrent sign-up took it between the check and the insert
        if email and User.objects.filter(email__iexact=email).exists():
            raise Conflict(_email_taken_message(), code="email_taken") from exc
        raise Conflict(_("This handle is already taken."), code="handle_taken") from exc
    return user


def _save_profile(user: User, fields: list[str]) -> None:
    """Save public profile fields and bump `profile_revision` (atomically: two concurrent edits get two
    revisions), so no cached note shows the profile as it was."""
    user.profile_revision = F("profile_revision") + 1
    user.save(update_fields=[*fields, "profile_revision"])
    user.refresh_from_db(fields=["profile_revision"])


def _screen_profile(user: User, texts: dict[str, str]) -> dict[str, str]:
    """Screen a new display name or bio (hongshu.screening): a rejection is raised; what is held is returned
    to be kept pending, unseen by others, while the live profile keeps its previous text."""
    changed = {key: text for key, text in texts.items() if text and text != getattr(user, key)}
    if not changed:
        return {}
    verdict = screen(kind="profile", subject=f"member:{user.pk}", author_id=user.pk, fields=changed)
    raise_if_rejected(verdict)
    if not verdict.held:
        return {}
    announce_held(
        verdict=verdict, subject=f"member:{user.pk}", language=detect_language(" ".join(changed.values()))
    )
    return changed


def account_profile_release(*, user_id: int, approve: bool) -> User | None:
    """A moderator's answer to a held display name or bio: approved, it goes live; refused, it is dropped.
    None when the member has nothing pending."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or not user.pending_profile:
            return None
        pending, fields = user.pending_profile, ["pending_profile"]
        user.pending_profile = {}
        if approve and "display_name" in pending:
            user.display_name = pending["display_name"]
            fields.append("display_name")
            announce_on_commit("member_changed", user.pk)
        if approve and "bio" in pending:
            user.bio, user.bio_language = pending["bio"], detect_language(pending["bio"])
            fields += ["bio", "bio_language"]
        _save_profile(user, fields)
    return user


def account_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    bio: str | None = None,
    languages: Sequence[str] | None = None,
    region: str | None = None,
    avatar: Model | None = None,
) -> User:
    """Change the given profile fields; fields left as None stay as they are.

    `avatar` is a MediaAsset that `media.selectors.media_owned_ready` returned: `members.profile_save`, the one
    caller that sets it, checks it there, because media sits above accounts (the type is the base class for
    the same reason; Django refuses any other model for the foreign key).
    """
    changed: list[str] = []
    texts: dict[str, str] = {}
    if display_name is not None:
        texts["display_name"] = _clean_display_name(display_name) or user.handle
    if bio is not None:
        bio = clean_input(bio, field="bio")
        check_length(
            bio,
            field="bio",
            graphemes=BIO_MAX,
            code_points=BIO_CODE_POINTS,
            message=_("Bios are at most 200 characters."),
            code="too_long",
        )
        texts["bio"] = bio
    held = _screen_profile(user, texts)
    if "display_name" in texts and "display_name" not in held:
        user.display_name = texts["display_name"]
        changed.append("display_name")
    if "bio" in texts and "bio" not in held:
        user.bio, user.bio_language = texts["bio"], detect_language(texts["bio"]) if texts["bio"] else ""
        changed += ["bio", "bio_language"]
    pending = {key: value for key, value in user.pending_profile.items() if key not in texts} | held
    if pending != user.pending_profile:
        user.pending_profile = pending
        changed.append("pending_profile")
    if languages is not None:
        user.languages = _clean_languages(languages)
        changed.append("languages")
    if region is not None:
        user.region = _clean_region(region)
        changed.append("region")
    if avatar is not None:
        user.avatar_id = avatar.pk
        changed.append("avatar")
    if changed:
        _save_profile(user, changed)
        if "display_name" in changed:
            announce_on_commit("member_changed", user.pk)
    return user


def account_change_password(
    *, user: User, current_password: str, new_password: str, keep_token_id: int | None = None
) -> None:
    """Change the password and sign out every other session and token (`account_revoke_credentials`).

    `keep_token_id` is the token that asked, if any; a web caller keeps its session with
    `update_session_auth_hash`.
    """
    if not user.check_password(current_password):
        raise NotAuthenticated(_("The current password is not correct."), code="invalid_credentials")
    _clean_password(new_password, user=user)
    user.set_password(new_password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        account_revoke_credentials(user=user, keep_token_id=keep_token_id)
        mail_member(user=user, kind="password_changed")  # to a verified address only, after commit


def account_revoke_credentials(*, user: User, keep_token_id: int | None = None) -> int:
    """Sign the member out everywhere but the credential that asked; for a password change or reset.

    Tokens: every token but `keep_token_id` is deleted. Sessions: Django signs out, on its next request, any
    session whose stored auth hash (an HMAC of the password hash, `get_session_auth_hash`) no longer matches
    (`django.contrib.auth.get_user`), so call this once the new password is saved. Returns how many tokens went.
    """
    tokens = ApiToken.objects.filter(user=user)
    if keep_token_id is not None:
        tokens = tokens.exclude(pk=keep_token_id)
    return tokens.delete()[0]


TOKEN_MAX_DAYS = 3650
# Writing last_used_at on every request would turn every read into a write; once a minute is plenty.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _token_expiry(*, expires_in_days: int | None, expires_at: datetime | None) -> datetime | None:
    """When a new token expires: in a number of days, at a moment (naive means UTC), or never (None)."""
    if expires_in_days is not None and expires_at is not None:
        raise field_error(
            "expires_at", _("Give an expiry date or a number of days, not both."), code="invalid_expiry"
        )
    now = timezone.now()
    if expires_in_days is not None:
        if not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
            raise field_error(
                "expires_in_days", _("A token lasts between 1 and 3650 days."), code="invalid_expiry"
            )
        return now + timedelta(days=expires_in_days)
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = expires_at.replace(tzinfo=UTC)
        if not now < expires_at <= now + timedelta(days=TOKEN_MAX_DAYS):
            raise field_error(
                "expires_at",
                _("Choose an expiry in the future, at most 10 years away."),
                code="invalid_expiry",
            )
    return expires_at


def token_create(
    *,
    handle: str,
    password: str,
    name: str = "",
    expires_in_days: int | None = None,
    expires_at: datetime | None = None,
    check: Callable[[User], None] | None = None,
) -> tuple[ApiToken, str]:
    """Exchange credentials for a bearer token, valid until revoked or until the expiry asked for (at most
    one of `expires_in_days` and `expires_at`). Returns the row and the secret, which is shown only once.

    `check` runs once the password is right and before the token is issued; it raises to refuse (the API
    passes the second-factor check of hongshu.security, which sits above this app)."""
    expires_at = _token_expiry(expires_in_days=expires_in_days, expires_at=expires_at)  # before the slow hash
    refuse_nul(handle, field="handle")  # PostgreSQL cannot even compare text with NUL: 422, not a 500
    user = authenticate(username=handle.strip().lstrip("@"), password=password)
    if not isinstance(user, User):
        raise NotAuthenticated(_("The handle or password is not correct."), code="invalid_credentials")
    if check is not None:
        check(user)
    return token_issue(user=user, name=name, expires_at=expires_at)


def token_issue(*, user: User, name: str = "", expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    secret = "hs_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=clean_text(name)[:64], digest=ApiToken.digest_of(secret), expires_at=expires_at
    )
    return token, secret


def token_authenticate(*, secret: str) -> ApiToken:
    """The live token with this secret, its member attached; notes its use at most once a minute.

    Raises `NotAuthenticated`: `invalid_token` (unknown, revoked, or its member deactivated) or `token_expired`.
    """
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), user__is_active=True)
        .first()
    )
    if token is None:
        raise NotAuthenticated(_("This token is not valid. Please sign in again."), code="invalid_token")
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(_("This token has expired. Please sign in again."), code="token_expired")
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
    return token


def token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of the member's tokens (404 `token_not_found` if they have none with this ID)."""
    if not ApiToken.objects.filter(user=user, pk=token_id).delete()[0]:
        raise NotFound(_("You have no token with this ID."), code="token_not_found")


def account_write_privacy(
    *, user: User, is_private: bool | None, hide_follow_lists: bool | None, likes_public: bool | None
) -> User:
    """Write the privacy fields of the member row; None leaves a field as it is. Only the row: what a switch
    means for pending follow requests is the graph's (`social.services.account_set_privacy`, the caller)."""
    changed: list[str] = []
    for field, value in (
        ("is_private", is_private),
        ("hide_follow_lists", hide_follow_lists),
        ("likes_public", likes_public),
    ):
        if value is not None and getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    return user


def member_set_always_translate(*, member: User, enabled: bool) -> User:
    """The reader's "always translate" preference (note pages then load the translation at once)."""
    member.always_translate = enabled
    member.save(update_fields=["always_translate"])
    return member


def account_set_interests(*, user: User, interests: Sequence[str]) -> User:
    """Keep the known interest keys, in the catalogue's order."""
    from hongshu.accounts.interests import INTERESTS

    chosen = set(interests)
    user.interests = [key for key, _label in INTERESTS if key in chosen]
    user.save(update_fields=["interests"])
    return user


def member_set_chinese_name(*, member: User, name: str) -> User:
    """Set (or clear, with "") the Chinese name shown beside the display name; search re-indexes it."""
    name = clean_input(name, field="chinese_name").replace(" ", "")
    if name and not is_valid_chinese_name(name):
        raise field_error(
            "chinese_name",
            _("A Chinese name is 1 to 6 Chinese characters. / 中文名须为 1 至 6 个汉字。"),
            code="invalid_chinese_name",
        )
    member.chinese_name = name
    _save_profile(member, ["chinese_name"])
    announce_on_commit("member_changed", member.pk)
    return member


READING_SCRIPTS = ("hans", "tw", "hk")


def member_set_reading(*, member: User, script: str, show_pinyin: bool) -> User:
    """How Chinese text is shown to this member: Simplified or Traditional (Taiwan / Hong Kong), pinyin on/off."""
    if script not in READING_SCRIPTS:
        raise field_error("script", _("Choose Simplified, Taiwan or Hong Kong."), code="invalid_script")
    member.script, member.show_pinyin = script, show_pinyin
    member.save(update_fields=["script", "show_pinyin"])
    return member
