"""Staff roles: triage < moderator < admin, as Django groups holding the staff permissions of StaffProfile.

Every staff operation names the lowest role it needs (`require_role`); the API's `triage_auth`,
`moderator_auth` and `admin_auth` and the web pages' `require_role` call it. A superuser, and a staff member
(`is_staff`) in no role group, count as admin: that was what `is_staff` meant before the roles existed, so the
first admin of an instance (`createsuperuser`) can hand out the others.
"""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import StaffProfile, User
from hongshu.core.audit import audit_append
from hongshu.core.errors import Forbidden, InvalidInput

Role = Literal["triage", "moderator", "admin"]
ROLES: tuple[Role, ...] = ("triage", "moderator", "admin")  # lowest first
RANK = {role: rank for rank, role in enumerate(ROLES)}
# The permissions each role's group holds (created by accounts migration 0010); a role holds its lower ones'.
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    "triage": ("triage_cases",),
    "moderator": ("triage_cases", "decide_cases"),
    "admin": ("triage_cases", "decide_cases", "manage_instance"),
}
ROLE_LABELS = {"triage": _("triage"), "moderator": _("moderator"), "admin": _("admin")}
STAFF_LANGUAGES = ("zh", "en", "other")

_CACHE = "_hongshu_role"


def role_of(user: Any) -> Role | None:
    """The role of a user, or None for members and visitors. Cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if hasattr(user, _CACHE):
        return getattr(user, _CACHE)  # type: ignore[no-any-return]
    role: Role | None
    if user.is_superuser:
        role = "admin"
    else:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        held = [r for r in ROLES if r in names]
        if not user.is_staff:
            role = None
        elif held:
            role = held[-1]
        else:
            role = "admin"
    setattr(user, _CACHE, role)
    return role


def has_role(user: Any, role: Role) -> bool:
    held = role_of(user)
    return held is not None and RANK[held] >= RANK[role]


def require_role(user: Any, role: Role) -> None:
    """403 `not_staff` for a member, 403 `role_required` for staff whose role is below `role`."""
    held = role_of(user)
    if held is None:
        raise Forbidden(_("Only staff can do this."), code="not_staff")
    if RANK[held] < RANK[role]:
        raise Forbidden(
            _("This needs the %(role)s role; yours is %(held)s.")
            % {"role": ROLE_LABELS[role], "held": ROLE_LABELS[held]},
            code="role_required",
            extra={"role": role, "held": held},
        )


def _forget(user: User) -> None:
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def _group(role: Role) -> Group:
    # Migration 0010 creates the groups; a flushed database (transactional tests) gets them back here.
    group, created = Group.objects.get_or_create(name=role)
    if created:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="accounts", codename__in=ROLE_PERMISSIONS[role]
            )
        )
    return group


def role_grant(*, actor: User, member: User, role: str) -> User:
    """Give `member` exactly `role` (replacing any other) and make them staff. Admins only; audited."""
    require_role(actor, "admin")
    if role not in ROLES:
        raise InvalidInput(_("Unknown role."), code="invalid_role")
    with transaction.atomic():
        before = role_of(member) if member.is_staff or member.is_superuser else None
        member.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name=role))
        member.groups.add(_group(role))
        if not member.is_staff:
            member.is_staff = True
            member.save(update_fields=["is_staff"])
        StaffProfile.objects.get_or_create(user=member)
        _forget(member)
        audit_append(
            kind="staff.role",
            subject=f"member:{member.pk}",
            actor_id=actor.pk,
            data={"action": "grant", "role": role, "before": before},
        )
    return member


def role_revoke(*, actor: User, member: User) -> User:
    """Take every staff role from `member` (no longer staff). Admins only; audited. A superuser stays admin."""
    require_role(actor, "admin")
    with transaction.atomic():
        before = role_of(member)
        member.groups.remove(*Group.objects.filter(name__in=ROLES))
        if member.is_staff:
            member.is_staff = False
            member.save(update_fields=["is_staff"])
        StaffProfile.objects.filter(user=member).update(on_duty=False, updated_at=timezone.now())
        _forget(member)
        audit_append(
            kind="staff.role",
            subject=f"member:{member.pk}",
            actor_id=actor.pk,
            data={"action": "revoke", "before": before},
        )
    return member


def staff_profile_of(*, staff: User) -> StaffProfile:
    """The staff member's profile (unsaved defaults when they never declared anything: a GET writes nothing)."""
    require_role(staff, "triage")
    return StaffProfile.objects.filter(user=staff).first() or StaffProfile(user=staff)


def staff_profile_update(
    *, staff: User, languages: list[str] | None = None, on_duty: bool | None = None
) -> StaffProfile:
    """Declare the languages read (a subset of STAFF_LANGUAGES) and/or whether on duty."""
    require_role(staff, "triage")
    profile = StaffProfile.objects.filter(user=staff).first() or StaffProfile(user=staff)
    if languages is not None:
        unknown = [code for code in languages if code not in STAFF_LANGUAGES]
        if unknown:
            raise InvalidInput(
                _("Languages must be among: zh, en, other."),
                code="invalid_languages",
                extra={"errors": [{"field": "languages", "unknown": unknown}]},
            )
        profile.languages = [code for code in STAFF_LANGUAGES if code in languages]
    if on_duty is not None:
        profile.on_duty = on_duty
    profile.updated_at = timezone.now()
    profile.save()
    return profile
