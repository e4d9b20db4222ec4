"""The rule catalogue, the lexicons, the domain rules and the burst fingerprints.

Ids of members are plain integers, not foreign keys: screening sits below accounts (every writer above it,
profiles included, screens through it), and the records outlive the accounts that wrote them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel


class Severity(models.IntegerChoices):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class Action(models.TextChoices):
    HOLD = "hold"
    REJECT = "reject"


class Rule(SnowflakeModel):
    """One community guideline, as it reads now. Every edit bumps `version` and keeps the old text in
    `RuleVersion`, so a decision can quote exactly the version it applied."""

    code = models.SlugField(max_length=48, unique=True)  # stable id: "spam", "scam", "adult"...
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    version = models.PositiveIntegerField(default=1)
    title_en = models.CharField(max_length=120)
    title_zh = models.CharField(max_length=120)
    text_en = models.TextField()
    text_zh = models.TextField()
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def title(self, language: str) -> str:
        return self.title_zh if language.startswith("zh") else self.title_en

    def text(self, language: str) -> str:
        return self.text_zh if language.startswith("zh") else self.text_en


class RuleVersion(SnowflakeModel):
    """A rule's text as it read at one version (written for every version, the first included)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    title_en = models.CharField(max_length=120)
    title_zh = models.CharField(max_length=120)
    text_en = models.TextField()
    text_zh = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique")
        ]


class LexiconTerm(SnowflakeModel):
    """A listed word or phrase in one language ("zh", "en", or "*" for any), the rule it enforces and what
    a match does. In shadow mode a match is recorded and changes nothing."""

    language = models.CharField(max_length=8)
    text = models.CharField(max_length=200)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="terms")
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.HOLD)
    shadow = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["language", "text"], name="lexicon_term_unique")
        ]


class DomainRule(SnowflakeModel):
    """A registrable domain ("example.co.uk") allowed or denied in links. A denied domain enforces `rule`
    with `action`; an allowed one is never counted as unknown."""

    class Verdict(models.TextChoices):
        ALLOW = "allow"
        DENY = "deny"

    domain = models.CharField(max_length=253, unique=True)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.PROTECT, related_name="domains")
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.HOLD)
    shadow = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_id = models.BigIntegerField(null=True, blank=True)


class BurstBand(models.Model):
    """One LSH band of a recent text's MinHash signature. Texts from different authors sharing a band within
    the burst window are near-duplicates (hongshu.screening.bursts). Rows older than the window are pruned."""

    band = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()
    author_id = models.BigIntegerField()
    subject = models.CharField(max_length=64)  # "note:123"
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = (
            models.Index(fields=["band", "value", "at"], name="burst_band_value_at"),
            models.Index(fields=["at"], name="burst_band_at"),
            models.Index(fields=["subject"], name="burst_band_subject"),  # an edit replaces its bands
        )


class CatalogStamp(models.Model):
    """One row whose `version` moves on every change of rules, terms or domain rules: each process rebuilds
    its matcher when the version it built from is no longer current (hongshu.screening.stamp)."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
