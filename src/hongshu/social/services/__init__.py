"""Social writes, one module per concern; import them from here: `from hongshu.social import services`."""

from hongshu.social.services.counters import (
    counter_add,
    counter_reconcile,
    counter_reconcile_drifted,
    counter_reconcile_member_on_commit,
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
from hongshu.social.services.interactions import (
    board_create,
    board_default,
    board_delete,
    board_update,
    collect_create,
    collect_delete,
    collect_into,
    collect_move,
    like_create,
    like_delete,
)

__all__ = [
    "account_set_privacy",
    "block_create",
    "block_delete",
    "board_create",
    "board_default",
    "board_delete",
    "board_update",
    "collect_create",
    "collect_delete",
    "collect_into",
    "collect_move",
    "counter_add",
    "counter_reconcile",
    "counter_reconcile_drifted",
    "counter_reconcile_member_on_commit",
    "follow_create",
    "follow_delete",
    "follow_request_approve",
    "follow_request_decline",
    "follower_remove",
    "like_create",
    "like_delete",
    "mute_create",
    "mute_delete",
]
