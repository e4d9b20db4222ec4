"""Writes of likes, boards, collects and note counters, one module per concern; import them from here:
`from hongshu.interactions import services`."""

from hongshu.interactions.services.counters import (
    counter_add,
    counter_reconcile,
    counter_reconcile_drifted,
    counter_reconcile_member_on_commit,
)
from hongshu.interactions.services.interactions import (
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
    "like_create",
    "like_delete",
]
