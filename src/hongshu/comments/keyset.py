"""Keyset (cursor) pages ordered by an integer column with the ID as tie-breaker, in either direction.

`core.pagination.paginate_by_id` covers "newest first by ID"; comments sorted by likes and notifications
sorted by latest activity need `(key, id)` ordering, and replies read oldest first. The cursor is the last
row's values joined by a dot (`"12.7301…"`), opaque to clients, bounded in length and validated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import regex
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hongshu.core.errors import field_error
from hongshu.core.pagination import MAX_LIMIT

M = TypeVar("M", bound=Model)
_PART = r"-?[0-9]{1,19}"  # ASCII only: `\d` would take any script's digits
_ONE = regex.compile(rf"^{_PART}$")
_TWO = regex.compile(rf"^({_PART})\.({_PART})$")
_INT64 = 2**63


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _invalid_cursor() -> Exception:
    return field_error("cursor", _("This cursor is not valid."), code="invalid_cursor")


def _parse(cursor: str, with_key: bool) -> tuple[int, ...]:
    match = (_TWO if with_key else _ONE).match(cursor)
    if match is None:
        raise _invalid_cursor()
    values = tuple(int(part) for part in (match.groups() if with_key else (cursor,)))
    if any(not -_INT64 <= value < _INT64 for value in values):
        raise _invalid_cursor()
    return values


def keyset_page(
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int,
    key: str | None = None,
    ascending: bool = False,
) -> KeysetPage[M]:
    """The page after `cursor` of `queryset` ordered by (`key`, pk) — or by pk alone when `key` is None."""
    if not 1 <= limit <= MAX_LIMIT:
        raise field_error("limit", _("Choose between 1 and 50 items per page."), code="invalid_limit")
    after = "gt" if ascending else "lt"
    if cursor:
        values = _parse(cursor, key is not None)
        if key is None:
            queryset = queryset.filter(**{f"pk__{after}": values[0]})
        else:
            queryset = queryset.filter(
                Q(**{f"{key}__{after}": values[0]}) | Q(**{key: values[0], f"pk__{after}": values[1]})
            )
    sign = "" if ascending else "-"
    order = [f"{sign}{key}", f"{sign}pk"] if key else [f"{sign}pk"]
    rows = list(queryset.order_by(*order)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = f"{getattr(last, key)}.{last.pk}" if key else str(last.pk)
    return KeysetPage(items=items, next_cursor=next_cursor)
