"""Topic follows: writes. A follow is idempotent (a double tap is no error) and capped per member."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import Conflict
from hongshu.notes.models import Topic
from hongshu.topics.models import TopicFollow
from hongshu.topics.selectors import TOPIC_FOLLOWS_MAX


def topic_follow(*, member: User, topic: Topic) -> TopicFollow:
    """`member` follows `topic` (reached through `access_topic`); following it again returns the follow.

    Refused (409 `too_many_topic_follows`) beyond TOPIC_FOLLOWS_MAX, which bounds the following feed's read.
    """
    existing = TopicFollow.objects.filter(member=member, topic=topic).first()
    if existing is not None:
        return existing
    if TopicFollow.objects.filter(member=member).count() >= TOPIC_FOLLOWS_MAX:
        raise Conflict(
            _("You follow as many topics as you can. Unfollow one first."), code="too_many_topic_follows"
        )
    try:
        with transaction.atomic():
            return TopicFollow.objects.create(member=member, topic=topic)
    except IntegrityError:  # the same follow from a concurrent request
        return TopicFollow.objects.get(member=member, topic=topic)


def topic_unfollow(*, member: User, topic: Topic) -> None:
    """`member` stops following `topic`; not following it is no error."""
    TopicFollow.objects.filter(member=member, topic=topic).delete()
