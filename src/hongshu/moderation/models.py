"""Cases, the reports that feed them, and each reporter's standing.

A case is about one subject ("note:<id>", "comment:<id>", "member:<id>") and moves
`open → claimed → decided → closed` (`decided` may also be reached from `open`). At most one case per subject
is active (open or claimed, the partial unique constraint `case_one_active_per_subject`): a new report on a
subject joins its active case. Ids of members are foreign keys here (moderation sits above accounts), but
subjects are plain ids: a case outlives the note it was about.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class SubjectType(models.TextChoices):
    NOTE = "note"
    COMMENT = "comment"
    MEMBER = "member"


class Case(SnowflakeModel):
    class Source(models.TextChoices):
        SCREENING = "screening"
        REPORT = "report"
        BURST = "burst"
        NEW_ACCOUNT = "new_account"

    class State(models.TextChoices):
        OPEN = "open"
        CLAIMED = "claimed"
        DECIDED = "decided"
        CLOSED = "closed"

    class Decision(models.TextChoices):
        UPHELD = "upheld"
        DISMISSED = "dismissed"

    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    language = models.CharField(max_length=16, default="und")  # of the content, for routing to moderators
    source = models.CharField(max_length=12, choices=Source.choices)
    # "burst:<fingerprint>" when screening found the subject among near-duplicates; blank otherwise.
    group = models.CharField(max_length=96, blank=True, default="")
    rule_code = models.CharField(max_length=48, blank=True, default="")
    rule_version = models.PositiveIntegerField(null=True, blank=True)
    severity = models.PositiveSmallIntegerField(default=2)  # screening.models.Severity: 1 low .. 4 critical
    evidence = models.JSONField(default=dict, blank=True)
    # Sum of the weights of the reports on this case (reporter standing at report time).
    report_weight = models.FloatField(default=0.0)
    report_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decision_note = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # "Reviewed — ignore further reports until edited": reports recorded against this case open no new
    # one while the subject's edit marker (`subject_marker`) still equals `marker_at_decision`.
    ignore_reports_until_edited = models.BooleanField(default=False)
    marker_at_decision = models.CharField(max_length=64, blank=True, default="")
    # The weighted score hid the subject pending review (a note held): a dismissal restores it.
    auto_hidden = models.BooleanField(default=False)
    # For comments and members (no hold yet): the score passed the threshold, a moderator should hide it.
    hide_recommended = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Routing (moderation.queues): the queue follows the content's language, so it can never disagree with it.
    queue = models.GeneratedField(
        expression=models.Case(
            models.When(language__startswith="zh", then=models.Value("zh")),
            models.When(language__startswith="en", then=models.Value("en")),
            default=models.Value("other"),
        ),
        output_field=models.CharField(max_length=8),
        db_persist=True,
    )
    # The lowest staff role that may claim, decide or close it (accounts.roles.RANK): 0 triage, 1 moderator,
    # 2 admin. Escalation raises it.
    escalation = models.PositiveSmallIntegerField(default=0)
    # A claim holds until then (HONGSHU_CASE_LEASE_MINUTES after claiming); past it the case is anyone's again.
    lease_until = models.DateTimeField(null=True, blank=True)
    # The ranking columns (moderation.leases.case_rank; the formula is in moderation.selectors):
    # `base_priority` is the part without age, `aging_key` = base_priority - created_at / 6 h (in epoch units,
    # constant over time), `priority` = min(aging_key + now / 6 h, base_priority + 10) as of the last refresh.
    reach = models.PositiveIntegerField(default=0)
    base_priority = models.FloatField(default=0.0)
    aging_key = models.FloatField(default=0.0)
    priority = models.FloatField(default=0.0)

    ACTIVE_STATES: ClassVar[tuple[str, ...]] = ("open", "claimed")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(state__in=["open", "claimed"]),
                name="case_one_active_per_subject",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["subject_type", "subject_id", "-id"], name="case_subject_recent"),
            models.Index(fields=["state", "-id"], name="case_state_recent"),
            models.Index(fields=["group"], name="case_group"),
            # A queue in priority order, and its counts and oldest case: index scans of active cases only.
            models.Index(
                fields=["queue", "-priority", "id"],
                condition=Q(state__in=["open", "claimed"]),
                name="case_queue_priority",
            ),
            models.Index(
                fields=["queue", "created_at"],
                condition=Q(state__in=["open", "claimed"]),
                name="case_queue_age",
            ),
            models.Index(fields=["lease_until"], condition=Q(state="claimed"), name="case_lease_expiry"),
        ]

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class CaseSubject(models.Model):
    """The subjects a case covers: its own, plus the others of its group (a burst of near-duplicates)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "subject_type", "subject_id"], name="case_subject_unique")
        ]


