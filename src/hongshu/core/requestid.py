"""One id per request, in every log line it causes and in the jobs it enqueues (docs/operations.md#logs).

The id comes from the `X-Request-ID` header when a trusted proxy sent it (core.proxies drops the header from
anyone else), else it is generated; it is echoed in the response's `X-Request-ID`. `core.jobs` puts it in the
headers of each job the request enqueues, and the worker sets it again around the job, so a job's log lines
carry the id of the request that caused it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What a proxy may hand us: nginx's $request_id is 32 hex digits, load balancers use UUIDs or
# "Root=1-…" forms. Anything else (or longer) is replaced, so a log line cannot be forged through it.
_ACCEPTED = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")

_current: ContextVar[str | None] = ContextVar("hongshu_request_id", default=None)


def request_id_get() -> str | None:
    """The id of the request (or job) being handled in this context, if any."""
    return _current.get()


def request_id_new() -> str:
    return uuid.uuid4().hex


@contextmanager
def request_id_bound(request_id: str | None) -> Iterator[None]:
    """Within the block, log lines (and jobs enqueued) carry `request_id`."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request or job), for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get() or "-"
        return True


class RequestIdMiddleware:
    """Binds the request's id for everything under it and echoes it in the response header. Placed right
    after `TrustedProxyHeadersMiddleware`, so a header that reaches it came from a trusted proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _ACCEPTED.fullmatch(given) else request_id_new()
        request.request_id = request_id  # type: ignore[attr-defined]
        # Bound until the response is closed (`request_finished`), not just while the middleware runs:
        # Django logs a 4xx or 5xx ("Not Found: ...") after the middleware returned.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def _request_finished(**_: object) -> None:
    _current.set(None)
