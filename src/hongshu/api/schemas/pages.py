"""The two page shapes of the API: a cursor page (`items` + `next_cursor`, every list that grows) and an offset
page (`items` + `next_offset`, search results, which are ranked and capped).

Each endpoint's page is a named subclass (`class NotePage(CursorPage[NoteOut])`), so the OpenAPI document keeps
one component per page with a stable name instead of pydantic's `CursorPage_NoteOut_`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, Self, TypeVar

from ninja import Schema

from hongshu.core.pagination import Page

Item = TypeVar("Item")
Row = TypeVar("Row")


class CursorPage(Schema, Generic[Item]):
    items: list[Item]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Row], render: Callable[[Row], Item]) -> Self:
        """The page of `page`'s rows, each rendered by `render`."""
        return cls(items=[render(row) for row in page.items], next_cursor=page.next_cursor)


class OffsetPage(Schema, Generic[Item]):
    items: list[Item]
    next_offset: int | None

    @classmethod
    def of(cls, items: Sequence[Row], render: Callable[[Row], Item], *, next_offset: int | None) -> Self:
        return cls(items=[render(row) for row in items], next_offset=next_offset)
