from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from hongshu.core.models import SnowflakeModel

if TYPE_CHECKING:
    from hongshu.accounts.models import User
from hongshu.notes.querysets import NoteQuerySet


class Topic(SnowflakeModel):
    """A `#topic`. `key` is the case-folded, NFKC form used for matching; `name` keeps the first spelling."""

    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.name}"


class Note(SnowflakeModel):
    class Visibility(models.TextChoices):
        PUBLIC = "public"
        FOLLOWERS = "followers"
        PRIVATE = "private"  # "only me"

    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        # Published by its author but waiting for a moderator (a new account's first notes during a surge:
        # `notes.services.note_publish_status`): like a draft, only its author sees it, labelled "under review".
        HELD = "held"

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    title = models.CharField(max_length=500)  # 20 graphemes, checked by the service
    body = models.TextField(blank=True)
    language = models.CharField(max_length=16, default="und")
    language_set_by_author = models.BooleanField(default=False)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    place_name = models.CharField(max_length=600, blank=True)
    # Coarse coordinates only (two decimals, ~1 km): never a photo's exact GPS position.
    place_lat = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    place_lng = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    topics: models.ManyToManyField[Topic, NoteTopic] = models.ManyToManyField(
        Topic, through="NoteTopic", related_name="notes"
    )
    mentions: models.ManyToManyField[User, NoteMention] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="NoteMention", related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every change to what the note shows (text, photos, topics, place...): the key of its cached
    # rendered forms (`notes.selectors.notes_rendered`), so an edit never shows the old version.
    revision = models.PositiveIntegerField(default=0)
    # A moderator's limit (moderation.actions): still read by direct link, on the profile and by followers,
    # but not offered to anyone else (`NoteQuerySet.discoverable_for`).
    limited = models.BooleanField(default=False)
    # A moderator marked it sensitive: its photos are blurred until the reader asks to see them.
    sensitive = models.BooleanField(default=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["author", "-id"], name="note_author_recent"),
            models.Index(fields=["status", "visibility", "-id"], name="note_public_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    # The read selectors' hydration (`notes.selectors.notes_hydrated`) attaches these three lists for a whole
    # page at once, as plain lists: Django's per-note related managers cost a query's worth of CPU per note
    # and relation (docs/benchmarks.md#hydrated-note-relations).
    # A note read some other way loads them here.
    def ordered_images(self) -> list[NoteImage]:
        """The photos, in position order, each with its media."""
        hydrated: list[NoteImage] | None = getattr(self, "hydrated_images", None)
        if hydrated is None:
            hydrated = list(self.images.select_related("media").order_by("position"))
        return hydrated

    def topic_list(self) -> list[Topic]:
        hydrated: list[Topic] | None = getattr(self, "hydrated_topics", None)
        return hydrated if hydrated is not None else list(self.topics.all())

    def mention_handles(self) -> list[str]:
        hydrated: list[User] | None = getattr(self, "hydrated_mentions", None)
        users = hydrated if hydrated is not None else self.mentions.only("id", "handle")
        return [u.handle for u in users]


class NoteImage(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="images")
    media = models.OneToOneField("media.MediaAsset", on_delete=models.CASCADE, related_name="note_image")
    position = models.PositiveSmallIntegerField()
    alt_text = models.TextField(blank=True)

    class Meta:
        ordering = ("position",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["note", "position"], name="note_image_position_unique")
        ]


class NoteTopic(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["note", "topic"], name="note_topic_unique")]


class NoteMention(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["note", "user"], name="note_mention_unique")]


class NoteRevision(SnowflakeModel):
    """The note as it was before an edit, kept for moderation."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=500)  # 20 graphemes, checked by the service
    body = models.TextField(blank=True)
    topics = models.JSONField(default=list)
    image_ids = models.JSONField(default=list)
    place_name = models.CharField(max_length=600, blank=True)
    visibility = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)


class PendingNoteIndex(models.Model):
    """A note whose search index row must be brought in line with it: the outbox of the index job.

    Written by the notes services in the same transaction as the note change (`notes_index_later`), so no
    change is ever lost between commit and job; it lives here, with the writer, so notes import nothing of
    search. The drain (`search.services.notes_index_pending`) claims a batch (`claimed_at`), indexes it, and
    deletes the rows it claimed; a claim older than the lease belongs to a dead worker and is taken over. A
    note changed again while its batch is being indexed has a newer row and is indexed once more. The table
    keeps the name it had when search owned it.
    """

    note_id = models.BigIntegerField()
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "search_pendingnoteindex"
        indexes: ClassVar = [models.Index(fields=["claimed_at", "id"], name="search_pending_claim")]
