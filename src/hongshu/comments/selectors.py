"""Comment reads. A comment is visible exactly when its note is (`Note.objects.visible_to`, the one policy)
and neither its author nor its thread's root author is in a blocked pair with the viewer.

Pages of comments are hydrated in a fixed number of queries whatever they hold: the comments, their reply
previews (one window query), reply counts (one grouped query), the viewer's likes, mentions and blocks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.comments.models import Comment, CommentLike, CommentMention
from hongshu.core.errors import NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, keyset_page
from hongshu.notes.models import Note
from hongshu.notes.selectors import access_note
from hongshu.social.querysets import blocked_with, members_visible_to

Viewer = User | AnonymousUser | None
Sort = Literal["top", "latest"]
REPLY_PREVIEW = 2
# A comment is shown with its text while it is not deleted and its author is active (not suspended).
LIVE = Q(deleted_at__isnull=True, author__is_active=True)
_RELATED = ("author", "author__avatar", "reply_to", "reply_to__avatar")


@dataclass
class CommentView:
    """A comment as one viewer sees it. `reply_to` is None for roots and when its author is hidden."""

    comment: Comment
    shown: bool  # False: a "deleted" placeholder (the root of live replies)
    by_author: bool
    liked: bool
    can_delete: bool  # the viewer wrote it or the note (the rule of `services.comment_delete`)
    mentions: list[str]
    reply_to: User | None
    reply_count: int = 0
    replies: list[CommentView] = field(default_factory=list)


CommentPage = Page[CommentView]


def member_of(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


def hidden_among(viewer: User, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` the viewer may not see (the account policy, `social.querysets.members_visible_to`): one query."""
    ids = set(user_ids)
    if not ids:
        return set()
    return ids - set(members_visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))


def shown_to(member: User | None) -> Q:
    """The comments a viewer sees with their text: live ones, held ones only by their author."""
    if member is None:
        return LIVE & Q(held=False)
    return LIVE & (Q(held=False) | Q(author_id=member.pk))


def is_live(comment: Comment) -> bool:
    return comment.deleted_at is None and comment.author.is_active


def comment_not_found() -> NotFound:
    return NotFound(_("This comment does not exist or is not visible to you."), code="comment_not_found")


def _without_blocked(queryset: QuerySet[Comment], member: User | None, *fields: str) -> QuerySet[Comment]:
    if member is None:
        return queryset
    for user_field in fields:
        queryset = queryset.exclude(blocked_with(member.pk, user_field))
    return queryset


def _replies_shown(member: User | None) -> QuerySet[Comment]:
    return _without_blocked(Comment.objects.filter(shown_to(member), root__isnull=False), member, "author_id")


def access_comment(*, viewer: Viewer, comment_id: int) -> Comment:
    """The comment (possibly deleted: callers decide) if the viewer may see its thread, else NotFound."""
    member = member_of(viewer)
    readable = Note.objects.visible_to(viewer).filter(pk=OuterRef("note_id"), status=Note.Status.PUBLISHED)
    comments = _without_blocked(
        Comment.objects.filter(Exists(readable)), member, "author_id", "root__author_id"
    )
    comments = comments.filter(Q(held=False) | Q(author_id=member.pk) if member else Q(held=False))
    comment = comments.select_related("note", "root", *_RELATED).filter(pk=comment_id).first()
    if comment is None:
        raise comment_not_found()
    return comment


def _views(comments: list[Comment], member: User | None, note_author_id: int) -> list[CommentView]:
    """Viewer-specific facts of many comments in at most three queries (likes, mentions, blocks)."""
    ids = [c.pk for c in comments]
    liked: set[int] = set()
    if member is not None and ids:
        liked = set(
            CommentLike.objects.filter(user=member, comment_id__in=ids).values_list("comment_id", flat=True)
        )
    mention_rows = (
        list(
            CommentMention.objects.filter(comment_id__in=ids, user__is_active=True)
            .order_by("id")
            .values_list("comment_id", "user_id", "user__handle")
        )
        if ids
        else []
    )
    hidden: set[int] = set()
    if member is not None:
        involved = {c.reply_to_id for c in comments if c.reply_to_id} | {row[1] for row in mention_rows}
        hidden = hidden_among(member, involved)
    mentions: dict[int, list[str]] = defaultdict(list)
    for comment_id, user_id, handle in mention_rows:
        if user_id not in hidden:
            mentions[comment_id].append(handle)
    views = []
    for comment in comments:
        shown = is_live(comment) and (
            not comment.held or (member is not None and comment.author_id == member.pk)
        )
        reply_to = comment.reply_to
        visible_reply_to = reply_to if reply_to and reply_to.is_active and reply_to.pk not in hidden else None
        views.append(
            CommentView(
                comment=comment,
                shown=shown,
                by_author=comment.author_id == note_author_id,
                liked=comment.pk in liked,
                can_delete=member is not None and member.pk in (comment.author_id, note_author_id),
                mentions=mentions[comment.pk] if shown else [],
                reply_to=visible_reply_to if shown else None,
            )
        )
    return views


