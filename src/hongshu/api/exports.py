"""A member's data export: ask for one, see where it stands, download the zip (the member alone)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from hongshu.accounts.auth import current_member, member_auth
from hongshu.core.schemas import PathId
from hongshu.members import export as exports
from hongshu.members.models import DataExport

router = Router(tags=["accounts"])

_ZIP = {
    "responses": {
        200: {
            "description": "The export as a zip archive",
            # No schema: a zip is bytes, which JSON Schema cannot describe (`format: binary` is OpenAPI 3.0's
            # spelling, and validators reading it as a string refuse bytes).
            "content": {"application/zip": {}},
        }
    }
}


class ExportOut(Schema):
    id: str
    state: Literal["pending", "ready", "failed", "expired"]
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    size_bytes: int
    download_url: str | None  # only while ready: GET it with the same credentials


def _out(export: DataExport) -> ExportOut:
    ready = export.state == DataExport.State.READY
    return ExportOut(
        id=str(export.pk),
        state=export.state,  # type: ignore[arg-type]
        created_at=export.created_at,
        finished_at=export.finished_at,
        expires_at=export.expires_at,
        size_bytes=export.size_bytes,
        download_url=reverse("api-v1:accounts_export_file", args=[str(export.pk)]) if ready else None,
    )


@router.post("/me/export", response={202: ExportOut}, auth=member_auth, summary="Ask for a data export")
def export_request(request: HttpRequest) -> Status[ExportOut]:
    return Status(202, _out(exports.export_request(member=current_member(request))))


@router.get("/me/export", response=ExportOut, auth=member_auth, summary="My latest data export")
def export_status(request: HttpRequest) -> ExportOut:
    export = exports.export_latest(member=current_member(request))
    if export is None:
        raise exports.export_not_found()
    return _out(export)


@router.get(
    "/me/export/{export_id}/file",
    auth=member_auth,
    summary="Download a data export",
    url_name="accounts_export_file",
    openapi_extra=_ZIP,
)
def export_file(request: HttpRequest, export_id: PathId) -> FileResponse:
    member = current_member(request)
    export = exports.export_for_download(member=member, export_id=export_id)
    return exports.export_response(export=export, member=member)
