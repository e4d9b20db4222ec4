"""64-bit, time-ordered IDs (Snowflake / Instagram style).

Layout: 41 bits of milliseconds since 2025-01-01 UTC | 10 bits node | 12 bits sequence. IDs sort by creation
time, so `id < cursor` is a stable cursor and `(author_id, id DESC)` indexes serve timelines. They exceed
JavaScript's 2**53, so the API always renders them as strings.
"""

from __future__ import annotations

import os
import random
import threading
import time

from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import field_error

EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
NODE_BITS = 10
SEQUENCE_BITS = 12
_MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1


class _Generator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        configured = os.environ.get("HONGSHU_NODE_ID")
        # A forked worker must not share its parent's node number, hence the re-roll after fork.
        self.node = int(configured) if configured else random.getrandbits(NODE_BITS)
        self.last_ms = -1
        self.sequence = 0

    def next(self) -> int:
        with self._lock:
            now = int(time.time() * 1000) - EPOCH_MS
            # A clock that steps backwards keeps the last timestamp so IDs stay increasing.
            now = max(now, self.last_ms)
            if now == self.last_ms:
                self.sequence = (self.sequence + 1) & _MAX_SEQUENCE
                if self.sequence == 0:
                    now = self.last_ms + 1
            else:
                self.sequence = random.getrandbits(4)  # spreads IDs of quiet nodes over the sequence space
            self.last_ms = now
            return (now << (NODE_BITS + SEQUENCE_BITS)) | (self.node << SEQUENCE_BITS) | self.sequence


_generator = _Generator()
os.register_at_fork(after_in_child=_generator._reset)


def next_id() -> int:
    """A new unique, time-ordered 64-bit ID."""
    return _generator.next()


def id_timestamp_ms(value: int) -> int:
    """Unix milliseconds at which `value` was generated."""
    return (value >> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MS


def id_at(ms_timestamp: int, sequence: int) -> int:
    """An ID for Unix milliseconds `ms_timestamp` with the low 22 bits (node and sequence) set to `sequence`.

    For bulk loads of past events (the benchmark dataset): IDs stay ordered by time. The caller keeps
    (ms, sequence) pairs unique; live IDs use the current time, so they never meet these.
    """
    return ((ms_timestamp - EPOCH_MS) << (NODE_BITS + SEQUENCE_BITS)) | (
        sequence & ((1 << (NODE_BITS + SEQUENCE_BITS)) - 1)
    )


MAX_ID = 2**63 - 1  # the largest value a signed 64-bit column (and so every ID) can hold
_MAX_ID_DIGITS = len(str(MAX_ID))
_ASCII_DIGITS = frozenset("0123456789")


def parse_id(raw: str | None) -> int | None:
    """`raw` as an ID when it is one to nineteen ASCII digits naming a value in 1..2**63-1, else None.

    The one parser for IDs that come from a request (path, query, form, cursor). `str.isdigit()` is not
    enough: it accepts `²` and other Unicode digits that `int()` then refuses (or reads, for `٣`), and a
    nineteen-digit number can still overflow a 64-bit column; the length is checked before `int()` so a
    huge string costs nothing.
    """
    if not raw or len(raw) > _MAX_ID_DIGITS or not _ASCII_DIGITS.issuperset(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def require_id(raw: str | None, *, field: str) -> int:
    """`raw` as an ID, or an `InvalidInput` (422, code `invalid_id`) naming `field`."""
    value = parse_id(raw)
    if value is None:
        raise field_error(field, _("This is not a valid ID."), code="invalid_id")
    return value
