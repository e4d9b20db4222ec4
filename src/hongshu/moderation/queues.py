"""The moderation queues (reads): which queue a case is in, who may work which queue, and each queue's cases
in priority order with its counts and oldest case.

Routing: a case's queue follows the language of its content (`Case.queue`, a generated column): `zh` for
Chinese in any script, `en` for English, `other` for everything else (including undetermined). A language
queue nobody on duty reads (from the declared languages of the staff profiles on duty) is *shared*: its
cases are also listed in the `shared` queue, which anyone on staff may work, and which shows each case's
machine translation — or, without a translation provider, the dictionary gloss — beside the original.

Who sees what: a staff member sees the queues of the languages they read plus the shared one; admins see
every queue. Order: the stored `priority` (moderation.leases keeps it; the formula is moderation.selectors'),
highest first, then the oldest id — an index scan per queue (`case_queue_priority`), so a page costs the
same with 100 or 100,000 open cases (docs/benchmarks.md#moderation-queues).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hongshu.accounts import roles
from hongshu.accounts.models import StaffProfile, User
from hongshu.comments.models import Comment
from hongshu.core.errors import Forbidden, InvalidInput, NotFound
from hongshu.language.translation.base import TranslationFailure
from hongshu.language.translation.service import provider_get
from hongshu.moderation.models import Case, SubjectType
from hongshu.notes.models import Note

LANGUAGES = ("zh", "en", "other")
SHARED = "shared"
QUEUES = (*LANGUAGES, SHARED)
QUEUE_LABELS: dict[str, Promise] = {
    "zh": _("Chinese"),
    "en": _("English"),
    "other": _("Other languages"),
    SHARED: _("Shared"),
}
PAGE_MAX = 100
EXCERPT = 280  # characters of a subject's text shown (and translated) in a queue's list
TRANSLATION_CACHE_SECONDS = 24 * 3600


def queue_of(language: str) -> str:
    """The queue of a content language code; the same rule as the `Case.queue` generated column."""
    if language.startswith("zh"):
        return "zh"
    if language.startswith("en"):
        return "en"
    return "other"


def languages_read(*, staff: User) -> list[str]:
    """The queue languages the staff member declared they read (cached on the user for the request)."""
    cached: list[str] | None = getattr(staff, "_hongshu_languages", None)
    if cached is None:
        profile = StaffProfile.objects.filter(user=staff).values_list("languages", flat=True).first()
        cached = [code for code in LANGUAGES if code in (profile or [])]
        staff._hongshu_languages = cached  # type: ignore[attr-defined]
    return cached


def on_duty_languages() -> set[str]:
    """The queue languages read by at least one staff member on duty now."""
    rows = StaffProfile.objects.filter(on_duty=True, user__is_active=True).filter(
        Q(user__is_staff=True) | Q(user__is_superuser=True)
    )
    return {code for languages in rows.values_list("languages", flat=True) for code in languages or []}


def shared_languages(*, on_duty: set[str] | None = None) -> list[str]:
    """The language queues that are shared now (nobody on duty reads them)."""
    covered = on_duty_languages() if on_duty is None else on_duty
    return [code for code in LANGUAGES if code not in covered]


def queues_visible(*, staff: User) -> list[str]:
    """The queues a staff member works: every queue for admins, else the languages they read and shared."""
    roles.require_role(staff, "triage")
    if roles.has_role(staff, "admin"):
        return list(QUEUES)
    return [*languages_read(staff=staff), SHARED]


def require_queue(*, staff: User, queue: str, on_duty: set[str] | None = None) -> list[str]:
    """The language queues `queue` stands for (the shared one: those nobody on duty reads), if the staff member
    may work it: 404 for an unknown queue, 403 `language_not_read` for a language they do not read."""
    roles.require_role(staff, "triage")
    if queue not in QUEUES:
        raise NotFound(_("There is no such queue."), code="queue_not_found")
    if queue == SHARED:
        return shared_languages(on_duty=on_duty)
    if queue not in queues_visible(staff=staff):
        raise Forbidden(
            _(
                "This is the %(queue)s queue, and you do not read that language. Add it to your languages "
                "if you do, or work the shared queue."
            )
            % {"queue": QUEUE_LABELS[queue]},
            code="language_not_read",
            extra={"queue": queue},
        )
    return [queue]


@dataclass(frozen=True)
class QueueSummary:
    queue: str
    label: str
    languages: list[str]  # the language queues it stands for
    waiting: int  # active cases nobody holds a live claim on (at least, when `more`)
    claimed: int
    more: bool  # counting stopped at COUNT_CAP cases in one of its language queues: there are more
    oldest_at: datetime | None  # the oldest active case's opening
    shared: bool  # a language queue nobody on duty reads (its cases are in the shared queue too)

    @property
    def total(self) -> int:
        return self.waiting + self.claimed

    @property
    def oldest_age_hours(self) -> float | None:
        if self.oldest_at is None:
            return None
        return round(max((timezone.now() - self.oldest_at).total_seconds(), 0) / 3600, 2)


# Counting a backlog costs a scan of its index entries: past this many a console learns "more than 10,000"
# and the age of the oldest case, which is what decides what to do (docs/benchmarks.md#moderation-queues).
COUNT_CAP = 10_000


def _language_totals(language: str) -> tuple[int, datetime | None]:
    """(active cases, up to COUNT_CAP + 1; the oldest one's opening): index-only scans of `case_queue_age`."""
    active = Case.objects.filter(queue=language, state__in=Case.ACTIVE_STATES)
    count = active.order_by().values("created_at")[: COUNT_CAP + 1].count()
    oldest = active.order_by("created_at").values_list("created_at", flat=True).first()
    return count, oldest


def queue_summaries(*, staff: User) -> list[QueueSummary]:
    """The staff member's queues with their counts (capped at COUNT_CAP per language) and the age of their
    oldest case: two index-only scans per language, the live claims, and the duty roster."""
    visible = queues_visible(staff=staff)
    now = timezone.now()
    shared = shared_languages()
    needed = {code for queue in visible for code in (shared if queue == SHARED else [queue])}
    totals = {code: _language_totals(code) for code in LANGUAGES if code in needed}
    held = {
        row["queue"]: row["n"]
        for row in Case.objects.filter(state=Case.State.CLAIMED)
        .filter(Q(lease_until__gt=now) | Q(lease_until__isnull=True))
        .values("queue")
        .annotate(n=Count("id"))
        .order_by()
    }
    summaries = []
    for queue in visible:
        languages = shared if queue == SHARED else [queue]
        counts = [min(totals[code][0], COUNT_CAP) for code in languages]
        claimed = sum(held.get(code, 0) for code in languages)
        oldest = [at for code in languages if (at := totals[code][1]) is not None]
        summaries.append(
            QueueSummary(
                queue=queue,
                label=str(QUEUE_LABELS[queue]),
                languages=languages,
                waiting=max(sum(counts) - claimed, 0),
                claimed=claimed,
                more=any(totals[code][0] > COUNT_CAP for code in languages),
                oldest_at=min(oldest) if oldest else None,
                shared=queue != SHARED and queue in shared,
            )
        )
    return summaries


@dataclass(frozen=True)
class ShownTranslation:
    """A machine translation or a dictionary gloss of a case's text, labelled as what it is."""

    kind: str  # "translation", "gloss" or "unavailable"
    provider: str
    target: str
    text: str

    @property
    def label(self) -> str:
        if self.kind == "gloss":
            return str(_("Dictionary gloss (word by word, not a translation)"))
        if self.kind == "translation":
            return str(_("Machine translation (%(provider)s)") % {"provider": self.provider})
        return str(_("No translation available now"))


def translation_of(*, text: str, source: str, target: str) -> ShownTranslation:
    """`text` translated by the configured provider, or glossed word by word without one; cached a day by
    content. A provider's failure shows as "unavailable", never as a silent gloss (docs/language.md)."""
    provider = provider_get()
    digest = hashlib.sha256(f"{provider.name}\x00{source}\x00{target}\x00{text}".encode()).hexdigest()
    key = f"moderation:shared:{digest}"
    cached: ShownTranslation | None = cache.get(key)
    if cached is not None:
        return cached
    try:
        result = provider.translate(text=text, source=source, target=target)
    except TranslationFailure:
        return ShownTranslation(kind="unavailable", provider=provider.name, target=target, text="")
    shown = ShownTranslation(kind=result.kind, provider=result.provider, target=target, text=result.text)
    cache.set(key, shown, TRANSLATION_CACHE_SECONDS)
    return shown


def subject_texts(cases: list[Case]) -> dict[tuple[str, int], str]:
    """What each case's subject says (a note's title and body, a comment, a member's name and bio — the held
    version when screening held one), as staff read it: one query per subject type."""
    ids: dict[str, list[int]] = {kind: [] for kind in SubjectType.values}
    for case in cases:
        ids[case.subject_type].append(case.subject_id)
    texts: dict[tuple[str, int], str] = {}
    if ids[SubjectType.NOTE]:
        for pk, title, body in Note.objects.filter(pk__in=ids[SubjectType.NOTE]).values_list(
            "pk", "title", "body"
        ):
            texts[(SubjectType.NOTE, pk)] = f"{title}\n{body}".strip()
    if ids[SubjectType.COMMENT]:
        for pk, body in Comment.objects.filter(pk__in=ids[SubjectType.COMMENT]).values_list("pk", "body"):
            texts[(SubjectType.COMMENT, pk)] = body
    if ids[SubjectType.MEMBER]:
        rows = User.objects.filter(pk__in=ids[SubjectType.MEMBER]).values_list(
            "pk", "display_name", "bio", "pending_profile"
        )
        for pk, name, bio, pending in rows:
            held: dict[str, Any] = pending if isinstance(pending, dict) else {}
            name_shown = str(held.get("display_name") or name)
            texts[(SubjectType.MEMBER, pk)] = f"{name_shown}\n{held.get('bio') or bio}".strip()
    return texts


@dataclass(frozen=True)
class QueueRow:
    case: Case
    priority: float
    age_hours: float
    excerpt: str
    lease_live: bool  # someone holds a claim that has not run out
    translation: ShownTranslation | None  # in the shared queue only

    @property
    def escalated_to(self) -> str | None:
        return roles.ROLES[min(self.case.escalation, 2)] if self.case.escalation else None


@dataclass(frozen=True)
class QueuePage:
    queue: str
    languages: list[str]
    rows: list[QueueRow]
    next_cursor: str | None


def _parse_cursor(cursor: str) -> tuple[float, int]:
    priority, _sep, pk = cursor.partition("_")
    try:
        return float(priority), int(pk)
    except ValueError:
        raise InvalidInput(_("This cursor is not valid."), code="invalid_cursor") from None


def queue_cases(
    *, staff: User, queue: str, limit: int = 50, cursor: str = "", target: str = "en"
) -> QueuePage:
    """A page of the queue's active cases, highest priority first (then oldest). `cursor` continues after the
    last row of the previous page (its `next_cursor`). In the shared queue each row carries its text's
    translation into `target` (a translation target: "en", "zh-Hans"…)."""
    languages = require_queue(staff=staff, queue=queue)
    limit = max(1, min(limit, PAGE_MAX))
    after = _parse_cursor(cursor) if cursor else None
    candidates: list[Case] = []
    for language in languages:  # one index scan each; the shared queue merges them
        rows = Case.objects.filter(queue=language, state__in=Case.ACTIVE_STATES)
        if after is not None:
            rows = rows.filter(Q(priority__lt=after[0]) | Q(priority=after[0], id__gt=after[1]))
        candidates.extend(rows.select_related("claimed_by").order_by("-priority", "id")[: limit + 1])
    candidates.sort(key=lambda case: (-case.priority, case.pk))
    page, more = candidates[:limit], len(candidates) > limit
    texts = subject_texts(page)
    now = timezone.now()
    rows_out = []
    for case in page:
        excerpt = texts.get((case.subject_type, case.subject_id), "")[:EXCERPT]
        translation = None
        if queue == SHARED and excerpt and queue_of(case.language) != queue_of(target):
            translation = translation_of(text=excerpt, source=case.language, target=target)
        rows_out.append(
            QueueRow(
                case=case,
                priority=round(case.priority, 3),
                age_hours=round(max((now - case.created_at).total_seconds(), 0) / 3600, 2),
                excerpt=excerpt,
                lease_live=case.state == Case.State.CLAIMED
                and (case.lease_until is None or case.lease_until > now),
                translation=translation,
            )
        )
    last = page[-1] if page and more else None
    return QueuePage(
        queue=queue,
        languages=languages,
        rows=rows_out,
        next_cursor=f"{last.priority!r}_{last.pk}" if last is not None else None,
    )


def best_first(languages: list[str]) -> list[str]:
    """Language queues ordered by their top case's priority (for claiming the next case of the shared queue)."""
    tops = []
    for language in languages:
        top = (
            Case.objects.filter(queue=language, state__in=Case.ACTIVE_STATES)
            .order_by("-priority", "id")
            .values_list("priority", flat=True)
            .first()
        )
        if top is not None:
            tops.append((-top, language))
    return [language for _top, language in sorted(tops)]


def row_of(case: Case) -> QueueRow:
    """One case as a queue lists it (without a translation), e.g. after claiming or releasing it."""
    now = timezone.now()
    excerpt = subject_texts([case]).get((case.subject_type, case.subject_id), "")[:EXCERPT]
    return QueueRow(
        case=case,
        priority=round(case.priority, 3),
        age_hours=round(max((now - case.created_at).total_seconds(), 0) / 3600, 2),
        excerpt=excerpt,
        lease_live=case.state == Case.State.CLAIMED and (case.lease_until is None or case.lease_until > now),
        translation=None,
    )
