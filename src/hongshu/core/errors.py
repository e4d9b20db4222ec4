"""Typed errors, rendered in one place (hongshu.api) as RFC 9457 problem details.

Each error has a stable machine `code` and a translated human `title`; `detail` is optional and also
translated by the raiser. Services raise these; adapters never build error responses themselves.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ProblemError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str | Promise = _("The request could not be understood.")

    def __init__(
        self,
        detail: str | Promise | None = None,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(detail or self.title))
        self.detail = detail
        if code:
            self.code = code
        self.extra = extra or {}
        self.headers = headers or {}  # HTTP response headers, e.g. Retry-After


class InvalidInput(ProblemError):
    status = 422
    code = "invalid_input"
    title = _("Some of the information you sent is not valid.")


class NotAuthenticated(ProblemError):
    status = 401
    code = "not_authenticated"
    title = _("Please sign in first.")


class Forbidden(ProblemError):
    status = 403
    code = "forbidden"
    title = _("You are not allowed to do that.")


class NotFound(ProblemError):
    status = 404
    code = "not_found"
    title = _("We could not find that.")


class Conflict(ProblemError):
    status = 409
    code = "conflict"
    title = _("That conflicts with something that already exists.")


class PayloadTooLarge(ProblemError):
    status = 413
    code = "payload_too_large"
    title = _("That file is too large.")


class UnsupportedMedia(ProblemError):
    status = 415
    code = "unsupported_media"
    title = _("That file type is not supported.")


class RateLimited(ProblemError):
    status = 429
    code = "rate_limited"
    title = _("Too many requests. Please wait a moment and try again.")


class Busy(ProblemError):
    """The server has no room for this request now (e.g. every password-hashing slot is taken): try again."""

    status = 503
    code = "busy"
    title = _("The server is busy. Please try again in a moment.")


def field_error(field: str, message: str | Promise, *, code: str) -> InvalidInput:
    """An `InvalidInput` naming one field, in the same shape as request-validation errors."""
    return InvalidInput(message, code=code, extra={"errors": [{"field": field, "message": str(message)}]})
