"""The moderator console's reads (issue 25 item 9): everything a case page shows beside the case itself —
the content in full whatever its state (a note with its photos, a comment, a profile with its held name or
bio), its translation on request, the member's history (account age, trust level, notes), their strikes and
the earlier decisions about them — and the cases before and after it in the queue, for j/k.

Staff read content here past the visibility policy on purpose: a held or removed note is exactly what a
moderator must see. Every function requires the triage role first (`accounts.roles.require_role`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from hongshu.accounts.models import Strike, User
from hongshu.accounts.roles import require_role
from hongshu.comments.models import Comment
from hongshu.core.errors import NotFound
from hongshu.core.ids import MAX_ID
from hongshu.language.translation.base import TranslationFailure
from hongshu.language.translation.service import ContentTranslation, staff_content_translate
from hongshu.media.models import MediaAsset
from hongshu.moderation.models import Action, Case, CaseSubject, Report, SubjectType
from hongshu.moderation.selectors import CaseDetail, CaseRow, _rows, case_detail, cases_queue
from hongshu.notes.models import Note, NoteImage

HISTORY_SHOWN = 50
CONTENT_STATES = {
    "published": pgettext_lazy("content state", "published"),
    "held": pgettext_lazy("content state", "held for review"),
    "draft": pgettext_lazy("content state", "draft"),
    "removed": pgettext_lazy("content state", "removed"),
    "active": pgettext_lazy("content state", "active"),
    "inactive": pgettext_lazy("content state", "inactive"),
    "missing": pgettext_lazy("content state", "gone"),
}


@dataclass(frozen=True)
class CaseContent:
    """What the case's subject says, as its author wrote it. `state` is one of published, held, draft,
    removed (deleted by a moderator or its author), active or inactive (a member), missing."""

    subject_type: str
    subject_id: int
    state: str
    title: str = ""
    body: str = ""
    language: str = "und"
    member_id: int | None = None  # the author, or the member themself
    note_id: int | None = None  # a comment's note
    media_ids: tuple[int, ...] = ()
    handle: str = ""
    # A member's display name and bio that screening held, unseen by others until released.
    pending: dict[str, str] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.state != "missing"

    @property
    def state_label(self) -> str:
        return str(CONTENT_STATES.get(self.state, self.state))


@dataclass(frozen=True)
class StrikeRow:
    strike: Strike
    active: bool


@dataclass(frozen=True)
class MemberHistory:
    member: User
    age_days: int
    trust_level: int
    notes_count: int
    strikes: list[StrikeRow]
    actions: list[Action]  # decisions about the member outside this case, newest first

    @property
    def active_strikes(self) -> int:
        return sum(1 for row in self.strikes if row.active)


@dataclass(frozen=True)
class CaseConsole:
    detail: CaseDetail
    content: CaseContent
    history: MemberHistory | None
    translation: ContentTranslation | None
    translation_error: str  # a TranslationFailure's reason when one was asked for and failed
    previous_id: int | None  # the neighbours in the staff's queue order
    next_id: int | None


def _contents(cases: list[Case]) -> dict[int, CaseContent]:
    """Each case's content, read in one query per kind of subject whatever the number of cases."""
    ids: dict[str, set[int]] = {kind: set() for kind in SubjectType.values}
    for case in cases:
        ids[case.subject_type].add(case.subject_id)
    notes = Note.objects.in_bulk(ids[SubjectType.NOTE]) if ids[SubjectType.NOTE] else {}
    photos: dict[int, list[int]] = {}
    if notes:
        rows = (
            NoteImage.objects.filter(note_id__in=notes, media__state=MediaAsset.State.READY)
            .order_by("note_id", "position")
            .values_list("note_id", "media_id")
        )
        for note_id, media_id in rows:
            photos.setdefault(note_id, []).append(media_id)
    comments = Comment.objects.in_bulk(ids[SubjectType.COMMENT]) if ids[SubjectType.COMMENT] else {}
    members = User.objects.in_bulk(ids[SubjectType.MEMBER]) if ids[SubjectType.MEMBER] else {}
    contents = {}
    for case in cases:
        contents[case.pk] = _content_of(case, notes, photos, comments, members)
    return contents


