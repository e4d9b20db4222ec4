"""Spam bursts: near-duplicate texts posted by several accounts within a window (issue 24, item 5).

A text's fingerprint is its MinHash (datasketch, `NUM_PERM` fixed permutations made once per process) over
character 3-grams of the text reduced to letters, digits and Han characters (NFKC, case folded), so it
works alike for Chinese and English and ignores emoji, punctuation and spacing. The signature is cut into
LSH bands (`bands_for(threshold)`: datasketch's optimum for the Jaccard threshold, weighted towards catching
near-duplicates) and each band hashed to a signed 64-bit integer: two texts sharing any band are
near-duplicates. Each text's bands are kept in `BurstBand` for the window; `burst_record_and_check` stores
the bands of a new text and looks for rows of other accounts sharing one, and, while that finds too few
accounts, for the near-duplicates of those (two hops: C close to A but edited apart from B still joins A and
B's burst). Texts shorter than `MIN_WEIGHT` (a Han character weighs two, anything else one) return no bands
and never burst: short greetings and "thanks for sharing" are alike by nature. Changing the threshold changes
the band layout: texts fingerprinted before the change stop matching new ones until they leave the window.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone

from hongshu.screening.models import BurstBand

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SEED = 24  # the permutations must never change: stored bands are compared with new ones
SCHEME = "affine32"  # datasketch 2's default permutation scheme, named so it cannot move under us
SHINGLE = 3  # 4-grams let a one-character edit of a short Chinese text fall below 0.7 (tests/screening)
MIN_WEIGHT = 32
# datasketch's optimum weighs missed pairs over false ones: a burst is only held for review.
FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT = 0.3, 0.7
SUBJECTS_MAX = 100  # the earliest members of a burst named in it (the one posting is always added)
HOP_SUBJECTS = 10  # near-duplicates whose own near-duplicates are looked up in the second hop

_NOT_WORD = re.compile(r"[\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@dataclass(frozen=True, slots=True)
class Burst:
    key: str  # "burst:" + the earliest subject of the cluster: every member maps to one case
    authors: int  # distinct accounts, the one posting included
    subjects: list[str]  # the cluster within the window, earliest first (at most SUBJECTS_MAX), then this one


def _hash32(data: bytes) -> int:
    return zlib.crc32(data)


# datasketch is imported on first use: importing it takes about a second (it imports scipy), which a process
# that never screens (a worker, a command) need not pay; web processes pay it before forking (`warm`).
@functools.cache
def _minhash_class() -> Any:
    from datasketch import MinHash

    return MinHash


@functools.cache
def _permutations() -> np.ndarray:
    permutations: np.ndarray = _minhash_class()(
        num_perm=NUM_PERM, seed=SEED, hashfunc=_hash32, scheme=SCHEME
    ).permutations
    return permutations


@functools.lru_cache(maxsize=16)
def bands_for(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) for a Jaccard `threshold` over `NUM_PERM` permutations."""
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(threshold, NUM_PERM, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT)
    return int(bands), int(rows)


def warm() -> None:
    """Make the permutations and the band layout now, not on the first text screened."""
    _permutations()
    bands_for(settings.HONGSHU.screening_burst_threshold)


def normalise(text: str) -> str:
    """Letters, digits and Han characters only, after NFKC and case folding."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def burst_signature(text: str, *, threshold: float | None = None) -> list[int]:
    """The text's LSH band values, band i at index i (signed 64-bit); [] for a text too short to compare."""
    reduced = normalise(text)
    weight = len(reduced) + len(_HAN.findall(reduced))
    if weight < MIN_WEIGHT or len(reduced) < SHINGLE:
        return []
    shingles = {reduced[i : i + SHINGLE].encode() for i in range(len(reduced) - SHINGLE + 1)}
    minhash = _minhash_class()(
        num_perm=NUM_PERM, seed=SEED, hashfunc=_hash32, scheme=SCHEME, permutations=_permutations()
    )
    minhash.update_batch(list(shingles))
    bands, rows = bands_for(
        threshold if threshold is not None else settings.HONGSHU.screening_burst_threshold
    )
    values = minhash.hashvalues
    return [
        int.from_bytes(
            hashlib.blake2b(values[i * rows : (i + 1) * rows].tobytes(), digest_size=8).digest(),
            "little",
            signed=True,
        )
        for i in range(bands)
    ]