class Report(SnowflakeModel):
    """One member's report of one subject. `outcome` is the case's decision once made (blank before).

    `case` is the active case the report joined, or — under "ignore until edited" — the decided case it
    was recorded against (`ignored` then)."""

    class Outcome(models.TextChoices):
        PENDING = ""
        UPHELD = "upheld"
        DISMISSED = "dismissed"

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    rule_code = models.CharField(max_length=48)
    text = models.CharField(max_length=1000, blank=True, default="")
    weight = models.FloatField()
    ignored = models.BooleanField(default=False)
    # The reporter's interface language when reporting: the outcome is told in it.
    language = models.CharField(max_length=16, default="en")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["reporter", "-id"], name="report_reporter_recent"),
            models.Index(fields=["reporter", "subject_type", "subject_id"], name="report_reporter_subject"),
        ]


class ReporterStanding(models.Model):
    """How often a member's reports were upheld or dismissed: their weight (`moderation.services.weight_of`)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    upheld = models.PositiveIntegerField(default=0)
    dismissed = models.PositiveIntegerField(default=0)


class Action(SnowflakeModel):
    """One restriction (or warning) staff took on one subject, with or without a case: its own statement of
    reasons (DSA Art. 17) is this row — the data, never rendered text; `moderation.statements` renders it in
    the reader's language. `effects` records what the action changed, so `action_revert` undoes exactly that
    (a note its author deleted since is not brought back)."""

    class Kind(models.TextChoices):
        REMOVE = "remove"
        WARN = "warn"
        SUSPEND = "suspend"
        BAN = "ban"
        LIMIT = "limit"  # a note (or all of a member's) kept out of discovery for non-followers
        SENSITIVE = "sensitive"  # a note's photos blurred until tapped
        REMOVE_PROFILE = "remove_profile"  # a member's display name, bio and avatar cleared

    kind = models.CharField(max_length=16, choices=Kind.choices)
    subject_type = models.CharField(max_length=8, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    # The member the statement is addressed to: the author of the note or comment, or the member.
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_code = models.CharField(max_length=48)
    rule_version = models.PositiveIntegerField()
    facts = models.TextField(blank=True, default="")
    # Art. 17(3)(c): detected by automated means (screening, a burst, the new-account hold) or not.
    automated_detection = models.BooleanField(default=False)
    # The decision itself: a person's, or automatic (strikes reaching `strikes_suspend_at`).
    automated_decision = models.BooleanField(default=False)
    until = models.DateTimeField(null=True, blank=True)  # a suspension's end; None for a ban (and the others)
    effects = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A suspension that ran out (the periodic job lifted it): no longer in force, but not overturned.
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["member", "-id"], name="action_member_recent"),
            models.Index(fields=["kind", "until"], name="action_kind_until"),
        ]

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"

    @property
    def in_force(self) -> bool:
        return self.reverted_at is None and self.lifted_at is None


class Appeal(SnowflakeModel):
    """A member's appeal of one decision about them (DSA Art. 20), decided by a moderator other than the one who
    took the decision (`moderation.appeals`). `open → upheld | overturned`; at most one open per action (the
    partial unique constraint `appeal_one_open_per_action`). An overturned appeal is what marks its action as
    reversed on appeal (the action's `reverted_at` is set by the same decision)."""

    class State(models.TextChoices):
        OPEN = "open"
        UPHELD = "upheld"
        OVERTURNED = "overturned"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="appeals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    # The member's interface language when appealing (the decider may want a translation).
    language = models.CharField(max_length=16, default="en")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["action"], condition=Q(state="open"), name="appeal_one_open_per_action"
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "id"], name="appeal_state_oldest"),
            models.Index(fields=["member", "-id"], name="appeal_member_recent"),
        ]
