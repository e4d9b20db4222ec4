"""Request metrics and the operator endpoints, answered before sessions, CSRF or the URL resolver.

`/healthz`, `/readyz` and `/metrics` are answered here, so a probe needs no allowed host name, no session
and (for `/healthz`) no database, and is never redirected to HTTPS: load balancers probe nodes by address.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import orjson
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hongshu.core.metrics import REQUEST_QUERIES, REQUEST_SECONDS, RESPONSES
from hongshu.core.proxies import address_in, client_ip, parse_networks
from hongshu.ops.health import readiness_checks
from hongshu.ops.metrics import metrics_exposition

request_log = logging.getLogger("hongshu.request")
PROBLEM_TYPE = "application/problem+json"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPS_PATHS = {"/healthz": "healthz", "/readyz": "readyz", "/metrics": "metrics"}


def _route(request: HttpRequest) -> str:
    """A bounded label: the URL pattern that matched (`notes/<id:note_id>`), never the path itself."""
    named = getattr(request, "ops_route", None)
    if named:
        return str(named)
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.route) or "/"


class MetricsMiddleware:
    """Times each request and counts its database queries and its status, by route; with JSON logs, writes
    one line per request (the text format leaves that to the server's access log)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = [0]

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(count))
            response = self.get_response(request)
        seconds = time.perf_counter() - started
        route, method = _route(request), request.method or "GET"
        REQUEST_SECONDS.labels(route, method).observe(seconds)
        RESPONSES.labels(route, method, str(response.status_code)).inc()
        REQUEST_QUERIES.labels(route).observe(queries[0])
        if settings.HONGSHU.log_format == "json":
            request_log.info(
                "%s %s %s",
                method,
                request.path,
                response.status_code,
                extra={
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "db_queries": queries[0],
                    "client_ip": client_ip(request),
                },
            )
        return response


def _problem(request: HttpRequest, *, status: int, code: str, title: str, **extra: Any) -> HttpResponse:
    body = {"type": f"urn:hongshu:problem:{code}", "title": title, "status": status, "code": code}
    body |= {"instance": request.path, **extra}
    return HttpResponse(orjson.dumps(body), status=status, content_type=PROBLEM_TYPE)


def metrics_allowed(request: HttpRequest) -> bool:
    """From a network of `metrics_networks` (the client as the trusted proxies tell it, so a public request
    relayed by a local proxy is not local), or with the `metrics_token` bearer token from anywhere."""
    token = settings.HONGSHU.metrics_token
    header = request.headers.get("Authorization", "")
    if token and header[:7].lower() == "bearer ":
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    return address_in(client_ip(request), parse_networks(tuple(settings.HONGSHU.metrics_networks)))


def _healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(orjson.dumps({"status": "ok"}), content_type="application/json")


def _readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness_checks()
    results = {check.name: "ok" if check.ok else f"unreachable: {check.detail}" for check in checks}
    failed = [check.name for check in checks if not check.ok]
    if not failed:
        return HttpResponse(
            orjson.dumps({"status": "ok", "checks": results}), content_type="application/json"
        )
    response = _problem(
        request,
        status=503,
        code="not_ready",
        title=_("The service is not ready."),
        detail=_("Unreachable: %(names)s.") % {"names": ", ".join(failed)},
        failed=failed,
        checks=results,
    )
    response["Retry-After"] = "5"
    return response


def _metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return _problem(
            request, status=403, code="metrics_forbidden", title=_("You are not allowed to do that.")
        )
    return HttpResponse(metrics_exposition(), content_type=METRICS_TYPE)


_VIEWS = {"healthz": _healthz, "readyz": _readyz, "metrics": _metrics}


class OpsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = OPS_PATHS.get(request.path_info)
        if name is None:
            return self.get_response(request)
        request.ops_route = name  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD"):
            response = _problem(
                request,
                status=405,
                code="method_not_allowed",
                title=_("This address does not accept that method."),
            )
            response["Allow"] = "GET, HEAD"
            return response
        response = _VIEWS[name](request)
        response["Cache-Control"] = "no-store"
        return response
