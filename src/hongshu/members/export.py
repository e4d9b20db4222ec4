"""A member's data export: one zip of what they put in, built by a job, downloaded by them alone.

    hongshu-export/
      profile.json                 the account: handle, names, bio, email, languages, region, settings
      profile/avatar.webp          the avatar, if any
      notes/<id>.json              each of the member's own notes, of every visibility and state (drafts,
      notes/<id>.md                held, followers-only, only me), as data and as Markdown that shows its
      notes/<id>/photo-<n>.webp    photos, which are the largest stored rendering of each upload (the
                                   raw upload is deleted once processed, with its EXIF and GPS data)
      comments.json                the member's comments, with the note's title where it is public or theirs
      boards.json                  the member's boards and, per board, the collected notes they may read
      likes.json                   the notes they liked that they may still read (titles as above)
      follows.json                 whom they follow (and asked to), who follows them (and asks to)
      blocks.json, mutes.json      whom they blocked and muted

Other members' notes are reached only through the visibility policy, and only as references: a note the
member may not read today is left out, and of one they may read, the title only when everyone may read it
(`visible_to(None)`). The words of a followers-only note of someone they follow are that author's, so they
are never in it. Deleted notes and comments (hidden, waiting for the purge) are left out too.
"""

from __future__ import annotations

import json
import secrets
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.errors import NotFound
from hongshu.core.jobs import enqueue_on_commit
from hongshu.core.progress import Progress, ProgressReporter, progress_silent
from hongshu.interactions.models import Board, Collect, Like
from hongshu.media.models import MediaAsset
from hongshu.members.models import DataExport
from hongshu.notes.models import Note
from hongshu.social.models import Block, Follow, Mute

ROOT = "hongshu-export"
EXPORT_INTERVAL = timedelta(hours=1)


def export_not_found() -> NotFound:
    return NotFound(_("There is no data export with this ID."), code="export_not_found")


def export_request(*, member: User) -> DataExport:
    """Ask for a new export, built by a job after commit. While one is being built, or one was made less
    than `EXPORT_INTERVAL` ago, that one is answered: each build reads all of the member's photos."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=member.pk).first()  # one request at a time per member
        recent = Q(state=DataExport.State.PENDING) | Q(
            state=DataExport.State.READY, created_at__gt=timezone.now() - EXPORT_INTERVAL
        )
        current = DataExport.objects.filter(recent, member=member).order_by("-id").first()
        if current is not None:
            return current
        export = DataExport.objects.create(member=member)
        from hongshu.members.tasks import export_build_task  # the tasks module imports this one

        enqueue_on_commit(export_build_task, str(export.pk))
    return export


def export_latest(*, member: User) -> DataExport | None:
    """The member's newest export, whatever its state."""
    return DataExport.objects.filter(member=member).order_by("-id").first()


def export_for_download(*, member: User, export_id: int) -> DataExport:
    """The export `export_id` if it is this member's and ready; any other case is the same 404."""
    export = DataExport.objects.filter(
        pk=export_id, member=member, state=DataExport.State.READY, expires_at__gt=timezone.now()
    ).first()
    if export is None:
        raise export_not_found()
    return export


