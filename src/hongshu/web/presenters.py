"""What the templates need from notes and members, computed once per page from already-loaded rows.

Nothing here queries the database: the selectors (`notes_latest`, `access_note`) prefetch authors,
avatars and images, so a page of cards costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.media.models import MediaAsset
from hongshu.media.urls_for import variant_urls
from hongshu.notes.models import Note, Topic
from hongshu.notes.services import INLINE_TOPIC, topic_key
from hongshu.notifications.selectors import NotificationView

# Cards keep their photo's own shape, but only between 3:4 and 4:3, so the columns stay even.
CARD_RATIO_MIN = Fraction(3, 4)
CARD_RATIO_MAX = Fraction(4, 3)
# The phone default when nothing is known yet (an image still being processed).
DEFAULT_BOX = (3, 4)
AVATAR_TONES = 8


@dataclass(frozen=True)
class Photo:
    """One displayable image. `box_w`/`box_h` is the shape the page reserves before the image loads."""

    src: str
    srcset: str
    width: int
    height: int
    box_w: int
    box_h: int
    blurhash: str
    alt: str

    @property
    def ready(self) -> bool:
        return bool(self.src)


@dataclass(frozen=True)
class Author:
    handle: str
    name: str
    initial: str
    tone: int
    avatar_src: str
    chinese_name: str = ""  # from the name studio, shown beside `name`


@dataclass(frozen=True)
class Card:
    note: Note
    cover: Photo | None
    author: Author
    photo_count: int
    likes: int = 0
    liked: bool = False


def _srcset(urls: dict[str, str]) -> str:
    return ", ".join(f"{url} {width}w" for width, url in sorted(urls.items(), key=lambda kv: int(kv[0])))


def _pick(urls: dict[str, str], want: int) -> str:
    """The smallest variant at least `want` pixels wide, else the largest there is."""
    widths = sorted(int(w) for w in urls)
    if not widths:
        return ""
    chosen = next((w for w in widths if w >= want), widths[-1])
    return urls[str(chosen)]


def box_for(width: int, height: int, *, clamp: bool) -> tuple[int, int]:
    if width <= 0 or height <= 0:
        return DEFAULT_BOX
    if clamp:
        ratio = Fraction(width, height)
        if ratio < CARD_RATIO_MIN:
            return (CARD_RATIO_MIN.numerator, CARD_RATIO_MIN.denominator)
        if ratio > CARD_RATIO_MAX:
            return (CARD_RATIO_MAX.numerator, CARD_RATIO_MAX.denominator)
    return (width, height)


def photo_of(asset: MediaAsset, *, alt: str, clamp: bool, want: int = 720) -> Photo:
    urls = variant_urls(asset)
    box_w, box_h = box_for(asset.width, asset.height, clamp=clamp)
    return Photo(
        src=_pick(urls, want),
        srcset=_srcset(urls),
        width=asset.width,
        height=asset.height,
        box_w=box_w,
        box_h=box_h,
        blurhash=asset.blurhash,
        alt=alt,
    )


def author_of(user: User) -> Author:
    name = user.display_name or user.handle
    avatar = user.avatar
    return Author(
        handle=user.handle,
        name=name,
        initial=name[:1].upper(),
        tone=user.pk % AVATAR_TONES,
        avatar_src=_pick(variant_urls(avatar), 64) if avatar is not None else "",
        chinese_name=user.chinese_name,
    )


def card_of(note: Note, *, likes: int = 0, liked: bool = False) -> Card:
    images = note.ordered_images()  # hydrated for the whole page by the selectors
    cover = None
    if images:
        first = images[0]
        cover = photo_of(first.media, alt=first.alt_text or note.title, clamp=True, want=360)
    return Card(
        note=note,
        cover=cover,
        author=author_of(note.author),
        photo_count=len(images),
        likes=likes,
        liked=liked,
    )


def photos_of(note: Note) -> list[Photo]:
    """Every photo of a note page, each at its true shape."""
    return [
        photo_of(image.media, alt=image.alt_text, clamp=False, want=1080) for image in note.ordered_images()
    ]


def topics_beyond_text(note: Note) -> list[Topic]:
    """The note's topics that its text does not already show as inline #topics (those are highlighted there)."""
    inline = {topic_key(name) for name in INLINE_TOPIC.findall(f"{note.title}\n{note.body}")}
    return [topic for topic in note.topic_list() if topic.key not in inline]


# What each kind of notification says after its actors' names ("Ana and 2 others" + phrase).
_PHRASES = {
    "like": _("liked your note"),
    "collect": _("collected your note"),
    "comment_like": _("liked your comment"),
    "comment": _("commented on your note"),
    "reply": _("replied to your comment"),
    "mention": _("mentioned you"),
    "follow": _("started following you"),
    "follow_request": _("asked to follow you"),
}
# The outcome of a report the member made (no actor: the phrase is the whole line).
_ACTION_PHRASES = {
    "remove": _("Moderators removed something you posted. Read the reasons in your decisions."),
    "warn": _("Moderators sent you a warning. Read the reasons in your decisions."),
    "suspend": _("Your account was suspended. Read the reasons in your decisions."),
    "ban": _("Your account was banned. Read the reasons in your decisions."),
}
_APPEAL_OUTCOMES = {
    "upheld": _("We reviewed your appeal and kept the decision. Read the reasons in your decisions."),
    "overturned": _("We reviewed your appeal and reversed the decision. Read more in your decisions."),
}
_REPORT_OUTCOMES = {
    "upheld": _("We reviewed what you reported: it broke our rules. Thank you for reporting it."),
    "dismissed": _("We reviewed what you reported and found that it does not break our rules."),
}


@dataclass(frozen=True)
class NotificationItem:
    id: int
    kind: str
    unread: bool
    actors: list[Author]
    who: str  # "Ana", "Ana and Ben", "Ana and 4 others"
    phrase: str
    excerpt: str
    note_id: int | None
    cover: Photo | None
    when: datetime


def _who(names: list[str], total: int) -> str:
    if total <= 1 or len(names) < 2:
        return names[0] if names else ""
    if total == 2:
        return gettext("%(a)s and %(b)s") % {"a": names[0], "b": names[1]}
    others = total - 1
    return ngettext("%(a)s and %(n)d other", "%(a)s and %(n)d others", others) % {"a": names[0], "n": others}


def notification_of(view: NotificationView) -> NotificationItem:
    n = view.notification
    actors = [author_of(user) for user in view.actors]
    total = max(n.actor_count, len(actors))
    comment = n.comment
    return NotificationItem(
        id=n.pk,
        kind=n.kind,
        unread=n.read_at is None,
        actors=actors,
        who=_who([a.name for a in actors], total),
        phrase=str(
            _REPORT_OUTCOMES.get(str((n.data or {}).get("decision")), "")
            if n.kind == "report_outcome"
            else _ACTION_PHRASES.get(str((n.data or {}).get("kind")), "")
            if n.kind == "moderation_action"
            else _APPEAL_OUTCOMES.get(str((n.data or {}).get("outcome")), "")
            if n.kind == "appeal_decided"
            else _PHRASES.get(n.kind, "")
        ),
        excerpt=comment.body[:80] if comment is not None and n.kind != "comment_like" else "",
        note_id=n.note_id,
        cover=photo_of(view.cover, alt="", clamp=True, want=128) if view.cover is not None else None,
        when=n.updated_at,
    )
