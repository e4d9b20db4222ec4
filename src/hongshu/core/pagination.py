"""Cursor pagination on time-ordered 64-bit IDs: stable under inserts, bounded queries, no offsets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import field_error
from hongshu.core.ids import parse_id

M = TypeVar("M", bound=Model)
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def parse_cursor(cursor: str | None) -> int | None:
    """None for no cursor (the first page); the ID it names; else a 422 (`invalid_cursor`)."""
    if not cursor:
        return None
    before = parse_id(cursor)
    if before is None:
        raise field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")
    return before


def parse_offset(raw: str | None, *, maximum: int) -> int:
    """A page offset from a page's query string: ASCII digits, capped at `maximum`; anything else is 0.

    `"²".isdigit()` is true and `int("²")` then fails, hence the ASCII check (before `int()`, as the length).
    """
    if not raw or len(raw) > len(str(maximum)) or not raw.isascii() or not raw.isdigit():
        return 0
    return min(int(raw), maximum)


def paginate_by_id(queryset: QuerySet[M], *, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page[M]:
    """Newest first: the page of `queryset` with IDs below `cursor`, and the cursor of the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise field_error("limit", _("Choose between 1 and 50 items per page."), code="invalid_limit")
    before = parse_cursor(cursor)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-pk")[: limit + 1])
    items = rows[:limit]
    next_cursor = str(items[-1].pk) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)


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