def _hydrate_roots(roots: list[Comment], member: User | None, note_author_id: int) -> list[CommentView]:
    """Roots with their reply count and first REPLY_PREVIEW replies (oldest first), in fixed queries."""
    ids = [c.pk for c in roots]
    previews: list[Comment] = []
    counts: dict[int, int] = {}
    if ids:
        replies = _replies_shown(member).filter(root_id__in=ids)
        previews = list(
            replies.select_related(*_RELATED)
            .annotate(rank=Window(RowNumber(), partition_by=[F("root_id")], order_by=F("id").asc()))
            .filter(rank__lte=REPLY_PREVIEW)
            .order_by("root_id", "id")
        )
        counts = dict(replies.values("root_id").annotate(n=Count("id")).values_list("root_id", "n"))
    views = _views([*roots, *previews], member, note_author_id)
    root_views, preview_views = views[: len(roots)], views[len(roots) :]
    by_root: dict[int, list[CommentView]] = defaultdict(list)
    for view in preview_views:
        assert view.comment.root_id is not None
        by_root[view.comment.root_id].append(view)
    for view in root_views:
        view.reply_count = counts.get(view.comment.pk, 0)
        view.replies = by_root[view.comment.pk]
    return root_views


def comments_of_note(
    *, viewer: Viewer, note_id: int, sort: Sort = "top", cursor: str | None, limit: int = DEFAULT_LIMIT
) -> CommentPage:
    """Root comments of a note the viewer may read: most liked first (ties: newest), or newest first.

    A deleted root stays as a placeholder while it has replies the viewer can see; otherwise it vanishes.
    """
    return comments_of_readable_note(
        viewer=viewer, note=access_note(viewer=viewer, note_id=note_id), sort=sort, cursor=cursor, limit=limit
    )


def comments_of_readable_note(
    *, viewer: Viewer, note: Note, sort: Sort = "top", cursor: str | None, limit: int = DEFAULT_LIMIT
) -> CommentPage:
    """`comments_of_note` for a note the caller has just reached through `access_note` for this viewer
    (the note page): the same comments, without reading the note again."""
    member = member_of(viewer)
    roots = _without_blocked(Comment.objects.filter(note=note, root__isnull=True), member, "author_id")
    roots = roots.filter(shown_to(member) | Exists(_replies_shown(member).filter(root_id=OuterRef("pk"))))
    page = keyset_page(
        roots.select_related(*_RELATED),
        cursor=cursor,
        limit=limit,
        key="like_count" if sort == "top" else None,
    )
    return CommentPage(items=_hydrate_roots(page.items, member, note.author_id), next_cursor=page.next_cursor)


def comment_replies(
    *, viewer: Viewer, comment_id: int, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> CommentPage:
    """Replies in the thread of `comment_id` (a root, or any of its replies), oldest first."""
    comment = access_comment(viewer=viewer, comment_id=comment_id)
    member = member_of(viewer)
    replies = _replies_shown(member).filter(root_id=comment.root_id or comment.pk)
    page = keyset_page(replies.select_related(*_RELATED), cursor=cursor, limit=limit, ascending=True)
    return CommentPage(items=_views(page.items, member, comment.note.author_id), next_cursor=page.next_cursor)


def comment_detail(*, viewer: Viewer, comment_id: int) -> CommentView:
    """One comment as a list shows it (a root with its reply preview). Deleted ones are not found, except a
    root that still has replies the viewer can see, which is its placeholder."""
    comment = access_comment(viewer=viewer, comment_id=comment_id)
    member = member_of(viewer)
    if comment.root_id is not None:
        if not is_live(comment):
            raise comment_not_found()
        return _views([comment], member, comment.note.author_id)[0]
    view = _hydrate_roots([comment], member, comment.note.author_id)[0]
    if not view.shown and not view.reply_count:
        raise comment_not_found()
    return view
