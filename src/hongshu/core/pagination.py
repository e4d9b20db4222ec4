"""Cursor pagination: stable under inserts, bounded queries, no offsets.

One paginator, `keyset_page`: rows ordered by their time-ordered 64-bit ID (newest first, `paginate_by_id`,
or oldest first), or by an integer column with the ID as tie-breaker (comments by likes, notifications by
latest activity). A cursor is the last row's ID, or its key and ID joined by a dot (`"12.7301…"`): opaque
to clients, bounded in length and validated. Every page of anything, hydrated or not, is a `Page`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import regex
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import field_error
from hongshu.core.ids import parse_id

M = TypeVar("M", bound=Model)
T = TypeVar("T")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
_PART = r"-?[0-9]{1,19}"  # ASCII only: `\d` would take any script's digits
_KEYED = regex.compile(rf"^({_PART})\.({_PART})$")
_INT64 = 2**63


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows, or of what was made of them (comment views, notifications), and the cursor of the
    next page (None on the last)."""

    items: list[T]
    next_cursor: str | None


def _invalid_cursor() -> Exception:
    return field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")


def parse_cursor(cursor: str | None) -> int | None:
    """None for no cursor (the first page); the ID it names; else a 422 (`invalid_cursor`)."""
    if not cursor:
        return None
    before = parse_id(cursor)
    if before is None:
        raise _invalid_cursor()
    return before


def _parse_keyed(cursor: str) -> tuple[int, int]:
    """The (key, ID) a keyed cursor names; a 422 (`invalid_cursor`) for anything else."""
    match = _KEYED.match(cursor)
    if match is None:
        raise _invalid_cursor()
    key, pk = (int(part) for part in match.groups())
    if not -_INT64 <= key < _INT64 or parse_id(match.group(2)) is None:
        raise _invalid_cursor()
    return key, pk


def parse_offset(raw: str | None, *, maximum: int) -> int:
    """A page offset from a page's query string: ASCII digits, capped at `maximum`; anything else is 0.

    `"²".isdigit()` is true and `int("²")` then fails, hence the ASCII check (before `int()`, as the length).
    """
    if not raw or len(raw) > len(str(maximum)) or not raw.isascii() or not raw.isdigit():
        return 0
    return min(int(raw), maximum)


def keyset_page(
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    key: str | None = None,
    ascending: bool = False,
) -> Page[M]:
    """The page after `cursor` of `queryset` ordered by (`key`, pk) — or by pk alone when `key` is None —
    descending unless `ascending`, and the cursor of the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise field_error("limit", _("Choose between 1 and 50 items per page."), code="invalid_limit")
    after = "gt" if ascending else "lt"
    if key is None:
        last_pk = parse_cursor(cursor)
        if last_pk is not None:
            queryset = queryset.filter(**{f"pk__{after}": last_pk})
    elif cursor:
        last_key, last_pk = _parse_keyed(cursor)
        queryset = queryset.filter(
            Q(**{f"{key}__{after}": last_key}) | Q(**{key: last_key, f"pk__{after}": last_pk})
        )
    sign = "" if ascending else "-"
    order = [f"{sign}{key}", f"{sign}pk"] if key else [f"{sign}pk"]
    rows = list(queryset.order_by(*order)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = f"{getattr(last, key)}.{last.pk}" if key else str(last.pk)
    return Page(items=items, next_cursor=next_cursor)


def paginate_by_id(queryset: QuerySet[M], *, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[M]:
    """Newest first: the page of `queryset` with IDs below `cursor`, and the cursor of the next page."""
    return keyset_page(queryset, cursor=cursor, limit=limit)


def id_batches(queryset: QuerySet[Any], *, field: str, size: int) -> Iterator[list[int]]:
    """The values of the integer column `field` in `queryset`, ascending, in lists of at most `size`: each
    list one keyset query (`field > last`, no offsets), so walking a large set costs bounded queries."""
    after = 0
    while True:
        batch = list(
            queryset.filter(**{f"{field}__gt": after}).order_by(field).values_list(field, flat=True)[:size]
        )
        if not batch:
            return
        yield batch
        after = batch[-1]
