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
