"""Reads of the social graph: accounts through the account policy, follow lists, blocks, mutes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.core.errors import Forbidden, NotFound
from hongshu.core.pagination import DEFAULT_LIMIT, Page, paginate_by_id
from hongshu.core.text import is_storable
from hongshu.social.models import Block, Follow, FollowCounter, Mute
from hongshu.social.querysets import members_visible_to

Viewer = User | AnonymousUser | None
Relation = TypeVar("Relation", Follow, Block, Mute)


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands towards an account, as a profile page shows it."""

    following: str  # "none" | "pending" | "accepted"
    followed_by: bool
    blocking: bool
    muting: bool


@dataclass(frozen=True)
class AccountSocial:
    account: User
    followers: int
    following: int
    relationship: Relationship | None  # None for visitors and for one's own profile


def _member(viewer: Viewer) -> User | None:
    return viewer if isinstance(viewer, User) and viewer.is_authenticated else None


def account_not_found() -> NotFound:
    # The same answer as for a handle nobody has: a blocked pair learns nothing more.
    return NotFound(_("No member has this handle."), code="account_not_found")


def _shown_to(viewer: User, user_field: str) -> Exists:
    """Correlated EXISTS: the user in `user_field` is one `viewer` may see (the account policy)."""
    return Exists(members_visible_to(viewer).filter(pk=OuterRef(user_field)))


def access_account(*, viewer: Viewer, handle: str) -> User:
    """The account with this handle if `viewer` may see it (`social.querysets.members_visible_to`), else 404 — the same
    answer as for a handle nobody has. A handle from a URL may hold NUL, which PostgreSQL cannot compare."""
    bare = handle.lstrip("@")
    account = (
        members_visible_to(viewer).select_related("avatar").filter(handle__iexact=bare).first()
        if is_storable(bare)
        else None
    )
    if account is None:
        raise account_not_found()
    return account


def follow_counts(*, user_id: int) -> tuple[int, int]:
    """(followers, following) of a member from their counters (`social.services.counters`): one grouped
    sum over at most FOLLOW_COUNTER_SHARDS rows, however many followers they have."""
    totals = FollowCounter.objects.filter(user_id=user_id).aggregate(f=Sum("followers"), g=Sum("following"))
    return max(totals["f"] or 0, 0), max(totals["g"] or 0, 0)


def account_relationship(*, viewer: Viewer, account: User) -> Relationship | None:
    """How `viewer` stands towards `account` (None for visitors and for oneself): one query."""
    member = _member(viewer)
    if member is None or member.pk == account.pk:
        return None
    row = (
        User.objects.filter(pk=member.pk)
        .annotate(
            following=Subquery(Follow.objects.filter(follower=member, followee=account).values("state")[:1]),
            followed_by=Exists(
                Follow.objects.filter(follower=account, followee=member, state=Follow.State.ACCEPTED)
            ),
            blocking=Exists(Block.objects.filter(blocker=member, blocked=account)),
            muting=Exists(Mute.objects.filter(muter=member, muted=account)),
        )
        .values_list("following", "followed_by", "blocking", "muting")
        .get()
    )
    following, followed_by, blocking, muting = row
    return Relationship(
        following=following or "none", followed_by=followed_by, blocking=blocking, muting=muting
    )


def account_social(*, viewer: Viewer, account: User) -> AccountSocial:
    """Follower counts (from the counters: never a count of the follow table per view) and the viewer's
    relationship to `account` (reached through `access_account`)."""
    followers, following = follow_counts(user_id=account.pk)
    return AccountSocial(
        account=account,
        followers=followers,
        following=following,
        relationship=account_relationship(viewer=viewer, account=account),
    )


def _check_follow_lists(viewer: User | None, owner: User) -> None:
    if viewer is not None and viewer.pk == owner.pk:
        return
    if owner.hide_follow_lists:
        raise Forbidden(_("This member keeps their follow lists private."), code="follow_lists_hidden")
    if owner.is_private and not (
        viewer is not None
        and Follow.objects.filter(follower=viewer, followee=owner, state=Follow.State.ACCEPTED).exists()
    ):
        raise Forbidden(_("This account is private."), code="account_is_private")


def _accounts_page(rows: QuerySet[Relation], side: str, *, cursor: str | None, limit: int) -> Page[User]:
    """Page relation rows by their own (time-ordered) ID and return the accounts on `side` of them."""
    page = paginate_by_id(
        rows.filter(**{f"{side}__is_active": True}).select_related(side, f"{side}__avatar"),
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[getattr(row, side) for row in page.items], next_cursor=page.next_cursor)


def followers_page(
    *, viewer: Viewer, owner: User, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[User]:
    """Accepted followers of `owner`, newest first; accounts in a blocked pair with the viewer are left out."""
    member = _member(viewer)
    _check_follow_lists(member, owner)
    rows = Follow.objects.filter(followee=owner, state=Follow.State.ACCEPTED)
    if member is not None:
        rows = rows.filter(_shown_to(member, "follower_id"))
    return _accounts_page(rows, "follower", cursor=cursor, limit=limit)


def following_page(
    *, viewer: Viewer, owner: User, cursor: str | None, limit: int = DEFAULT_LIMIT
) -> Page[User]:
    member = _member(viewer)
    _check_follow_lists(member, owner)
    rows = Follow.objects.filter(follower=owner, state=Follow.State.ACCEPTED)
    if member is not None:
        rows = rows.filter(_shown_to(member, "followee_id"))
    return _accounts_page(rows, "followee", cursor=cursor, limit=limit)


def follow_requests_page(*, owner: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[Follow]:
    """Pending requests to follow `owner` (only the owner ever sees them), newest first."""
    rows = Follow.objects.filter(followee=owner, state=Follow.State.PENDING, follower__is_active=True)
    return paginate_by_id(rows.select_related("follower", "follower__avatar"), cursor=cursor, limit=limit)


def follow_requests_pending(*, owner: User) -> bool:
    """Whether anyone (still active) waits for `owner` to approve their request to follow."""
    return Follow.objects.filter(
        followee=owner, state=Follow.State.PENDING, follower__is_active=True
    ).exists()


def blocks_page(*, user: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[User]:
    return _accounts_page(Block.objects.filter(blocker=user), "blocked", cursor=cursor, limit=limit)


def mutes_page(*, user: User, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[User]:
    return _accounts_page(Mute.objects.filter(muter=user), "muted", cursor=cursor, limit=limit)


def accounts_by_handle_prefix(*, viewer: User, prefix: str, limit: int = 8) -> list[User]:
    """Members `viewer` may see whose handle starts with `prefix` (mention suggestions), minus the viewer."""
    found = (
        members_visible_to(viewer).filter(handle__istartswith=prefix).exclude(pk=viewer.pk).order_by("handle")
    )
    return list(found[:limit])
