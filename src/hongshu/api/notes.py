from __future__ import annotations

from datetime import datetime
from typing import Literal

import orjson
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool

from hongshu.accounts.auth import current_member, member_auth, request_user
from hongshu.api.accounts import AccountOut
from hongshu.api.schemas.media import MediaOut
from hongshu.api.schemas.pages import CursorPage
from hongshu.api.schemas.social import NoteCountsOut
from hongshu.core.pagination import Page
from hongshu.core.ratelimit import client_ip, rate_limit_hit
from hongshu.core.schemas import IdStr, PathId
from hongshu.feeds.pages import CardData, Viewer, note_cards
from hongshu.interactions.selectors import NoteCounts, note_counts
from hongshu.notes import selectors, services
from hongshu.notes.models import Note, NoteRevision
from hongshu.social.selectors import access_account

router = Router(tags=["notes"])


class ImageIn(Schema):
    media_id: IdStr
    alt_text: str = Field(default="", max_length=5000)


class PlaceIn(Schema):
    name: str = Field(max_length=2000)
    lat: float | None = None
    lng: float | None = None


class NoteIn(Schema):
    title: str = Field(default="", max_length=1000)
    body: str = Field(default="", max_length=40000)
    # Up to 19 pass the schema so that the service answers 19 photos with its own clear message.
    images: list[ImageIn] = Field(default_factory=list, max_length=19)
    topics: list[str] = Field(default_factory=list, max_length=11)
    place: PlaceIn | None = None
    visibility: Literal["public", "followers", "private"] = "public"
    draft: StrictBool = False
    language: str | None = Field(default=None, max_length=16)


class NotePatch(Schema):
    title: str | None = Field(default=None, max_length=1000)
    body: str | None = Field(default=None, max_length=40000)
    images: list[ImageIn] | None = Field(default=None, max_length=19)
    topics: list[str] | None = Field(default=None, max_length=11)
    place: PlaceIn | None = None
    visibility: Literal["public", "followers", "private"] | None = None
    publish: StrictBool = False
    language: str | None = Field(default=None, max_length=16)


class NoteImageOut(Schema):
    position: int
    alt_text: str
    media: MediaOut


class PlaceOut(Schema):
    name: str
    lat: float | None
    lng: float | None


class NoteOut(Schema):
    id: str
    author: AccountOut
    title: str
    body: str
    language: str
    visibility: str
    status: str
    images: list[NoteImageOut]
    topics: list[str]
    mentions: list[str]
    place: PlaceOut | None
    created_at: datetime
    published_at: datetime | None
    edited_at: datetime | None
    # A moderator marked it sensitive: show its photos blurred until the reader asks to see them.
    sensitive: bool = False
    counts: NoteCountsOut
    # Whether the signed-in viewer liked / collected it; null for visitors and where not read (search).
    liked: bool | None = None
    collected: bool | None = None

    @classmethod
    def of(cls, note: Note, counts: NoteCounts | None = None) -> NoteOut:
        """`counts` come in bulk for a page (`NotePage.of`); a single note fetches its own."""
        if counts is None:
            counts = note_counts(note_ids=[note.pk])[note.pk]
        place = None
        if note.place_name:
            lat = float(note.place_lat) if note.place_lat is not None else None
            lng = float(note.place_lng) if note.place_lng is not None else None
            place = PlaceOut.model_construct(name=note.place_name, lat=lat, lng=lng)
        return cls.model_construct(
            id=str(note.pk),
            author=AccountOut.of(note.author),
            title=note.title,
            body=note.body,
            language=note.language,
            visibility=note.visibility,
            status=note.status,
            images=[
                NoteImageOut.model_construct(
                    position=i.position, alt_text=i.alt_text, media=MediaOut.of(i.media)
                )
                for i in note.ordered_images()
            ],
            topics=[t.name for t in note.topic_list()],
            mentions=note.mention_handles(),
            place=place,
            created_at=note.created_at,
            published_at=note.published_at,
            edited_at=note.edited_at,
            sensitive=note.sensitive,
            counts=NoteCountsOut.of(counts),
            liked=None,
            collected=None,
        )

    @classmethod
    def of_card(cls, card: CardData, *, viewer: Viewer) -> NoteOut:
        """A hydrated note (`note_cards`) with its counts and, for a member, their like and collect."""
        out = cls.of(card.note, card.counts)
        if viewer is not None and viewer.is_authenticated:
            out.liked, out.collected = card.liked, card.collected
        return out


def note_out_json(note: Note) -> bytes:
    """A note's API form without its counts, as the JSON object to cache (`notes_rendered`): counts change
    on every like, the rest only with a new revision. Bytes, so a cached page is spliced, not decoded:
    unpickling 20 notes as dicts was a tenth of a cached search's CPU. `liked` and `collected` stay, as null
    (search does not read them), so a search result has the note endpoint's shape."""
    return orjson.dumps(NoteOut.of(note, NoteCounts()).model_dump(exclude={"counts"}))


