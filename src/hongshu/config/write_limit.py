"""The write ceiling: every POST, PUT, PATCH and DELETE counts against the `write` limit of the rate table
(per member when signed in, per client address always), beside whatever limit of its own the operation has.

Writes that matter at surge (notes, comments, likes, follows, uploads, reports, sign-up, sign-in…) have
their own, tighter limits in the services and views; this catches the rest (boards, blocks, mutes,
settings, marks, invites) with one mechanism instead of a limit per endpoint. It sits in `config` because
its refusal is answered in each adapter's form: an RFC 9457 problem under /api/v1/, the problem page or an
htmx error fragment on the web. Signing out is never refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from hongshu.api import api
from hongshu.core.ratelimit import RateLimitExceeded, client_ip, rate_limit_hit
from hongshu.web.common import is_htmx, problem_fragment, problem_page

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NEVER_REFUSED = frozenset({"sign-out"})  # URL names
API_PREFIX = "/api/v1/"


class WriteLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if request.method not in WRITES:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in NEVER_REFUSED:
            return None
        user = getattr(request, "user", None)
        member = user if user is not None and user.is_authenticated else None
        try:
            rate_limit_hit("write", member=member, ip=client_ip(request))
        except RateLimitExceeded as refused:
            if request.path.startswith(API_PREFIX):
                return api.on_exception(request, refused)
            if is_htmx(request):
                return problem_fragment(refused, request)
            return problem_page(request, refused)
        return None
