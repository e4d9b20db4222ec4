from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from hongshu.core.ids import next_id
from hongshu.core.models import SnowflakeModel
from hongshu.core.text import is_storable


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Handles are unique without regard to case, so sign-in accepts any casing. Text PostgreSQL cannot
        # compare (NUL) is no member's handle: authenticate() then fails as for any unknown handle.
        if username is None or not is_storable(username):
            raise self.model.DoesNotExist
        return self.get(handle__iexact=username)

    def create_user(self, handle: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(handle=handle, **fields)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, handle: str, password: str | None = None, **fields: Any) -> User:
        return self.create_user(handle, password, is_staff=True, is_superuser=True, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member. `handle` is the ASCII @name; `display_name` may be in any script."""

    id = models.BigIntegerField(primary_key=True, default=next_id, editable=False)
    handle = models.CharField(max_length=30, unique=True)  # plus the case-insensitive constraint below
    # Limits are enforced in graphemes by the services; columns leave room for long emoji sequences.
    display_name = models.CharField(max_length=400, blank=True)
    bio = models.TextField(blank=True)
    bio_language = models.CharField(max_length=16, blank=True)
    # A display name or bio that screening held: kept here, unseen by others, until a moderator releases it
    # (accounts.services.account_profile_release); the live fields keep what was there before.
    pending_profile = models.JSONField(default=dict, blank=True)
    avatar = models.ForeignKey(
        "media.MediaAsset", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    languages = models.JSONField(default=list, blank=True)
    region = models.CharField(max_length=64, blank=True)
    # Topics a newcomer picked to start their Explore feed (keys of web interest choices).
    interests = models.JSONField(default=list, blank=True)
    # Privacy: a private account approves each follow request; the other two hide lists from others.
    # A Chinese name chosen in the name studio (at most 6 graphemes), shown beside the display name.
    chinese_name = models.CharField(max_length=60, blank=True)
    # Reading preferences: how Chinese text is shown to this member, and whether to translate unasked.
    script = models.CharField(
        max_length=4, default="hans", choices=[("hans", "Simplified"), ("tw", "Taiwan"), ("hk", "Hong Kong")]
    )
    show_pinyin = models.BooleanField(default=False)
    always_translate = models.BooleanField(default=False)
    is_private = models.BooleanField(default=False)
    hide_follow_lists = models.BooleanField(default=False)
    likes_public = models.BooleanField(default=False)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # A moderator's limit on the member: every note of theirs is limited (`NoteQuerySet.discoverable_for`).
    limited = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Optional at sign-up unless the `email_at_sign_up` run-time setting requires it; unique when given
    # (constraint below). Verified when the member followed the link mailed to it.
    email = models.EmailField(max_length=254, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # new (0) -> basic (1) -> member (2) -> trusted (3): caps on writes per level (docs/trust.md).
    trust_level = models.PositiveSmallIntegerField(default=0)
    # Bumped by every change to the public profile shown beside a note (names, avatar, bio, languages,
    # region): part of the key of a cached hydrated note, as `Note.revision` is.
    profile_revision = models.PositiveIntegerField(default=0)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("handle"), name="user_handle_ci_unique"),
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"


class ApiToken(SnowflakeModel):
    """A bearer token for the API. Only a SHA-256 digest is stored; the secret is shown once.

    Changing the password deletes every other token of the member (`account_revoke_credentials`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # None: valid until revoked. An expired token is refused (401 `token_expired`), and listed until deleted.
    expires_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class StaffProfile(models.Model):
    """What a staff member declares: the languages they read (the queues they can work) and whether they are
    on duty now. Its Meta carries the staff permissions that the role groups hold (hongshu.accounts.roles)."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Language codes of hongshu.accounts.roles.STAFF_LANGUAGES: "zh", "en", "other".
    languages = models.JSONField(default=list, blank=True)
    on_duty = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        permissions: ClassVar = [
            ("triage_cases", "Can read, list and claim moderation cases"),
            ("decide_cases", "Can decide and close cases, held content and applications"),
            ("manage_instance", "Can change settings, rules, lexicons, domain rules, roles; read the log"),
        ]

    def __str__(self) -> str:
        return f"staff profile of {self.user_id}"


class Strike(models.Model):
    """A strike against a member for a restriction moderation upheld (`moderation.models.Action`, by id:
    moderation sits above accounts). It weighs the rule's severity, counts until `expires_at` (the
    `strike_expiry_days` setting) unless its action is reverted (`removed_at`), and takes a trust level off
    (`members.trust.strikes_count`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    action_id = models.BigIntegerField(unique=True)
    severity = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "expires_at"], name="strike_user_expiry")]
