"""Search trends: the query log (for hot ranking and popular suggestions), per-member history, suppressions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

TERM_LENGTH = 100


class QueryEvent(models.Model):
    """A counted search of one term, normalised. `minute` is the bucket the ranking counts in (the time
    floored to a minute). The counting key is `member` when signed in, else `network` (the visitor's /24 or
    /48); a key's term is logged at most once per `HONGSHU_HOT_COUNT_WINDOW_SECONDS` window, with the
    `weight` of the searcher at that time (see `trends.services.search_record` and docs/search.md). Visitors'
    searches go through a Redis buffer where there is one; `searches` is how many searches the row holds
    (1 since the window dedupe; rows from before it hold an anonymous count per term and minute, and have
    an empty `network`)."""

    term = models.CharField(max_length=TERM_LENGTH)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    network = models.CharField(max_length=50, blank=True, default="")
    minute = models.DateTimeField()
    searches = models.PositiveIntegerField(default=1)
    weight = models.FloatField(default=1.0)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["minute", "term"], name="trends_event_minute_term"),
            models.Index(fields=["term", "minute"], name="trends_event_term_minute"),
        ]


class SearchHistory(models.Model):
    """A member's own recent searches: one row per normalised term, the latest spelling and time."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    term = models.CharField(max_length=TERM_LENGTH)
    query = models.CharField(max_length=TERM_LENGTH)
    searched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "term"], name="trends_history_member_term")
        ]
        indexes: ClassVar = [models.Index(fields=["member", "-searched_at"], name="trends_history_recent")]


class HotSuppression(models.Model):
    """A term a moderator removed from the hot ranking; it never shows again."""

    class Kind(models.TextChoices):
        QUERY = "query"
        TOPIC = "topic"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    term = models.CharField(max_length=TERM_LENGTH)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "term"], name="trends_suppression_unique")
        ]
