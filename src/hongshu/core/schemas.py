from __future__ import annotations

from typing import Annotated

from ninja import Path, Schema
from pydantic import ConfigDict


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with a stable machine-readable `code`."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None


MAX_ID = 2**63 - 1
# A path ID bounded to the 64-bit range, so an overlong number is a 422, not a database error.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
