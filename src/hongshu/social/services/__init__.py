"""Writes to the social graph; import them from here: `from hongshu.social import services`."""

from hongshu.social.services.counters import (
    follow_counts_member_presence,
    follow_counts_reconcile,
    follow_counts_reconcile_all,
)
from hongshu.social.services.graph import (
    account_set_privacy,
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    follow_request_approve,
    follow_request_decline,
    follower_remove,
    mute_create,
    mute_delete,
)

__all__ = [
    "account_set_privacy",
    "block_create",
    "block_delete",
    "follow_counts_member_presence",
    "follow_counts_reconcile",
    "follow_counts_reconcile_all",
    "follow_create",
    "follow_delete",
    "follow_request_approve",
    "follow_request_decline",
    "follower_remove",
    "mute_create",
    "mute_delete",
]