def _window() -> timedelta:
    return timedelta(minutes=settings.HONGSHU.screening_burst_window_minutes)


def burst_record_and_check(
    *, author_id: int, subject: str, text: str, now: datetime | None = None, replace: bool = True
) -> Burst | None:
    """Store the bands of `subject`'s text, then the burst it is part of, if near-duplicates by at least
    `screening_burst_min_authors` accounts (this one included) were posted within the window. Call it inside
    the writer's transaction.

    `replace` first deletes the bands of an earlier version of `subject` (an edit). The table has no index on
    subject, so that is a scan of the window's rows (1-3 ms at 32,000 rows): pass `replace=False` for a text
    just created."""
    now = now or timezone.now()
    if replace:  # an edit: the new text's fingerprint replaces the old one's
        BurstBand.objects.filter(subject=subject).delete()
    values = burst_signature(text)
    if not values:
        return None
    BurstBand.objects.bulk_create(
        [
            BurstBand(band=i, value=v, author_id=author_id, subject=subject, at=now)
            for i, v in enumerate(values)
        ]
    )
    since = now - _window()
    rows = _sharing(pairs=list(enumerate(values)), since=since, now=now, subject=subject)
    authors = {author_id} | {row[0] for row in rows}
    min_authors = settings.HONGSHU.screening_burst_min_authors
    if rows and len(authors) < min_authors:  # two hops: the near-duplicates of the near-duplicates
        neighbours = sorted({row[1] for row in rows})[:HOP_SUBJECTS]
        mine = set(enumerate(values))
        pairs = {
            (band, value)
            for band, value in BurstBand.objects.filter(subject__in=neighbours).values_list("band", "value")
        }
        rows += _sharing(pairs=sorted(pairs - mine), since=since, now=now, subject=subject)
        authors |= {row[0] for row in rows}
    if len(authors) < min_authors:
        return None
    earliest: dict[str, tuple[datetime, int]] = {}
    for _author, row_subject, at, row_id in rows:
        if row_subject not in earliest or (at, row_id) < earliest[row_subject]:
            earliest[row_subject] = (at, row_id)
    subjects = sorted(earliest, key=lambda s: (earliest[s], s))[:SUBJECTS_MAX]
    subjects.append(subject)
    return Burst(key=f"burst:{subjects[0]}", authors=len(authors), subjects=subjects)


@contextmanager
def _unprepared() -> Iterator[None]:
    """Plan the statements run here for their values, never prepared (settings.py's `prepare_threshold`): the
    generic plan PostgreSQL makes for the OR of band values after two runs reads several times more rows
    (10-18 ms against 2 ms on 32,000 bands), as search.backends found for its tiers."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _sharing(
    *, pairs: list[tuple[int, int]], since: datetime, now: datetime, subject: str
) -> list[tuple[int, str, datetime, int]]:
    """(author, subject, at, id) of the rows within the window, other than `subject`'s, with one of `pairs`."""
    if not pairs:
        return []
    same_band = Q()
    for band, value in pairs:
        same_band |= Q(band=band, value=value)
    rows = (  # one row per subject, however many bands it shares: a large burst stays cheap to read
        BurstBand.objects.filter(same_band, at__gte=since, at__lte=now)
        .exclude(subject=subject)
        .values("author_id", "subject")
        .annotate(first_at=Min("at"), first_id=Min("id"))
        .order_by()
        .values_list("author_id", "subject", "first_at", "first_id")
    )
    with _unprepared():
        return list(rows)


def burst_prune(*, older_than: datetime | None = None) -> int:
    """Delete bands stored before `older_than` (default: the start of the window); how many rows went."""
    cutoff = older_than or timezone.now() - _window()
    deleted, _per_model = BurstBand.objects.filter(at__lt=cutoff).delete()
    return deleted