def _content_of(
    case: Case,
    notes: dict[int, Note],
    photos: dict[int, list[int]],
    comments: dict[int, Comment],
    members: dict[int, User],
) -> CaseContent:
    subject_type, subject_id = case.subject_type, case.subject_id
    if subject_type == SubjectType.NOTE:
        note = notes.get(subject_id)
        if note is None:
            return CaseContent(subject_type, subject_id, "missing")
        return CaseContent(
            subject_type,
            subject_id,
            "removed" if note.deleted_at else str(note.status),
            title=note.title,
            body=note.body,
            language=note.language,
            member_id=note.author_id,
            media_ids=tuple(photos.get(note.pk, ())),
        )
    if subject_type == SubjectType.COMMENT:
        comment = comments.get(subject_id)
        if comment is None:
            return CaseContent(subject_type, subject_id, "missing")
        state = "removed" if comment.deleted_at else "held" if comment.held else "published"
        return CaseContent(
            subject_type,
            subject_id,
            state,
            body=comment.body,
            language=comment.language,
            member_id=comment.author_id,
            note_id=comment.note_id,
        )
    member = members.get(subject_id)
    if member is None:
        return CaseContent(subject_type, subject_id, "missing")
    pending = member.pending_profile if isinstance(member.pending_profile, dict) else {}
    return CaseContent(
        subject_type,
        subject_id,
        "active" if member.is_active else "inactive",
        title=member.display_name,
        body=member.bio,
        language=member.bio_language or "und",
        member_id=member.pk,
        handle=member.handle,
        pending={str(k): str(v) for k, v in pending.items() if k in ("display_name", "bio")},
    )


def case_content(*, case: Case) -> CaseContent:
    return _contents([case])[case.pk]


def member_history(
    *, member_id: int, case_id: int | None = None, now: datetime | None = None
) -> MemberHistory | None:
    """The member's standing as a moderator weighs it: age, trust level, published notes, strikes (active:
    unexpired and not removed) and decisions about them outside `case_id`."""
    member = User.objects.filter(pk=member_id).first()
    if member is None:
        return None
    now = now or timezone.now()
    strikes = [
        StrikeRow(s, s.removed_at is None and s.expires_at > now)
        for s in Strike.objects.filter(user_id=member_id).order_by("-created_at")[:HISTORY_SHOWN]
    ]
    earlier = Action.objects.filter(member_id=member_id)
    if case_id is not None:
        earlier = earlier.exclude(case_id=case_id)
    notes = Note.objects.filter(author_id=member_id, deleted_at__isnull=True, status=Note.Status.PUBLISHED)
    return MemberHistory(
        member=member,
        age_days=max((now - member.date_joined).days, 0),
        trust_level=member.trust_level,
        notes_count=notes.count(),
        strikes=strikes,
        actions=list(earlier.select_related("staff").order_by("-id")[:HISTORY_SHOWN]),
    )


def _translation(content: CaseContent, *, staff: User, target: str) -> tuple[ContentTranslation | None, str]:
    if not content.exists or not (content.title.strip() or content.body.strip()):
        return None, ""
    try:
        return (
            staff_content_translate(
                content_type=content.subject_type,
                object_id=content.subject_id,
                title=content.title,
                body=content.body,
                language=content.language,
                target=target,
                staff=staff,
            ),
            "",
        )
    except TranslationFailure as failure:
        return None, failure.reason


