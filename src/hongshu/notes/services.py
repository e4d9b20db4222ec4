"""Note writes: create, edit (with history), publish a draft, delete."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import regex
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hongshu.accounts.models import User
from hongshu.accounts.trust import links_cap, mentions_cap
from hongshu.core.errors import Forbidden, NotFound, field_error
from hongshu.core.events import announce_on_commit
from hongshu.core.runtime import runtime_get, surge_active
from hongshu.core.text import check_length, clean_input, clean_text, code_points_error, grapheme_length
from hongshu.media.models import MediaAsset
from hongshu.media.selectors import media_for_note
from hongshu.media.services import media_delete_files_on_commit, media_storage_keys
from hongshu.notes.models import (
    Note,
    NoteImage,
    NoteMention,
    NoteRevision,
    NoteTopic,
    PendingNoteIndex,
    Topic,
)
from hongshu.screening.links import extract_links
from hongshu.screening.services import (
    Verdict,
    announce_held,
    announce_new_account_hold,
    raise_if_rejected,
    screen,
)
from hongshu.textlib.codes import CONTENT_LANGUAGES
from hongshu.textlib.detection import detect_language

TITLE_MAX = 20
BODY_MAX = 1000
IMAGES_MAX = 18
TOPICS_MAX = 10
TOPIC_MAX = 20
PLACE_MAX = 50
ALT_TEXT_MAX = 1500
# Code points, beside the limits in graphemes above: one grapheme can carry hundreds of combining marks, and
# NFKC can expand a topic's key (U+FDFA is 18 letters). Varchar fields get their column's length (Note.title
# 500, place_name 600, Topic.name and key 200); text fields 16 per grapheme.
TITLE_CODE_POINTS = 500
BODY_CODE_POINTS = 16 * BODY_MAX
TOPIC_CODE_POINTS = 200
PLACE_CODE_POINTS = 600
ALT_TEXT_CODE_POINTS = 16 * ALT_TEXT_MAX
# `#topic` ends at whitespace, punctuation or a second `#` (RedNote writes topics as `#话题#`).
INLINE_TOPIC = regex.compile(r"(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_\p{M}]{1,20})")
MENTION = regex.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")
_COORD_STEP = Decimal("0.01")


@dataclass(frozen=True)
class ImageSpec:
    media_id: int
    alt_text: str = ""


@dataclass(frozen=True)
class Place:
    name: str
    lat: float | None = None
    lng: float | None = None


def notes_index_later(*, note_ids: Sequence[int]) -> None:
    """Queue notes for the search index in the caller's transaction: the outbox row (`PendingNoteIndex`)
    commits or rolls back with the change itself, and the drain job (event `notes_to_index`) runs after
    commit."""
    PendingNoteIndex.objects.bulk_create([PendingNoteIndex(note_id=i) for i in note_ids])
    announce_on_commit("notes_to_index")


def topic_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _clean_title(title: str, *, required: bool) -> str:
    title = clean_input(title, field="title", single_line=True, strip_format=True)
    if required and not title:
        raise field_error("title", _("Give your note a title."), code="title_required")
    check_length(
        title,
        field="title",
        graphemes=TITLE_MAX,
        code_points=TITLE_CODE_POINTS,
        message=_("Titles are at most 20 characters."),
        code="title_too_long",
    )
    return title


def _clean_body(body: str) -> str:
    body = clean_input(body, field="body")
    check_length(
        body,
        field="body",
        graphemes=BODY_MAX,
        code_points=BODY_CODE_POINTS,
        message=_("The text is at most 1,000 characters."),
        code="body_too_long",
    )
    return body


def _clean_topics(explicit: Sequence[str], *texts: str) -> list[str]:
    names: list[str] = []
    for raw in [*explicit, *(m for text in texts for m in INLINE_TOPIC.findall(text))]:
        name = clean_input(raw, field="topics", single_line=True, strip_format=True).lstrip("#").strip()
        if not name or grapheme_length(name) > TOPIC_MAX or not regex.fullmatch(r"[\p{L}\p{N}_\p{M}]+", name):
            raise field_error("topics", _("Topics are 1 to 20 letters or digits."), code="invalid_topic")
        if max(len(name), len(topic_key(name))) > TOPIC_CODE_POINTS:
            raise code_points_error("topics", TOPIC_CODE_POINTS)
        if topic_key(name) not in {topic_key(n) for n in names}:
            names.append(name)
    if len(names) > TOPICS_MAX:
        raise field_error("topics", _("A note has at most 10 topics."), code="too_many_topics")
    return names


def _clean_images(images: Sequence[ImageSpec], *, required: bool) -> None:
    if required and not images:
        raise field_error("images", _("Add at least one photo."), code="images_required")
    if len(images) > IMAGES_MAX:
        raise field_error("images", _("A note has at most 18 photos."), code="too_many_images")
    for image in images:
        check_length(
            clean_input(image.alt_text, field="images"),
            field="images",
            graphemes=ALT_TEXT_MAX,
            code_points=ALT_TEXT_CODE_POINTS,
            message=_("Alt text is at most 1,500 characters."),
            code="alt_text_too_long",
        )


def _coarse(value: float | None, limit: int, field: str) -> Decimal | None:
    if value is None:
        return None
    if not -limit <= value <= limit:
        raise field_error(field, _("These coordinates are out of range."), code="invalid_coordinates")
    return Decimal(str(value)).quantize(_COORD_STEP, rounding=ROUND_HALF_UP)


def _apply_place(note: Note, place: Place | None) -> None:
    if place is None:
        note.place_name, note.place_lat, note.place_lng = "", None, None
        return
    name = clean_input(place.name, field="place", single_line=True, strip_format=True)
    check_length(
        name,
        field="place",
        graphemes=PLACE_MAX,
        code_points=PLACE_CODE_POINTS,
        message=_("Place names are at most 50 characters."),
        code="place_too_long",
    )
    note.place_name = name
    note.place_lat = _coarse(place.lat, 90, "place.lat")
    note.place_lng = _coarse(place.lng, 180, "place.lng")


def _language(note: Note, language: str | None) -> None:
    if language:
        if language not in CONTENT_LANGUAGES:
            raise field_error("language", _("Unknown language code."), code="unknown_language")
        note.language, note.language_set_by_author = language, True
    elif not note.language_set_by_author:
        note.language = detect_language(f"{note.title}\n{note.body}")


def _set_topics(note: Note, names: list[str]) -> None:
    NoteTopic.objects.filter(note=note).delete()
    topics = []
    for name in names:
        topic, _created = Topic.objects.get_or_create(key=topic_key(name), defaults={"name": name})
        topics.append(topic)
    NoteTopic.objects.bulk_create([NoteTopic(note=note, topic=topic) for topic in topics])


def _set_mentions(note: Note) -> None:
    handles = {h.lower() for h in MENTION.findall(f"{note.title}\n{note.body}")}
    NoteMention.objects.filter(note=note).delete()
    if not handles:
        return
    users = User.objects.annotate(handle_key=Lower("handle")).filter(handle_key__in=handles, is_active=True)
    NoteMention.objects.bulk_create(
        [NoteMention(note=note, user=user) for user in users if user != note.author]
    )


def note_publish_status(*, author: User) -> str:
    """What a note becomes when its author publishes it: published, or held for a moderator.

    Held: the author is at trust level 0 (not staff), fewer than `hold_first_notes` of their notes ever went
    live or were held (deleted ones count, so deleting and posting again does not skip the review), and the
    run-time setting `hold_new_accounts_notes` is `always`, or `surge` while surge posture is on.
    """
    mode = runtime_get("hold_new_accounts_notes")
    if mode == "never" or author.trust_level > 0 or author.is_staff:
        return Note.Status.PUBLISHED
    if mode == "surge" and not surge_active():
        return Note.Status.PUBLISHED
    earlier = Note.objects.filter(author=author).exclude(status=Note.Status.DRAFT).count()
    return Note.Status.HELD if earlier < settings.HONGSHU.hold_first_notes else Note.Status.PUBLISHED


def _check_trust_caps(author: User, title: str, body: str) -> None:
    """The links and mentions a note may carry at its author's trust level (docs/trust.md): a 422 naming
    the cap. Links are counted as screening finds them (bare domains and spelled-out dots too,
    hongshu.screening.links); a handle mentioned twice counts once."""
    text = f"{title}\n{body}"
    links = len(extract_links(text))
    mentions = len({handle.lower() for handle in MENTION.findall(text)})
    if not links and not mentions:
        return
    surge = surge_active()
    cap = links_cap(author.trust_level, surge=surge)
    if links > cap:
        message = ngettext(
            "A note can carry at most %(n)d link at your trust level.",
            "A note can carry at most %(n)d links at your trust level.",
            cap,
        ) % {"n": cap}
        raise field_error("body", message, code="too_many_links")
    cap = mentions_cap(author.trust_level, surge=surge)
    if mentions > cap:
        message = ngettext(
            "A note can mention at most %(n)d member at your trust level.",
            "A note can mention at most %(n)d members at your trust level.",
            cap,
        ) % {"n": cap}
        raise field_error("body", message, code="too_many_mentions")


def _screen_note(
    *, note: Note, author: User, topics: Sequence[str], alt_texts: Sequence[str], place_name: str
) -> Verdict:
    """Screen what a note will show (hongshu.screening): a rejection is raised here, before anything is
    written; a hold is returned for the caller to store."""
    verdict = screen(
        kind="note",
        subject=f"note:{note.pk}",
        author_id=author.pk,
        fields={
            "title": note.title,
            "body": note.body,
            "topics": " ".join(topics),
            "images": "\n".join(alt_texts),
            "place": place_name,
        },
        language=note.language,
        burst_field="body",
    )
    raise_if_rejected(verdict)
    return verdict


def _announce_hold(note: Note, verdict: Verdict | None) -> None:
    """Inside the transaction that stored a held note: its case opens after commit."""
    if verdict is not None and verdict.held:
        announce_held(verdict=verdict, subject=f"note:{note.pk}", language=note.language)
    else:
        announce_new_account_hold(subject=f"note:{note.pk}", author_id=note.author_id, language=note.language)


def _set_images(note: Note, images: Sequence[ImageSpec]) -> None:
    assets = media_for_note(owner=note.author, media_ids=[i.media_id for i in images], note_id=note.pk)
    previous = list(NoteImage.objects.filter(note=note).select_related("media"))
    kept = {asset.pk for asset in assets}
    dropped = [image.media for image in previous if image.media_id not in kept]
    NoteImage.objects.filter(note=note).delete()
    NoteImage.objects.bulk_create(
        [
            NoteImage(note=note, media=asset, position=index, alt_text=clean_text(spec.alt_text))
            for index, (asset, spec) in enumerate(zip(assets, images, strict=True))
        ]
    )
    if dropped:  # images removed by an edit were uploaded for this note alone
        media_delete_files_on_commit(media=dropped)
        for asset in dropped:
            asset.delete()


def note_create(
    *,
    author: User,
    title: str,
    body: str = "",
    images: Sequence[ImageSpec] = (),
    topics: Sequence[str] = (),
    place: Place | None = None,
    visibility: str = Note.Visibility.PUBLIC,
    draft: bool = False,
    language: str | None = None,
) -> Note:
    """Create a note (or a draft). All of it is written in one transaction, or none of it."""
    note = Note(author=author, title=_clean_title(title, required=not draft), body=_clean_body(body))
    if visibility not in Note.Visibility.values:
        raise field_error("visibility", _("Unknown visibility."), code="invalid_visibility")
    note.visibility = visibility
    topic_names = _clean_topics(topics, note.title, note.body)
    _clean_images(images, required=not draft)
    _check_trust_caps(author, note.title, note.body)
    _apply_place(note, place)
    _language(note, language)
    verdict = None
    if not draft:
        alt_texts = [spec.alt_text for spec in images]
        verdict = _screen_note(
            note=note, author=author, topics=topic_names, alt_texts=alt_texts, place_name=note.place_name
        )
    with transaction.atomic():
        if draft:
            note.status = Note.Status.DRAFT
        else:
            note.status = note_publish_status(author=author)
            if verdict is not None and verdict.held:
                note.status = Note.Status.HELD
            note.published_at = timezone.now() if note.status == Note.Status.PUBLISHED else None
        note.save(force_insert=True)
        if note.status == Note.Status.HELD:
            _announce_hold(note, verdict)
        _set_images(note, images)
        _set_topics(note, topic_names)
        _set_mentions(note)
        announce_on_commit("note_changed", note.pk)
        notes_index_later(note_ids=[note.pk])
    return note


def explicit_topics(note: Note) -> list[str]:
    """The topics chosen beside the text (the inline `#topics` of the title and body are not among them):
    what an edit keeps when it names no topics, and what an edit form shows in its topics field."""
    inline = {topic_key(name) for name in INLINE_TOPIC.findall(f"{note.title}\n{note.body}")}
    return [topic.name for topic in note.topic_list() if topic_key(topic.name) not in inline]


def _record_revision(note: Note) -> None:
    NoteRevision.objects.create(
        note=note,
        title=note.title,
        body=note.body,
        topics=[t.name for t in note.topics.all()],
        image_ids=[str(i) for i in note.images.values_list("media_id", flat=True)],
        place_name=note.place_name,
        visibility=note.visibility,
    )


def _screen_edit(
    *,
    note: Note,
    editor: User,
    title: str | None,
    body: str | None,
    images: Sequence[ImageSpec] | None,
    topics: Sequence[str] | None,
    place: Place | None,
    clear_place: bool,
) -> Verdict:
    """Screen a note as an edit will leave it, before the edit locks and writes anything: a rejection
    stays on record (the event log) while the edit itself is not made."""
    draft = Note(
        pk=note.pk,
        author_id=note.author_id,
        title=clean_text(title) if title is not None else note.title,
        body=_clean_body(body) if body is not None else note.body,
        language=note.language,
    )
    names = _clean_topics(topics if topics is not None else explicit_topics(note), draft.title, draft.body)
    if images is not None:
        alt_texts = [spec.alt_text for spec in images]
    else:
        alt_texts = list(NoteImage.objects.filter(note=note).values_list("alt_text", flat=True))
    place_name = "" if clear_place else (place.name if place is not None else note.place_name)
    return _screen_note(note=draft, author=editor, topics=names, alt_texts=alt_texts, place_name=place_name)


def _apply_edit_status(note: Note, *, editor: User, publish: bool, verdict: Verdict | None) -> None:
    """Publishing a draft follows the door's rule; a screening hold holds a live note; either hold, when it
    is new (or screening found more), is announced for its case."""
    was = note.status
    if publish and note.status == Note.Status.DRAFT:
        note.status = note_publish_status(author=editor)
    screening_holds = verdict is not None and verdict.held
    if screening_holds and note.status != Note.Status.DRAFT:
        note.status = Note.Status.HELD
    if note.status == Note.Status.PUBLISHED and was == Note.Status.DRAFT:
        note.published_at = timezone.now()
    if note.status == Note.Status.HELD and (was != Note.Status.HELD or screening_holds):
        _announce_hold(note, verdict)


def note_update(
    *,
    note: Note,
    editor: User,
    title: str | None = None,
    body: str | None = None,
    images: Sequence[ImageSpec] | None = None,
    topics: Sequence[str] | None = None,
    place: Place | None = None,
    clear_place: bool = False,
    visibility: str | None = None,
    publish: bool = False,
    language: str | None = None,
) -> Note:
    """Edit a note; the previous published version is kept as a revision. `publish` turns a draft live."""
    if note.author_id != editor.pk:
        raise Forbidden(_("Only the author can edit this note."), code="not_author")
    going_live = publish or note.status in (Note.Status.PUBLISHED, Note.Status.HELD)
    # Only a change to what readers see is an edit with a revision; correcting the language alone is not.
    changes_content = clear_place or any(
        value is not None for value in (title, body, images, topics, place, visibility)
    )
    verdict = (
        _screen_edit(
            note=note,
            editor=editor,
            title=title,
            body=body,
            images=images,
            topics=topics,
            place=place,
            clear_place=clear_place,
        )
        if going_live and (changes_content or note.status == Note.Status.DRAFT)
        else None
    )
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note.pk)
        if topics is None:  # keep the topics chosen explicitly; inline ones follow the new text
            topics = explicit_topics(note)
        if note.status == Note.Status.PUBLISHED and changes_content:
            _record_revision(note)
            note.edited_at = timezone.now()
        if title is not None:
            note.title = title
        note.title = _clean_title(note.title, required=going_live)
        if body is not None:
            note.body = _clean_body(body)
        if visibility is not None:
            if visibility not in Note.Visibility.values:
                raise field_error("visibility", _("Unknown visibility."), code="invalid_visibility")
            note.visibility = visibility
        if place is not None or clear_place:
            _apply_place(note, place)
        topic_names = _clean_topics(topics, note.title, note.body)
        _check_trust_caps(editor, note.title, note.body)
        if images is not None:
            _clean_images(images, required=going_live)
            _set_images(note, images)
        elif going_live and not note.images.exists():
            raise field_error("images", _("Add at least one photo."), code="images_required")
        _apply_edit_status(note, editor=editor, publish=publish, verdict=verdict)
        _language(note, language)
        note.revision += 1  # the row is locked: no concurrent edit can take the same number
        note.save()
        _set_topics(note, topic_names)
        _set_mentions(note)
        # Publishing a draft, or naming someone new in an edit, tells them; the job skips anyone already told.
        announce_on_commit("note_changed", note.pk)
        notes_index_later(note_ids=[note.pk])
    return note


def note_delete(*, note: Note, actor: User) -> None:
    """Delete at once from every surface (the visibility policy hides deleted notes); purged later."""
    if note.author_id != actor.pk:
        raise Forbidden(_("Only the author can delete this note."), code="not_author")
    note.deleted_at = timezone.now()
    with transaction.atomic():
        note.save(update_fields=["deleted_at"])
        notes_index_later(note_ids=[note.pk])  # removes the index row


def _held_note_for_staff(*, note_id: int, staff: User) -> Note:
    if not staff.is_staff:
        raise Forbidden(code="not_staff")
    note = Note.objects.select_for_update().filter(pk=note_id, deleted_at__isnull=True).first()
    if note is None or note.status != Note.Status.HELD:
        raise NotFound(_("There is no note waiting for review with this ID."), code="note_not_held")
    return note


def _go_live(note: Note) -> None:
    note.status, note.published_at = Note.Status.PUBLISHED, note.published_at or timezone.now()
    note.revision += 1
    note.save(update_fields=["status", "published_at", "revision"])
    announce_on_commit("note_changed", note.pk)
    notes_index_later(note_ids=[note.pk])


def note_release(*, note_id: int, staff: User) -> Note:
    """A moderator lets a held note go live: published now; its mentions are told, search and feeds take it."""
    with transaction.atomic():
        note = _held_note_for_staff(note_id=note_id, staff=staff)
        note.published_at = None  # published now, not when it was first held
        _go_live(note)
        announce_on_commit("held_note_reviewed", note.pk, staff.pk, "dismissed")
    return note


def note_set_held(*, note_id: int, held: bool) -> bool:
    """Moderation's switch: hold a published note pending review (only its author sees it), or let a held one
    go live (it keeps the date it first went live, if it had one). False when the note was not in the state
    to switch from, or is deleted."""
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(pk=note_id, deleted_at__isnull=True).first()
        if note is None or note.status != (Note.Status.PUBLISHED if held else Note.Status.HELD):
            return False
        if held:
            note.status = Note.Status.HELD
            note.save(update_fields=["status"])
            notes_index_later(note_ids=[note.pk])
        else:
            _go_live(note)
    return True


def note_set_removed(*, note_id: int, removed: bool) -> bool:
    """Moderation's removal switch: delete a note as its author would (gone from every surface through the
    visibility policy, and from search), or bring back one a moderator removed. False when the note was not in
    the state to switch from, or no longer exists."""
    with transaction.atomic():
        note = Note.objects.select_for_update().filter(pk=note_id).first()
        if note is None or (note.deleted_at is None) != removed:
            return False
        note.deleted_at = timezone.now() if removed else None
        note.save(update_fields=["deleted_at"])
        notes_index_later(note_ids=[note.pk])
        if not removed:  # back: feeds and embeddings take it again (mentions are told once per note)
            announce_on_commit("note_changed", note.pk)
            announce_on_commit("note_restored", note.pk)
    return True


def note_set_limited(*, note_id: int, limited: bool) -> bool:
    """Moderation's limit switch: keep a note out of the discovery surfaces for everyone but its author's
    followers (`NoteQuerySet.discoverable_for`), or let it back. The search job re-counts its public topics.
    False when the note was already in that state, or no longer exists."""
    with transaction.atomic():
        changed = Note.objects.filter(pk=note_id).exclude(limited=limited).update(limited=limited)
        if changed:
            notes_index_later(note_ids=[note_id])
    return bool(changed)


def note_set_sensitive(*, note_id: int, sensitive: bool) -> bool:
    """Moderation's sensitive switch: the note's photos are blurred until the reader asks to see them. A new
    revision, so no cached rendering shows the old state. False when already in that state, or gone."""
    with transaction.atomic():
        changed = (
            Note.objects.filter(pk=note_id)
            .exclude(sensitive=sensitive)
            .update(sensitive=sensitive, revision=F("revision") + 1)
        )
    return bool(changed)


def note_reject(*, note_id: int, staff: User) -> Note:
    """A moderator turns a held note down: it is deleted as its author would delete it (only they saw it)."""
    with transaction.atomic():
        note = _held_note_for_staff(note_id=note_id, staff=staff)
        note.deleted_at = timezone.now()
        note.save(update_fields=["deleted_at"])
        notes_index_later(note_ids=[note.pk])
        announce_on_commit("held_note_reviewed", note.pk, staff.pk, "upheld")
    return note


PURGE_BATCH = 200


def notes_purge(*, before: datetime, batch: int = PURGE_BATCH) -> tuple[int, int]:
    """Remove for good the notes deleted before `before` (by their authors or by moderators), with their
    photos: rows, files (after commit) and everything that hangs off them by foreign key (images, topics,
    mentions, revisions, comments, likes, collects, counters, notifications, embeddings). Returns (notes,
    files removed).

    Tables that name a note by plain id are told, not written: the search index through its outbox (the
    drain sees the note gone and removes its index row and its topics' public counts), the rest through the
    `notes_purged` event (feed lists, the explore pool, translations). In batches, one transaction each, so
    a purge of many notes never holds a long lock; a batch interrupted is simply done again next time.
    """
    notes = files = 0
    while True:
        with transaction.atomic():
            ids = list(
                Note.objects.filter(deleted_at__lt=before).order_by("pk").values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return notes, files
            media = list(MediaAsset.objects.filter(note_image__note_id__in=ids))
            media_delete_files_on_commit(media=media)
            files += sum(len(media_storage_keys(asset)) for asset in media)
            notes_index_later(note_ids=ids)
            Note.objects.filter(pk__in=ids).delete()
            MediaAsset.objects.filter(pk__in=[asset.pk for asset in media]).delete()
            announce_on_commit("notes_purged", ids)
        notes += len(ids)
