"""Staff operations on the instance's run-time settings (hongshu.core.runtime) and their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hongshu.accounts.auth import current_member, staff_auth
from hongshu.api.notes import NoteOut
from hongshu.core.models import PostureChange
from hongshu.core.runtime import RUNTIME_SETTINGS, runtime_all, runtime_set
from hongshu.core.schemas import PathId
from hongshu.notes import selectors as note_selectors
from hongshu.notes import services as note_services

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


@router.get("/staff/settings", response=list[RuntimeSettingOut], summary="Run-time settings (staff)")
def settings_list(request: HttpRequest) -> list[RuntimeSettingOut]:
    return [_setting_out(key, value) for key, value in runtime_all().items()]


@router.put("/staff/settings/{key}", response=RuntimeSettingOut, summary="Change a run-time setting (staff)")
def setting_change(request: HttpRequest, key: str, payload: RuntimeSettingIn) -> RuntimeSettingOut:
    runtime_set(key=key, value=payload.value, actor_id=current_member(request).pk, reason=payload.reason)
    return _setting_out(key, runtime_all()[key])


@router.get(
    "/staff/posture-changes",
    response=list[PostureChangeOut],
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


@router.post("/staff/held-notes/{note_id}/release", response=NoteOut, summary="Publish a held note (staff)")
def held_note_release(request: HttpRequest, note_id: PathId) -> NoteOut:
    note = note_services.note_release(note_id=note_id, staff=current_member(request))
    return NoteOut.of(note_selectors.access_note(viewer=note.author, note_id=note.pk))


@router.post(
    "/staff/held-notes/{note_id}/reject", response={204: None}, summary="Turn a held note down (staff)"
)
def held_note_reject(request: HttpRequest, note_id: PathId) -> Status[None]:
    note_services.note_reject(note_id=note_id, staff=current_member(request))
    return Status(204, None)
