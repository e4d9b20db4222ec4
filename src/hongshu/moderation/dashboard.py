"""The surge dashboard (issue 25 item 9): is moderation keeping up with a wave of newcomers?

- sign-ups per hour over the last `SIGNUP_HOURS` hours (UTC hours, the current one partial, oldest first);
- per language bucket (zh, en, other — `accounts.roles.STAFF_LANGUAGES`, as staff declare what they read):
  the backlog (open and claimed cases by the language of their content), the staff on duty who read it,
  and the measured decision rate — cases staff decided in the last `RATE_HOURS` hours, per hour;
- the projected time to clear each backlog at that rate: `backlog / rate` hours, 0 with no backlog, and
  None ("not at this rate") when there is a backlog but nobody decided anything in the window.

The rate is what the team did, not what the people on duty could do: with no shift records, the last day's
decisions are the only measurement that is not a guess. Each number is one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count
from django.db.models.functions import TruncHour
from django.utils import timezone

from hongshu.accounts.models import StaffProfile, User
from hongshu.accounts.roles import STAFF_LANGUAGES, require_role
from hongshu.moderation.models import Case

SIGNUP_HOURS = 48
RATE_HOURS = 24


def language_bucket(code: str) -> str:
    """A content language code as the queue bucket staff read: "zh…" → zh, "en…" → en, anything else other."""
    code = (code or "").lower()
    if code.startswith("zh"):
        return "zh"
    if code == "en" or code.startswith("en-"):
        return "en"
    return "other"


@dataclass(frozen=True)
class LanguageLoad:
    language: str
    backlog: int
    on_duty: int
    decisions: int  # in the last RATE_HOURS
    rate_per_hour: float
    hours_to_clear: float | None


@dataclass(frozen=True)
class Dashboard:
    at: datetime
    signup_hours: int
    rate_hours: int
    signups: list[tuple[datetime, int]]  # (start of the UTC hour, sign-ups), oldest first
    languages: list[LanguageLoad]

    @property
    def signups_total(self) -> int:
        return sum(n for _hour, n in self.signups)


def _signups(now: datetime) -> list[tuple[datetime, int]]:
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    start = current - timedelta(hours=SIGNUP_HOURS - 1)
    rows = (
        User.objects.filter(date_joined__gte=start, date_joined__lte=now)
        .annotate(hour=TruncHour("date_joined", tzinfo=UTC))
        .values("hour")
        .annotate(n=Count("pk"))
        .values_list("hour", "n")
    )
    counts = {hour.astimezone(UTC): n for hour, n in rows}
    return [(hour, counts.get(hour, 0)) for hour in (start + timedelta(hours=i) for i in range(SIGNUP_HOURS))]


def _by_bucket(rows: list[tuple[str, int]]) -> dict[str, int]:
    totals = dict.fromkeys(STAFF_LANGUAGES, 0)
    for code, n in rows:
        totals[language_bucket(code)] += n
    return totals


def surge_dashboard(*, staff: User, now: datetime | None = None) -> Dashboard:
    """See the module's docstring. Triage and up."""
    require_role(staff, "triage")
    now = now or timezone.now()
    backlog = _by_bucket(
        list(
            Case.objects.filter(state__in=Case.ACTIVE_STATES)
            .values("language")
            .annotate(n=Count("pk"))
            .values_list("language", "n")
        )
    )
    decided = _by_bucket(
        list(
            Case.objects.filter(
                decided_at__gt=now - timedelta(hours=RATE_HOURS),
                decided_at__lte=now,
                decided_by__isnull=False,
            )
            .values("language")
            .annotate(n=Count("pk"))
            .values_list("language", "n")
        )
    )
    on_duty = dict.fromkeys(STAFF_LANGUAGES, 0)
    profiles = StaffProfile.objects.filter(on_duty=True, user__is_active=True, user__is_staff=True)
    for languages in profiles.values_list("languages", flat=True):
        for code in set(languages or []):
            if code in on_duty:
                on_duty[code] += 1
    loads = []
    for language in STAFF_LANGUAGES:
        rate = decided[language] / RATE_HOURS
        hours = 0.0 if backlog[language] == 0 else (backlog[language] / rate if rate else None)
        loads.append(
            LanguageLoad(
                language=language,
                backlog=backlog[language],
                on_duty=on_duty[language],
                decisions=decided[language],
                rate_per_hour=round(rate, 3),
                hours_to_clear=round(hours, 2) if hours is not None else None,
            )
        )
    return Dashboard(
        at=now, signup_hours=SIGNUP_HOURS, rate_hours=RATE_HOURS, signups=_signups(now), languages=loads
    )
