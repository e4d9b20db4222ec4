from django.db import models

from hongshu.core.ids import next_id


class SnowflakeModel(models.Model):
    """Base for every table whose rows are listed by time: a 64-bit time-ordered primary key."""

    id = models.BigIntegerField(primary_key=True, default=next_id, editable=False)

    class Meta:
        abstract = True


class InstanceSetting(models.Model):
    """A setting an admin changes at run time (registration mode, surge mode...): one row per key that differs
    from its default. Keys, types and defaults are declared in `hongshu.core.runtime.RUNTIME_SETTINGS`."""

    key = models.CharField(max_length=64, primary_key=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)


class PostureChange(SnowflakeModel):
    """One change of the instance's posture: which setting, from what to what, who (None: automatic), when,
    why. Append-only; the moderation event log builds on these records."""

    key = models.CharField(max_length=64)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    # A member id, not a foreign key: core sits below accounts, and the record outlives the account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    automatic = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class SignupNetwork(SnowflakeModel):
    """The network (/24 IPv4, /48 IPv6) a member signed up from, for surge mode's approval rule
    (hongshu.members.surge). An id, not a foreign key: core sits below accounts."""

    user_id = models.BigIntegerField(unique=True)
    network = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = (models.Index(fields=["network", "at"], name="core_signupnet_net_at"),)


class AuditEvent(models.Model):
    """One entry of the moderation event log: a screening decision, a report, a case change, a posture change.

    Append-only and chained: `hash` is SHA-256 over the previous entry's hash and this entry's canonical
    content, so changing or removing any entry breaks every link after it (`hongshu audit verify`). Written
    only by `hongshu.core.audit.audit_append`, which serialises appends on `AuditHead`."""

    seq = models.BigIntegerField(primary_key=True)  # 1, 2, 3... with no gaps
    kind = models.CharField(max_length=48)  # "screening.decision", "report.created", "case.state"...
    subject = models.CharField(max_length=64, blank=True)  # "note:123", "comment:45", "member:6", ""
    actor_id = models.BigIntegerField(null=True, blank=True)  # a member id (None: the system)
    data = models.JSONField(default=dict)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = (models.Index(fields=["subject", "seq"], name="core_audit_subject_seq"),)

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("An audit event is never updated.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("An audit event is never deleted.")


class AuditHead(models.Model):
    """The single row that holds the chain's last link; appends lock it, so they form one line."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an entry of the event log."""


class Job(models.Model):
    """A background job of the embedded default (`HONGSHU_JOBS=database`): a row in this table until it ran.

    queued ──claim──▶ running ──ok──▶ (row deleted)
       ▲                 │ transient error, attempts left: back to queued, run_at = now + backoff
       └─────────────────┤ a lease that ran out (its worker died): claimable again
                         └ attempts used up, or a permanent error: moved to FailedJob (row deleted)

    hongshu.core.jobqueue claims a row atomically (SKIP LOCKED on PostgreSQL, a conditional UPDATE on SQLite)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(max_length=200)  # the Celery task's registered name, "<app>.<verb>"
    args = models.JSONField(default=list)
    queue = models.CharField(max_length=40, default="default")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)  # claims so far, the running one included
    enqueued_at = models.DateTimeField()
    run_at = models.DateTimeField()  # not before: the retry backoff
    leased_until = models.DateTimeField(null=True, blank=True)  # a running job's worker holds it until then
    last_error = models.TextField(blank=True)
    request_id = models.CharField(
        max_length=64, blank=True, default=""
    )  # core.requestid, bound while it runs

    class Meta:
        indexes = (models.Index(fields=["state", "run_at"], name="core_job_due"),)


class FailedJob(models.Model):
    """A dead letter: a job that failed for good, on either backend (the database queue or Celery), kept for an
    operator to read (`hongshu jobs failed`) and replay (`hongshu jobs retry`)."""

    id = models.BigAutoField(primary_key=True)
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    queue = models.CharField(max_length=40, default="default")
    backend = models.CharField(max_length=10)  # "database" | "celery"
    task_id = models.CharField(max_length=64, blank=True)  # Celery's task id (empty for the database queue)
    error = models.TextField()  # "<ExceptionType>: <message>"
    traceback = models.TextField(blank=True)  # its last lines
    attempts = models.PositiveIntegerField()
    failed_at = models.DateTimeField(db_index=True)


class JobEffect(models.Model):
    """An effect a job must not repeat, such as a mail sent, recorded right after it happened under a key the
    job's arguments fix (core.jobs.effect_done / effect_record): a job delivered twice (a worker killed before
    acknowledging it, a retry) finds the key and skips. Pruned after `JOB_EFFECT_DAYS` (core.tasks)."""

    key = models.CharField(max_length=200, primary_key=True)
    at = models.DateTimeField(db_index=True)
