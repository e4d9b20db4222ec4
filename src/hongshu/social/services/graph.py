"""Writes to the social graph: follow, follow requests, privacy, block, mute."""

from __future__ import annotations

from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hongshu.accounts.models import User
from hongshu.accounts.services import account_write_privacy
from hongshu.core.errors import Conflict, InvalidInput, NotFound, field_error
from hongshu.core.events import announce_on_commit
from hongshu.social.models import Block, Follow, Mute
from hongshu.social.querysets import members_visible_to
from hongshu.social.selectors import account_not_found, follow_requests_pending
from hongshu.social.services.counters import follow_counts_add


def follow_create(*, follower: User, followee: User) -> Follow:
    """Follow `followee`; towards a private account this is a request that stays pending until approved.

    Refused: following yourself (422), a blocked pair in either direction (404, as if the account did not
    exist — a blocked member must not learn more than that), following twice (409).
    """
    if follower.pk == followee.pk:
        raise InvalidInput(_("You cannot follow yourself."), code="cannot_follow_self")
    if not members_visible_to(follower).filter(pk=followee.pk).exists():
        raise account_not_found()
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        raise _already(existing)
    private = followee.is_private
    follow = Follow(
        follower=follower,
        followee=followee,
        state=Follow.State.PENDING if private else Follow.State.ACCEPTED,
        accepted_at=None if private else timezone.now(),
    )
    try:
        with transaction.atomic():
            follow.save(force_insert=True)
            if not private:
                follow_counts_add(pairs=[(follower.pk, followee.pk)], sign=1)
            announce_on_commit("follow_requested" if private else "follow_added", follower.pk, followee.pk)
    except IntegrityError as exc:  # a concurrent request (double tap) inserted it first
        current = Follow.objects.filter(follower=follower, followee=followee).first()
        raise _already(current) from exc
    return follow


def _already(follow: Follow | None) -> Conflict:
    if follow is not None and follow.state == Follow.State.PENDING:
        return Conflict(_("You have already asked to follow this account."), code="already_requested")
    return Conflict(_("You already follow this account."), code="already_following")


def follow_delete(*, follower: User, followee: User) -> None:
    """Unfollow, or withdraw a pending request."""
    if not _follows_delete(Q(follower=follower, followee=followee)):
        raise NotFound(_("You do not follow this account."), code="not_following")


def _follows_delete(match: Q) -> int:
    """Delete the follows matching `match` and uncount the accepted ones, in one transaction; the rows are
    locked first, so of two concurrent deleters only the one that deletes a row uncounts it."""
    with transaction.atomic():
        rows = list(
            Follow.objects.select_for_update()
            .filter(match)
            .values_list("pk", "follower_id", "followee_id", "state")
        )
        if not rows:
            return 0
        Follow.objects.filter(pk__in=[row[0] for row in rows]).delete()
        accepted = [(a, b) for _pk, a, b, state in rows if state == Follow.State.ACCEPTED]
        follow_counts_add(pairs=accepted, sign=-1)
    return len(rows)


def _pending_request(*, owner: User, request_id: int) -> Follow:
    request = Follow.objects.filter(pk=request_id, followee=owner, state=Follow.State.PENDING).first()
    if request is None:
        raise NotFound(_("This follow request does not exist."), code="follow_request_not_found")
    return request


def follow_request_approve(*, owner: User, request_id: int) -> Follow:
    """Accept a pending request to follow `owner`; only `owner` can."""
    request = _pending_request(owner=owner, request_id=request_id)
    request.state, request.accepted_at = Follow.State.ACCEPTED, timezone.now()
    with transaction.atomic():
        # Conditional, so that of two concurrent approvals only the one that changed the row counts it.
        changed = Follow.objects.filter(pk=request.pk, state=Follow.State.PENDING).update(
            state=request.state, accepted_at=request.accepted_at
        )
        if not changed:
            raise NotFound(_("This follow request does not exist."), code="follow_request_not_found")
        follow_counts_add(pairs=[(request.follower_id, request.followee_id)], sign=1)
        announce_on_commit("follows_accepted", owner.pk, [request.follower_id])
    return request