def _largest_variant(asset: MediaAsset) -> str | None:
    if not asset.variants:
        return None
    return str(asset.variants[max(asset.variants, key=int)])


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _json(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    archive.writestr(f"{ROOT}/{name}", json.dumps(data, ensure_ascii=False, indent=2))


def _copy(archive: zipfile.ZipFile, key: str, name: str) -> bool:
    try:
        with default_storage.open(key, "rb") as source, archive.open(f"{ROOT}/{name}", "w") as out:
            while chunk := source.read(1 << 20):
                out.write(chunk)
    except FileNotFoundError:
        return False
    return True


def _profile(member: User) -> dict[str, Any]:
    return {
        "handle": member.handle,
        "display_name": member.display_name,
        "chinese_name": member.chinese_name,
        "bio": member.bio,
        "email": member.email,
        "email_verified": member.email_verified_at is not None,
        "languages": member.languages,
        "region": member.region,
        "interests": member.interests,
        "is_private": member.is_private,
        "hide_follow_lists": member.hide_follow_lists,
        "likes_public": member.likes_public,
        "joined_at": _iso(member.date_joined),
    }


def _note_markdown(note: dict[str, Any]) -> str:
    lines = [f"# {note['title']}", ""]
    if note["body"]:
        lines += [note["body"], ""]
    lines += [f"![{photo['alt_text']}]({photo['file']})" for photo in note["photos"] if photo["file"]]
    lines += [
        "",
        f"- visibility: {note['visibility']}",
        f"- status: {note['status']}",
        f"- created: {note['created_at']}",
    ]
    if note["topics"]:
        lines.append("- topics: " + " ".join(f"#{t}" for t in note["topics"]))
    if note["place"]:
        lines.append(f"- place: {note['place']}")
    return "\n".join(lines) + "\n"


def _notes(archive: zipfile.ZipFile, member: User, progress: Progress) -> None:
    own = (
        Note.objects.filter(author=member, deleted_at__isnull=True)
        .prefetch_related("images__media", "topics")
        .order_by("id")
    )
    for note in own.iterator(chunk_size=200):
        photos = []
        for position, image in enumerate(note.images.all(), start=1):
            key = _largest_variant(image.media)
            name = f"notes/{note.pk}/photo-{position}.webp"
            copied = key is not None and _copy(archive, key, name)
            photos.append(
                {"file": f"{note.pk}/photo-{position}.webp" if copied else None, "alt_text": image.alt_text}
            )
        data = {
            "id": str(note.pk),
            "title": note.title,
            "body": note.body,
            "language": note.language,
            "visibility": note.visibility,
            "status": note.status,
            "topics": [topic.name for topic in note.topics.all()],
            "place": note.place_name,
            "created_at": _iso(note.created_at),
            "published_at": _iso(note.published_at),
            "edited_at": _iso(note.edited_at),
            "photos": photos,
        }
        _json(archive, f"notes/{note.pk}.json", data)
        archive.writestr(f"{ROOT}/notes/{note.pk}.md", _note_markdown(data))
        progress.advance()


def _readable(member: User, note_ids: Iterable[int]) -> dict[int, str | None]:
    """The notes among `note_ids` the member may read now (the policy), by id, with the title where it is
    the member's own or anyone's to read: the words of a followers-only note of someone they follow are
    that author's, shared with their followers, not the member's to take away."""
    ids = list(note_ids)
    readable = Note.objects.visible_to(member).filter(pk__in=ids).values_list("pk", "author_id")
    public = dict(Note.objects.visible_to(None).filter(pk__in=ids).values_list("pk", "title"))
    own = dict(Note.objects.filter(pk__in=ids, author=member).values_list("pk", "title"))
    return {pk: own.get(pk, public.get(pk)) for pk, _author in readable}


def _note_refs(member: User, note_ids: list[int]) -> list[dict[str, str | None]]:
    titles = _readable(member, note_ids)
    return [{"note_id": str(i), "title": titles[i]} for i in note_ids if i in titles]


def _comments(member: User) -> list[dict[str, Any]]:
    rows = list(
        Comment.objects.filter(author=member, deleted_at__isnull=True)
        .order_by("id")
        .values("pk", "note_id", "root_id", "body", "created_at")
    )
    titles = _readable(member, {row["note_id"] for row in rows})
    return [
        {
            "id": str(row["pk"]),
            "note_id": str(row["note_id"]),
            # None: a note the member may no longer read, or whose words are not public (see _readable)
            "note_title": titles.get(row["note_id"]),
            "reply_to_comment": str(row["root_id"]) if row["root_id"] else None,
            "body": row["body"],
            "created_at": _iso(row["created_at"]),
        }
        for row in rows
    ]


def _boards(member: User) -> list[dict[str, Any]]:
    boards = []
    for board in Board.objects.filter(owner=member).order_by("id"):
        note_ids = list(Collect.objects.filter(board=board).order_by("id").values_list("note_id", flat=True))
        boards.append(
            {
                "name": board.name if not board.is_default else "",
                "default": board.is_default,
                "public": board.is_public,
                "created_at": _iso(board.created_at),
                "notes": _note_refs(member, note_ids),
            }
        )
    return boards


def _graph(member: User) -> dict[str, Any]:
    following = Follow.objects.filter(follower=member).order_by("id")
    followers = Follow.objects.filter(followee=member).order_by("id")
    return {
        "following": [
            {"handle": f.followee.handle, "state": f.state, "since": _iso(f.created_at)}
            for f in following.select_related("followee")
        ],
        "followers": [
            {"handle": f.follower.handle, "state": f.state, "since": _iso(f.created_at)}
            for f in followers.select_related("follower")
        ],
    }


def export_write(*, member: User, out: Any, progress: ProgressReporter = progress_silent) -> None:
    """Write the member's export zip to the binary file `out`."""
    notes = Note.objects.filter(author=member, deleted_at__isnull=True).count()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        progress(f"export @{member.handle}: notes", total=notes, unit="notes") as bar,
    ):
        _json(archive, "profile.json", _profile(member))
        if member.avatar_id is not None:
            avatar = MediaAsset.objects.filter(pk=member.avatar_id).first()
            key = _largest_variant(avatar) if avatar else None
            if key:
                _copy(archive, key, "profile/avatar.webp")
        _notes(archive, member, bar)
        _json(archive, "comments.json", _comments(member))
        _json(archive, "boards.json", _boards(member))
        liked = list(Like.objects.filter(user=member).order_by("id").values_list("note_id", flat=True))
        _json(archive, "likes.json", _note_refs(member, liked))
        _json(archive, "follows.json", _graph(member))
        blocks = Block.objects.filter(blocker=member).select_related("blocked").order_by("id")
        _json(
            archive,
            "blocks.json",
            [{"handle": b.blocked.handle, "since": _iso(b.created_at)} for b in blocks],
        )
        mutes = Mute.objects.filter(muter=member).select_related("muted").order_by("id")
        _json(archive, "mutes.json", [{"handle": m.muted.handle, "since": _iso(m.created_at)} for m in mutes])


