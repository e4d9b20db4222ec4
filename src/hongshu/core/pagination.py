"""Cursor pagination on time-ordered 64-bit IDs: stable under inserts, bounded queries, no offsets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import field_error

M = TypeVar("M", bound=Model)
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def parse_cursor(cursor: str | None) -> int | None:
    if cursor in (None, ""):
        return None
    if not cursor.isdigit() or len(cursor) > 19:
        raise field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")
    return int(cursor)


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