class NotePage(CursorPage[NoteOut]):
    @classmethod
    def of_notes(cls, page: Page[Note], *, viewer: Viewer) -> NotePage:
        """The notes with their counts and the viewer's likes and collects, read for the whole page in one
        query (`note_cards`, the same hydration as the HTML cards)."""
        cards = Page(items=note_cards(viewer=viewer, notes=page.items), next_cursor=page.next_cursor)
        return cls.of(cards, lambda card: NoteOut.of_card(card, viewer=viewer))


class RevisionOut(Schema):
    id: str
    title: str
    body: str
    topics: list[str]
    image_ids: list[str]
    place_name: str
    visibility: str
    created_at: datetime

    @classmethod
    def of(cls, revision: NoteRevision) -> RevisionOut:
        return cls(
            id=str(revision.pk),
            title=revision.title,
            body=revision.body,
            topics=list(revision.topics),
            image_ids=list(revision.image_ids),
            place_name=revision.place_name,
            visibility=revision.visibility,
            created_at=revision.created_at,
        )


class PageQuery(Schema):
    cursor: str | None = Field(default=None, max_length=32)
    limit: int = Field(default=20, ge=1, le=50)


def _images(items: list[ImageIn]) -> list[services.ImageSpec]:
    return [services.ImageSpec(media_id=int(i.media_id), alt_text=i.alt_text) for i in items]


def _place(place: PlaceIn | None) -> services.Place | None:
    return services.Place(name=place.name, lat=place.lat, lng=place.lng) if place else None


@router.post("/notes", response={201: NoteOut}, auth=member_auth, summary="Create a note or a draft")
def create_note(request: HttpRequest, payload: NoteIn) -> Status[NoteOut]:
    author = current_member(request)
    rate_limit_hit("note_create", member=author, ip=client_ip(request))
    note = services.note_create(
        author=author,
        title=payload.title,
        body=payload.body,
        images=_images(payload.images),
        topics=payload.topics,
        place=_place(payload.place),
        visibility=payload.visibility,
        draft=payload.draft,
        language=payload.language,
    )
    return Status(201, NoteOut.of(selectors.access_note(viewer=note.author, note_id=note.pk)))


@router.get("/notes", response=NotePage, summary="The newest public notes")
def latest_notes(request: HttpRequest, page: Query[PageQuery]) -> NotePage:
    viewer = request_user(request)
    return NotePage.of_notes(
        selectors.notes_latest(viewer=viewer, cursor=page.cursor, limit=page.limit), viewer=viewer
    )


@router.get("/notes/drafts", response=NotePage, auth=member_auth, summary="Your drafts")
def my_drafts(request: HttpRequest, page: Query[PageQuery]) -> NotePage:
    author = current_member(request)
    return NotePage.of_notes(
        selectors.drafts_of(author=author, cursor=page.cursor, limit=page.limit), viewer=author
    )


@router.get("/notes/{note_id}", response=NoteOut)
def get_note(request: HttpRequest, note_id: PathId) -> NoteOut:
    viewer = request_user(request)
    note = selectors.access_note(viewer=viewer, note_id=note_id)
    return NoteOut.of_card(note_cards(viewer=viewer, notes=[note])[0], viewer=viewer)


@router.patch("/notes/{note_id}", response=NoteOut, auth=member_auth, summary="Edit (or publish) a note")
def update_note(request: HttpRequest, note_id: PathId, payload: NotePatch) -> NoteOut:
    user = current_member(request)
    rate_limit_hit("note_edit", member=user, ip=client_ip(request))
    fields = payload.dict(exclude_unset=True)
    note = services.note_update(
        note=selectors.access_own_note(viewer=user, note_id=note_id),
        editor=user,
        title=payload.title,
        body=payload.body,
        images=_images(payload.images) if payload.images is not None else None,
        topics=payload.topics,
        place=_place(payload.place),
        clear_place="place" in fields and payload.place is None,
        visibility=payload.visibility,
        publish=payload.publish,
        language=payload.language,
    )
    return NoteOut.of(selectors.access_note(viewer=user, note_id=note.pk))


@router.delete("/notes/{note_id}", response={204: None}, auth=member_auth)
def delete_note(request: HttpRequest, note_id: PathId) -> Status[None]:
    user = current_member(request)
    services.note_delete(note=selectors.access_own_note(viewer=user, note_id=note_id), actor=user)
    return Status(204, None)


@router.get("/notes/{note_id}/history", response=list[RevisionOut], auth=member_auth)
def note_history(request: HttpRequest, note_id: PathId) -> list[RevisionOut]:
    revisions = selectors.note_history(viewer=current_member(request), note_id=note_id)
    return [RevisionOut.of(r) for r in revisions]


@router.get("/accounts/{handle}/notes", response=NotePage, summary="A member's published notes")
def notes_of_account(request: HttpRequest, handle: str, page: Query[PageQuery]) -> NotePage:
    viewer = request_user(request)
    author = access_account(viewer=viewer, handle=handle)
    return NotePage.of_notes(
        selectors.notes_by_author(viewer=viewer, author=author, cursor=page.cursor, limit=page.limit),
        viewer=viewer,
    )
