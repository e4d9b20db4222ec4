from __future__ import annotations

from typing import Annotated

from ninja import Path, Schema
from pydantic import AfterValidator, ConfigDict, Field

from hongshu.core import ids

MAX_ID = ids.MAX_ID


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


# A path ID bounded to the 64-bit range, so an overlong number is a 422, not a database error.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _id_in_range(value: str) -> str:
    if ids.parse_id(value) is None:
        raise ValueError("not an ID in 1..2**63-1")
    return value


# An ID in a request body, as the API renders IDs (a string of ASCII digits). The pattern says so in the
# schema (`[0-9]`, as `\d` would take any script's digits); the validator adds the 64-bit range.
IdStr = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,18}$"), AfterValidator(_id_in_range)]
