"""Comments two levels deep: a root comment on a note and its replies (a reply to a reply stays under the root)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from hongshu.core.models import SnowflakeModel

if TYPE_CHECKING:
    from hongshu.accounts.models import User


class Comment(SnowflakeModel):
    """A root comment (`root` is None) or a reply under `root`.

    `parent` is the comment a reply answers (the root or another reply) and `reply_to` its author, kept
    apart so the thread still names whom a reply answered after that comment is deleted.
    Deletion is soft: a deleted root with live replies stays as a "deleted" placeholder; the body is kept
    for moderation and purged with the note's retention, never shown.
    """

    note = models.ForeignKey("notes.Note", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()  # 500 graphemes, checked by the service
    language = models.CharField(max_length=16, default="und")
    # Comment likes are far less contended than note likes; one row update per like keeps the sort key
    # (likes, id) on the row, where the "top comments" index can use it.
    like_count = models.IntegerField(default=0)
    mentions: models.ManyToManyField[User, CommentMention] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CommentMention", related_name="+"
    )
    # Held by screening or pending review: shown to its author alone, labelled "under review", not counted.
    held = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["note", "-like_count", "-id"],
                condition=Q(root__isnull=True),
                name="comment_roots_top",
            ),
            models.Index(fields=["note", "-id"], condition=Q(root__isnull=True), name="comment_roots_new"),
            models.Index(fields=["root", "id"], name="comment_replies"),
        ]

    def __str__(self) -> str:
        return self.body[:40]


class CommentMention(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_mention_unique")
        ]


class CommentLike(SnowflakeModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "comment"], name="comment_like_unique")
        ]
        indexes: ClassVar = [models.Index(fields=["comment"], name="comment_like_comment")]