def follow_request_decline(*, owner: User, request_id: int) -> None:
    _pending_request(owner=owner, request_id=request_id).delete()


def follower_remove(*, owner: User, follower: User) -> None:
    """Take `follower` off `owner`'s followers (a quiet alternative to blocking)."""
    if not _follows_delete(Q(follower=follower, followee=owner)):
        raise NotFound(_("This account does not follow you."), code="not_a_follower")


PendingRequestsChoice = Literal["accept", "decline"]


def account_set_privacy(
    *,
    user: User,
    is_private: bool | None = None,
    hide_follow_lists: bool | None = None,
    likes_public: bool | None = None,
    pending_requests: PendingRequestsChoice | None = None,
) -> User:
    """Change privacy settings; None leaves a setting as it is.

    A private account that turns public while requests to follow it are pending must say what becomes of
    them (`pending_requests`): "accept" makes every requester a follower, "decline" drops every request.
    Without a choice it is refused (422 `pending_requests_choice_required`): accepting them silently used to
    hand people the member never approved a follower's access, which stayed when the account went private
    again. Going private keeps the accepted followers, who are exactly the ones the member approved: one by
    one, all at once by choosing "accept", or by being followed while the account was public.
    """
    with transaction.atomic():
        # Locked, so a concurrent switch cannot act on requests this one has not seen.
        locked = User.objects.select_for_update().only("pk", "is_private").get(pk=user.pk)
        pending = Follow.objects.filter(followee=user, state=Follow.State.PENDING)
        if is_private is False and locked.is_private:
            if pending_requests is None and follow_requests_pending(owner=user):
                raise field_error(
                    "pending_requests",
                    _(
                        "People are waiting for your approval to follow you. Choose whether to accept "
                        "or decline all their requests before making your account public."
                    ),
                    code="pending_requests_choice_required",
                )
            if pending_requests == "accept":
                # The rows read are the rows accepted (and counted): a request arriving meanwhile stays pending.
                rows = list(pending.select_for_update().values_list("pk", "follower_id", "followee_id"))
                Follow.objects.filter(pk__in=[pk for pk, _a, _b in rows]).update(
                    state=Follow.State.ACCEPTED, accepted_at=timezone.now()
                )
                follow_counts_add(pairs=[(a, b) for _pk, a, b in rows], sign=1)
                announce_on_commit("follows_accepted", user.pk, [a for _pk, a, _b in rows])
            else:  # declined, or only requests of deactivated accounts were left
                pending.delete()
        return account_write_privacy(
            user=user, is_private=is_private, hide_follow_lists=hide_follow_lists, likes_public=likes_public
        )


def block_create(*, blocker: User, blocked: User) -> Block:
    """Block `blocked`: from now on neither sees the other; follows in both directions end."""
    if blocker.pk == blocked.pk:
        raise InvalidInput(_("You cannot block yourself."), code="cannot_block_self")
    try:
        with transaction.atomic():
            block = Block.objects.create(blocker=blocker, blocked=blocked)
            _follows_delete(Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker))
    except IntegrityError as exc:
        raise Conflict(_("You have already blocked this account."), code="already_blocked") from exc
    return block


def block_delete(*, blocker: User, blocked: User) -> None:
    """Unblock. Follows that the block ended are not restored."""
    deleted, _rows = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if not deleted:
        raise NotFound(_("You have not blocked this account."), code="not_blocked")


def mute_create(*, muter: User, muted: User) -> Mute:
    """Mute `muted`: their notes leave the muter's lists and feeds. They are not told."""
    if muter.pk == muted.pk:
        raise InvalidInput(_("You cannot mute yourself."), code="cannot_mute_self")
    try:
        with transaction.atomic():
            return Mute.objects.create(muter=muter, muted=muted)
    except IntegrityError as exc:
        raise Conflict(_("You have already muted this account."), code="already_muted") from exc


def mute_delete(*, muter: User, muted: User) -> None:
    deleted, _rows = Mute.objects.filter(muter=muter, muted=muted).delete()
    if not deleted:
        raise NotFound(_("You have not muted this account."), code="not_muted")
