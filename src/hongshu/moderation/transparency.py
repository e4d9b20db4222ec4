"""The transparency report: what moderation decided in a period, by rule, outcome, detection and language.

Counted from the cases and reports themselves (aggregate queries over the period, not a scan of the event
log). Detection: `automated` (screening, spam bursts, the door's hold of new accounts' first notes) or
`reported` (members' reports). Screening precision per rule is the share of automated cases a moderator
upheld. Appeals, by the rule of the decision appealed: filed in the period, decided upheld or overturned in
the period; the appeal rate is appeals filed per action taken in the period, the reversal rate the share of
decided appeals that overturned the decision (an overturn counts against the original decision's rule).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from hongshu.moderation.models import Action, Appeal, Case, Report

AUTOMATED = frozenset({Case.Source.SCREENING, Case.Source.BURST, Case.Source.NEW_ACCOUNT})
PERIOD_DEFAULT_DAYS = 30
PERIOD_MAX_DAYS = 366


def detection_of(source: str) -> str:
    return "automated" if source in AUTOMATED else "reported"


@dataclass(frozen=True)
class DecisionCount:
    rule: str
    decision: str
    detection: str
    language: str
    count: int


@dataclass(frozen=True)
class Precision:
    rule: str
    upheld: int
    dismissed: int

    @property
    def value(self) -> float | None:
        total = self.upheld + self.dismissed
        return round(self.upheld / total, 3) if total else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass(frozen=True)
class AppealCount:
    """Appeals of the decisions under one rule (see the module docstring for what counts in the period)."""

    rule: str
    actions: int
    filed: int
    upheld: int
    overturned: int

    @property
    def appeal_rate(self) -> float | None:
        return _rate(self.filed, self.actions)

    @property
    def reversal_rate(self) -> float | None:
        return _rate(self.overturned, self.upheld + self.overturned)

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "appeal_rate": self.appeal_rate, "reversal_rate": self.reversal_rate}


@dataclass(frozen=True)
class TransparencyReport:
    start: date
    end: date  # inclusive
    decisions: list[DecisionCount] = field(default_factory=list)
    reports_received: dict[str, int] = field(default_factory=dict)  # by the content's language
    cases_opened: dict[str, int] = field(default_factory=dict)  # by detection
    median_hours_to_decision: dict[str, float] = field(default_factory=dict)  # report → decision, by language
    precision: list[Precision] = field(default_factory=list)
    appeals: list[AppealCount] = field(default_factory=list)

    @property
    def appeals_total(self) -> AppealCount:
        def total(key: str) -> int:
            return sum(getattr(row, key) for row in self.appeals)

        return AppealCount("", total("actions"), total("filed"), total("upheld"), total("overturned"))

    def totals(self, key: str) -> dict[str, int]:
        """Decisions summed by one of "rule", "decision", "detection", "language"."""
        counts: Counter[str] = Counter()
        for row in self.decisions:
            counts[getattr(row, key)] += row.count
        return dict(counts.most_common())

    def as_dict(self) -> dict[str, object]:
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "decisions": [row.__dict__ for row in self.decisions],
            "decisions_by": {key: self.totals(key) for key in ("rule", "decision", "detection", "language")},
            "reports_received": self.reports_received,
            "cases_opened": self.cases_opened,
            "median_hours_to_decision": self.median_hours_to_decision,
            "screening_precision": [
                {"rule": p.rule, "upheld": p.upheld, "dismissed": p.dismissed, "precision": p.value}
                for p in self.precision
            ],
            "appeals": {
                **{k: v for k, v in self.appeals_total.as_dict().items() if k != "rule"},
                "by_rule": [row.as_dict() for row in self.appeals],
            },
        }

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "key", "value"])
        writer.writerow(["period", "start", self.start.isoformat()])
        writer.writerow(["period", "end", self.end.isoformat()])
        for row in self.decisions:
            key = f"{row.rule or '-'}/{row.decision}/{row.detection}/{row.language}"
            writer.writerow(["decisions", key, row.count])
        for language, count in self.reports_received.items():
            writer.writerow(["reports_received", language, count])
        for detection, count in self.cases_opened.items():
            writer.writerow(["cases_opened", detection, count])
        for language, hours in self.median_hours_to_decision.items():
            writer.writerow(["median_hours_to_decision", language, hours])
        for p in self.precision:
            writer.writerow(["screening_precision", p.rule or "-", "" if p.value is None else p.value])
        for key, value in self.appeals_total.as_dict().items():
            if key != "rule":
                writer.writerow(["appeals", key, "" if value is None else value])
        for appealed in self.appeals:
            for key, value in appealed.as_dict().items():
                if key != "rule":
                    writer.writerow(
                        ["appeals_by_rule", f"{appealed.rule or '-'}/{key}", "" if value is None else value]
                    )
        return out.getvalue()


def period(*, start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for, defaulting to the last 30 days and bounded to a year (end inclusive)."""
    end = end or timezone.localdate()
    start = start or end - timedelta(days=PERIOD_DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= PERIOD_MAX_DAYS:
        start = end - timedelta(days=PERIOD_MAX_DAYS - 1)
    return start, end


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def transparency_report(*, start: date | None = None, end: date | None = None) -> TransparencyReport:
    start, end = period(start=start, end=end)
    since, until = _bounds(start, end)
    decided = Case.objects.filter(decided_at__gte=since, decided_at__lt=until).exclude(decision="")
    rows = decided.values("rule_code", "decision", "source", "language").annotate(n=Count("id"))
    merged: Counter[tuple[str, str, str, str]] = Counter()
    precision: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        detection = detection_of(row["source"])
        merged[(row["rule_code"], row["decision"], detection, row["language"])] += row["n"]
        if detection == "automated":
            precision[row["rule_code"]][row["decision"]] += row["n"]
    decisions = [DecisionCount(*key, count=n) for key, n in sorted(merged.items(), key=lambda kv: -kv[1])]
    reports = Report.objects.filter(created_at__gte=since, created_at__lt=until)
    received = dict(
        reports.values_list("case__language")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("case__language", "n")
    )
    opened: Counter[str] = Counter()
    for source, n in (
        Case.objects.filter(created_at__gte=since, created_at__lt=until)
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    ):
        opened[detection_of(source)] += n
    waits: dict[str, list[float]] = defaultdict(list)
    answered = Report.objects.filter(decided_at__gte=since, decided_at__lt=until, ignored=False)
    for language, created, decided_at in answered.values_list("case__language", "created_at", "decided_at"):
        if decided_at is not None:
            waits[language].append((decided_at - created).total_seconds() / 3600)
    return TransparencyReport(
        appeals=_appeals(since, until),
        start=start,
        end=end,
        decisions=decisions,
        reports_received=received,
        cases_opened=dict(opened),
        median_hours_to_decision={lang: round(statistics.median(w), 2) for lang, w in sorted(waits.items())},
        precision=[
            Precision(rule, c[Case.Decision.UPHELD], c[Case.Decision.DISMISSED])
            for rule, c in sorted(precision.items())
        ],
    )


def _appeals(since: datetime, until: datetime) -> list[AppealCount]:
    """Per rule of the decision: actions taken, appeals filed, and appeals decided each way in the period."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    taken = Action.objects.filter(created_at__gte=since, created_at__lt=until)
    for rule, n in taken.values_list("rule_code").annotate(n=Count("id")).values_list("rule_code", "n"):
        counts[rule]["actions"] += n
    filed = Appeal.objects.filter(created_at__gte=since, created_at__lt=until)
    for rule, n in (
        filed.values_list("action__rule_code").annotate(n=Count("id")).values_list("action__rule_code", "n")
    ):
        counts[rule]["filed"] += n
    decided = Appeal.objects.filter(decided_at__gte=since, decided_at__lt=until).exclude(
        state=Appeal.State.OPEN
    )
    for rule, state, n in (
        decided.values_list("action__rule_code", "state")
        .annotate(n=Count("id"))
        .values_list("action__rule_code", "state", "n")
    ):
        counts[rule][state] += n
    return [
        AppealCount(rule, c["actions"], c["filed"], c[Appeal.State.UPHELD], c[Appeal.State.OVERTURNED])
        for rule, c in sorted(counts.items())
    ]
