from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status, UploadedFile

from hongshu.accounts.auth import current_member, member_auth
from hongshu.api.schemas.media import MediaOut
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import PathId
from hongshu.media import selectors, services

router = Router(tags=["media"])


@router.post("/media", response={201: MediaOut}, auth=member_auth, summary="Upload a photo")
def upload_media(request: HttpRequest, file: File[UploadedFile]) -> Status[MediaOut]:
    """Validated at once; processed in the background (`state` goes from `pending` to `ready` or `failed`)."""
    owner = current_member(request)
    rate_limit_hit("upload", member=owner, ip=client_ip(request))
    asset = services.media_upload(owner=owner, upload=file)
    asset.refresh_from_db()  # processing may already have finished after commit
    return Status(201, MediaOut.of(asset))


@router.get("/media/{media_id}", response=MediaOut, auth=member_auth, summary="One of your uploads")
def get_media(request: HttpRequest, media_id: PathId) -> MediaOut:
    return MediaOut.of(selectors.media_of_owner(owner=current_member(request), media_id=media_id))
