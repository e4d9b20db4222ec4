"""Password hashers: Argon2id with the OWASP profile, run through a bounded number of slots per process.

Argon2 is meant to be slow (~30 ms of one core and 19 MiB each). Unbounded, a flood of sign-ins or sign-ups
puts every web worker thread into a hash at once and the feeds stop answering. `BoundedHasherMixin` lets at
most `password_hash_concurrency` hashes run at once in a process (a `threading.BoundedSemaphore`); a request
that finds no free slot within `password_hash_wait` seconds is refused with a 503 `busy` problem carrying
`Retry-After`, rather than queueing without end (docs/configuration.md).
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, MD5PasswordHasher

from hongshu.core.errors import Busy

_held = threading.local()  # how many slots this thread holds: a hash inside a hash (MD5's verify) reuses it


@functools.cache
def hash_slots(limit: int) -> threading.BoundedSemaphore:
    """The process's semaphore for `limit` concurrent hashes (one per value, so a changed setting applies)."""
    return threading.BoundedSemaphore(limit)


@contextmanager
def hash_slot() -> Iterator[None]:
    """Hold one hashing slot for the block, or raise `Busy` when none frees within `password_hash_wait`."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    hongshu = settings.HONGSHU
    slots = hash_slots(hongshu.password_hash_concurrency)
    if not slots.acquire(timeout=hongshu.password_hash_wait):
        raise Busy(headers={"Retry-After": str(max(1, math.ceil(hongshu.password_hash_wait)))})
    _held.depth = 1
    try:
        yield
    finally:
        _held.depth = 0
        slots.release()


class BoundedHasherMixin:
    """Runs the hasher's `encode` and `verify` inside a hashing slot (put it first among the bases)."""

    def encode(self, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        with hash_slot():
            return super().encode(password, salt, *args, **kwargs)  # type: ignore[misc, no-any-return]

    def verify(self, password: str, encoded: str) -> bool:
        with hash_slot():
            return super().verify(password, encoded)  # type: ignore[misc, no-any-return]


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the OWASP profile (19 MiB, t=2, p=1).

    Django's default (100 MiB, 8 lanes) manages about 5 hashes/s on a 2-core box, which a signup surge cannot
    afford; this profile gives ~32/s per core with the strength OWASP recommends. The algorithm name stays
    `argon2`, so Django re-hashes old passwords on login when the parameters change.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class BoundedArgon2PasswordHasher(BoundedHasherMixin, OwaspArgon2PasswordHasher):
    """The production hasher: OWASP Argon2id in at most `password_hash_concurrency` slots per process."""


class BoundedMD5PasswordHasher(BoundedHasherMixin, MD5PasswordHasher):
    """The test suites' fast hasher (`fast_password_hasher`), through the same slots as production."""