def _neighbours(staff: User, case_id: int) -> tuple[int | None, int | None]:
    ids = [row.case.pk for row in cases_queue(staff=staff, limit=200)]
    if case_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(case_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def case_console(*, staff: User, case_id: int, translate_to: str | None = None) -> CaseConsole:
    """The case page's data. `translate_to` ("en", "zh-Hans"): also translate the content (the configured
    provider, or the dictionary gloss when there is none — `ContentTranslation.kind` says which)."""
    require_role(staff, "triage")
    detail = case_detail(staff=staff, case_id=case_id)
    case = detail.row.case
    content = case_content(case=case)
    history = (
        member_history(member_id=content.member_id, case_id=case.pk)
        if content.member_id is not None
        else None
    )
    translation, error = (None, "")
    if translate_to:
        translation, error = _translation(content, staff=staff, target=translate_to)
    previous_id, next_id = _neighbours(staff, case.pk)
    return CaseConsole(detail, content, history, translation, error, previous_id, next_id)


@dataclass(frozen=True)
class MemberSummary:
    member: User
    age_days: int
    trust_level: int
    notes_count: int
    active_strikes: int
    decisions: int  # actions about the member, all cases


@dataclass(frozen=True)
class ReviewItem:
    """One case of a bulk selection, as the review before confirming shows it."""

    case_id: int
    case: Case | None  # None: no such case
    row: CaseRow | None = None  # its priority and reach, as the queue ranks it
    content: CaseContent | None = None
    reports: list[Report] = field(default_factory=list)
    member: MemberSummary | None = None


def _summaries(member_ids: set[int], now: datetime) -> dict[int, MemberSummary]:
    if not member_ids:
        return {}
    members = User.objects.in_bulk(member_ids)
    notes = dict(
        Note.objects.filter(author_id__in=member_ids, deleted_at__isnull=True, status=Note.Status.PUBLISHED)
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    strikes = dict(
        Strike.objects.filter(user_id__in=member_ids, removed_at__isnull=True, expires_at__gt=now)
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    decisions = dict(
        Action.objects.filter(member_id__in=member_ids)
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n")
    )
    return {
        pk: MemberSummary(
            member=member,
            age_days=max((now - member.date_joined).days, 0),
            trust_level=member.trust_level,
            notes_count=notes.get(pk, 0),
            active_strikes=strikes.get(pk, 0),
            decisions=decisions.get(pk, 0),
        )
        for pk, member in members.items()
    }


def cases_review(*, staff: User, case_ids: list[int]) -> list[ReviewItem]:
    """The cases of a bulk selection, in the order given, each with its content, reports and the member's
    standing: a fixed number of queries whatever the number of cases. Triage and up (acting needs more)."""
    require_role(staff, "triage")
    ids = list(dict.fromkeys(case_ids))
    cases = Case.objects.select_related("claimed_by").in_bulk([i for i in ids if 0 < i <= MAX_ID])
    rows = {row.case.pk: row for row in _rows(list(cases.values()), timezone.now())}
    contents = _contents(list(cases.values()))
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(case_id__in=cases).select_related("reporter").order_by("id"):
        reports.setdefault(report.case_id, []).append(report)
    members = {c.member_id for c in contents.values() if c.member_id is not None}
    summaries = _summaries(members, timezone.now())
    items = []
    for case_id in ids:
        case = cases.get(case_id)
        if case is None:
            items.append(ReviewItem(case_id, None))
            continue
        content = contents[case_id]
        member = summaries.get(content.member_id) if content.member_id is not None else None
        items.append(ReviewItem(case_id, case, rows[case_id], content, reports.get(case_id, []), member))
    return items


def case_media(*, staff: User, case_id: int, media_id: int) -> MediaAsset:
    """A processed photo of a note the case covers, whatever the note's state (NotFound otherwise)."""
    require_role(staff, "triage")
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        raise NotFound(code="case_not_found")
    notes = {case.subject_id} if case.subject_type == SubjectType.NOTE else set()
    notes |= set(
        CaseSubject.objects.filter(case=case, subject_type=SubjectType.NOTE).values_list(
            "subject_id", flat=True
        )
    )
    image = (
        NoteImage.objects.filter(media_id=media_id, note_id__in=notes, media__state=MediaAsset.State.READY)
        .select_related("media")
        .first()
    )
    if image is None:
        raise NotFound(code="media_not_found")
    return image.media
