from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with a stable machine-readable `code`."""

    type: str
    title: str
    status: int
    code: str
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] | None = None

    model_config = {"extra": "allow"}

    @classmethod
    def example(cls) -> dict[str, Any]:
        return {
            "type": "urn:hongshu:problem:not_found",
            "title": "Not found",
            "status": 404,
            "code": "not_found",
        }
