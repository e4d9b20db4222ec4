"""Writes to the social graph; import them from here: `from hongshu.social import services`."""

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
    "follow_create",
    "follow_delete",
    "follow_request_approve",
    "follow_request_decline",
    "follower_remove",
    "mute_create",
    "mute_delete",
]
