"""Staff operations on the instance's run-time settings (hongshu.core.runtime) and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts import roles
from hongshu.accounts.auth import admin_auth, current_member, moderator_auth, staff_auth
from hongshu.accounts.models import StaffProfile, User
from hongshu.api.notes import NoteOut
from hongshu.core.errors import NotFound
from hongshu.core.models import PostureChange
from hongshu.core.runtime import RUNTIME_SETTINGS, runtime_all, runtime_set
from hongshu.core.schemas import PathId
from hongshu.notes import selectors as note_selectors
from hongshu.notes import services as note_services

# Any staff role by default; the operations that need more say so (hongshu.accounts.roles).
router = Router(tags=["staff"], auth=staff_auth)


class RuntimeSettingOut(Schema):
    key: str
    value: Any
    default: Any
    choices: list[Any] | None
    description: str


class RuntimeSettingIn(Schema):
    value: Any
    reason: str = Field(default="", max_length=2000, description="why: kept with the change")


class ChangesIn(Schema):
    limit: int = Field(default=50, ge=1, le=200)


class PostureChangeOut(Schema):
    id: str
    key: str
    old_value: Any
    new_value: Any
    actor_id: str | None = Field(description="the staff member who changed it; null when automatic")
    automatic: bool
    reason: str
    at: datetime

    @classmethod
    def of(cls, change: PostureChange) -> PostureChangeOut:
        return cls(
            id=str(change.pk),
            key=change.key,
            old_value=change.old_value,
            new_value=change.new_value,
            actor_id=None if change.actor_id is None else str(change.actor_id),
            automatic=change.automatic,
            reason=change.reason,
            at=change.at,
        )


def _setting_out(key: str, value: Any) -> RuntimeSettingOut:
    setting = RUNTIME_SETTINGS[key]
    choices = None if setting.choices is None else list(setting.choices)
    return RuntimeSettingOut(
        key=key, value=value, default=setting.default, choices=choices, description=setting.description
    )


@router.get(
    "/staff/settings", response=list[RuntimeSettingOut], auth=admin_auth, summary="Run-time settings (staff)"
)
def settings_list(request: HttpRequest) -> list[RuntimeSettingOut]:
    return [_setting_out(key, value) for key, value in runtime_all().items()]


@router.put(
    "/staff/settings/{key}",
    response=RuntimeSettingOut,
    auth=admin_auth,
    summary="Change a run-time setting (staff)",
)
def setting_change(request: HttpRequest, key: str, payload: RuntimeSettingIn) -> RuntimeSettingOut:
    runtime_set(key=key, value=payload.value, actor_id=current_member(request).pk, reason=payload.reason)
    return _setting_out(key, runtime_all()[key])


@router.get(
    "/staff/posture-changes",
    response=list[PostureChangeOut],
    auth=admin_auth,
    summary="The latest changes of run-time settings, newest first (staff)",
)
def posture_changes(request: HttpRequest, page: Query[ChangesIn]) -> list[PostureChangeOut]:
    return [PostureChangeOut.of(change) for change in PostureChange.objects.order_by("-id")[: page.limit]]


@router.get(
    "/staff/held-notes",
    response=list[NoteOut],
    summary="Notes waiting for review, oldest first (staff): new accounts' first notes while they are held",
)
def held_notes(request: HttpRequest) -> list[NoteOut]:
    return [NoteOut.of(note) for note in note_selectors.notes_held_for_review(staff=current_member(request))]


@router.post(
    "/staff/held-notes/{note_id}/release",
    response=NoteOut,
    auth=moderator_auth,
    summary="Publish a held note (staff)",
)
def held_note_release(request: HttpRequest, note_id: PathId) -> NoteOut:
    note = note_services.note_release(note_id=note_id, staff=current_member(request))
    return NoteOut.of(note_selectors.access_note(viewer=note.author, note_id=note.pk))


@router.post(
    "/staff/held-notes/{note_id}/reject",
    response={204: None},
    auth=moderator_auth,
    summary="Turn a held note down (staff)",
)
def held_note_reject(request: HttpRequest, note_id: PathId) -> Status[None]:
    note_services.note_reject(note_id=note_id, staff=current_member(request))
    return Status(204, None)


class StaffMeOut(Schema):
    handle: str
    role: str = Field(description="triage, moderator or admin")
    languages: list[str] = Field(description="the languages this staff member reads: zh, en, other")
    on_duty: bool

    @classmethod
    def of(cls, profile: StaffProfile) -> StaffMeOut:
        return cls(
            handle=profile.user.handle,
            role=roles.role_of(profile.user) or "",
            languages=list(profile.languages),
            on_duty=profile.on_duty,
        )


class StaffMeIn(Schema):
    languages: list[str] | None = Field(default=None, max_length=3, description="a subset of zh, en, other")
    on_duty: bool | None = None


@router.get(
    "/staff/me", response=StaffMeOut, summary="Your role, the languages you read, whether on duty (staff)"
)
def staff_me(request: HttpRequest) -> StaffMeOut:
    return StaffMeOut.of(roles.staff_profile_of(staff=current_member(request)))


@router.patch(
    "/staff/me", response=StaffMeOut, summary="Declare the languages you read, go on or off duty (staff)"
)
def staff_me_update(request: HttpRequest, payload: StaffMeIn) -> StaffMeOut:
    profile = roles.staff_profile_update(
        staff=current_member(request), languages=payload.languages, on_duty=payload.on_duty
    )
    return StaffMeOut.of(profile)


class RoleIn(Schema):
    role: Literal["triage", "moderator", "admin"]


class RoleOut(Schema):
    handle: str
    role: str | None = Field(description="triage, moderator, admin, or null when not staff")


def _member(handle: str) -> User:
    member = User.objects.filter(handle__iexact=handle).first()
    if member is None:
        raise NotFound(code="member_not_found")
    return member


@router.put(
    "/staff/roles/{handle}", response=RoleOut, auth=admin_auth, summary="Give a member a staff role (admin)"
)
def role_grant(request: HttpRequest, handle: str, payload: RoleIn) -> RoleOut:
    member = roles.role_grant(actor=current_member(request), member=_member(handle), role=payload.role)
    return RoleOut(handle=member.handle, role=roles.role_of(member))


@router.delete(
    "/staff/roles/{handle}",
    response=RoleOut,
    auth=admin_auth,
    summary="Take a member's staff role away (admin)",
)
def role_revoke(request: HttpRequest, handle: str) -> RoleOut:
    member = roles.role_revoke(actor=current_member(request), member=_member(handle))
    return RoleOut(handle=member.handle, role=roles.role_of(member))