def export_build(*, export_id: int) -> DataExport | None:
    """Build a pending export: the zip is written to a temporary file, then stored privately under a key
    with a random part. A failure marks it failed (the member may ask again). None if not pending."""
    export = DataExport.objects.select_related("member").filter(pk=export_id).first()
    if export is None or export.state != DataExport.State.PENDING:
        return None
    member = export.member
    try:
        with tempfile.TemporaryFile() as out:
            export_write(member=member, out=out)
            size = out.tell()
            out.seek(0)
            key = default_storage.save(
                f"exports/{member.pk}/{export.pk}-{secrets.token_hex(16)}.zip", File(out, name="export.zip")
            )
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(
            state=DataExport.State.FAILED, finished_at=timezone.now()
        )
        raise
    now = timezone.now()
    export.state, export.file_key, export.size_bytes = DataExport.State.READY, key, size
    export.finished_at, export.expires_at = now, now + timedelta(days=settings.HONGSHU.export_expire_days)
    export.save(update_fields=["state", "file_key", "size_bytes", "finished_at", "expires_at"])
    # Only the newest ready export is kept: older files go at once.
    older = DataExport.objects.filter(member=member, state=DataExport.State.READY, pk__lt=export.pk)
    _expire(list(older))
    return export


def _expire(exports: list[DataExport]) -> None:
    for export in exports:
        if export.file_key:
            default_storage.delete(export.file_key)
    DataExport.objects.filter(pk__in=[e.pk for e in exports]).update(
        state=DataExport.State.EXPIRED, file_key=""
    )


def exports_expire() -> int:
    """Delete the files of exports past their expiry (periodic); returns how many expired."""
    due = list(DataExport.objects.filter(state=DataExport.State.READY, expires_at__lte=timezone.now())[:500])
    _expire(due)
    return len(due)


def export_response(*, export: DataExport, member: User) -> FileResponse:
    """The zip as a download, never cached by anyone in between."""
    name = f"hongshu-{member.handle}-{export.created_at:%Y%m%d}.zip"
    response = FileResponse(
        default_storage.open(export.file_key, "rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def exports_delete_files_on_commit(*, member: User) -> None:
    """The member's export files go once the transaction deleting the member (and, by cascade, the export
    rows) commits."""
    keys = list(
        DataExport.objects.filter(member=member).exclude(file_key="").values_list("file_key", flat=True)
    )

    def _delete() -> None:
        for key in keys:
            default_storage.delete(key)

    if keys:
        transaction.on_commit(_delete)
