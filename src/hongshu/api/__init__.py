"""The JSON API v1: one NinjaAPI, a router module per area (this package), errors as RFC 9457 problem details.

The API is an adapter: its modules import the apps, no app imports it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import orjson
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.renderers import BaseRenderer

from hongshu.core.errors import Forbidden, ProblemError, RateLimited
from hongshu.core.schemas import Problem

logger = logging.getLogger(__name__)
PROBLEM_TYPE = "application/problem+json"
_DOCUMENTED_ERRORS = {"400", "401", "403", "404", "405", "409", "413", "415", "422", "429", "500"}
# Ninja derives an operation id from the view's module and name. The handlers used to live in each app
# (`hongshu/notes/api.py`, ...); the ids clients generated code from stay those of the old modules.
_OPERATION_ID_PREFIXES = {
    "hongshu.api.accounts": "hongshu_accounts_api",
    "hongshu.api.comments": "hongshu_comments_api",
    "hongshu.api.language": "hongshu_language_api",
    "hongshu.api.media": "hongshu_media_api",
    "hongshu.api.names": "hongshu_language_names_api",
    "hongshu.api.notes": "hongshu_notes_api",
    "hongshu.api.notifications": "hongshu_notifications_api",
    "hongshu.api.search": "hongshu_search_api",
    "hongshu.api.social": "hongshu_social_api",
    "hongshu.api.trends": "hongshu_trends_api",
}


class OrjsonRenderer(BaseRenderer):
    # Ninja's default JSON renderer escapes Chinese as \uXXXX; orjson writes UTF-8.
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=str)


class ObjectBodyParser(Parser):
    """Every JSON body the API takes is an object: `null`, a list or a number is refused (a 400 problem).

    Ninja would hand `null` on as "no fields given", so a PATCH with `null` for its body succeeded.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the JSON body is not an object")  # Ninja answers HttpError(400): `_http_error`
        return data


class HongshuAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`<old module>_<view name>`, e.g. `hongshu_notes_api_note`: see `_OPERATION_ID_PREFIXES`.

        A module not named there (a new one) gets Ninja's id from its own path.
        """
        view = operation.view_func
        prefix = _OPERATION_ID_PREFIXES.get(view.__module__)
        if prefix is None:
            return super().get_openapi_operation_id(operation)
        return f"{prefix}_{view.__name__}"

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Document the problem-details responses every operation can give, with their media type."""
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem_schema.pop("$defs", {}).items():
            components[name] = definition
        components["Problem"] = problem_schema
        problem_content = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in _DOCUMENTED_ERRORS:
                    responses[status] = {
                        "description": "Problem details (RFC 9457)",
                        "content": problem_content,
                    }
        return schema

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """Ninja's URLs, answering a wrong method and an unknown path under the API as problems too.

        Ninja answers a method an operation lacks with a plain-text 405 and Django an unknown path with its
        HTML 404 page; a client of the API reads problem details for every error instead.
        """
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _method_problem(pattern.callback)
        patterns.append(re_path(r"^", _unknown_path))
        return patterns, app_name, namespace


def _method_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps Ninja's `csrf_exempt` mark
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # Ninja's root view (`/api/v1/`); operations map theirs through `_not_found`
            return _unknown_path(request)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = problem_response(
                request,
                status=405,
                code="method_not_allowed",
                title=_("This address does not accept that method."),
            )
            response["Allow"] = allowed
        return response

    return wrapped


def _unknown_path(request: HttpRequest) -> HttpResponse:
    return problem_response(request, status=404, code="not_found", title=_("We could not find that."))


def problem_response(
    request: HttpRequest, *, status: int, code: str, title: str, detail: str | None = None, **extra: Any
) -> HttpResponse:
    body = {
        "type": f"urn:hongshu:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
        "instance": request.path,
        **({"detail": detail} if detail and detail != title else {}),
        **extra,
    }
    return HttpResponse(orjson.dumps(body), status=status, content_type=PROBLEM_TYPE)


api = HongshuAPI(
    title="Hongshu API",
    version="1",
    urls_namespace="api-v1",
    renderer=OrjsonRenderer(),
    parser=ObjectBodyParser(),
    docs_url="/docs",
    # Served from ninja's own copy of Swagger UI (ninja is an installed app), no CDN; no validator badge,
    # which would send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(ProblemError)
def _problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
    response = problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=str(exc.title),
        detail=str(exc.detail) if exc.detail else None,
        **exc.extra,
    )
    for name, value in exc.headers.items():  # e.g. Retry-After of a 429
        response[name] = value
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")
        ]
        errors.append({"field": ".".join(location) or "request", "message": str(error.get("msg", ""))})
    return problem_response(
        request,
        status=422,
        code="invalid_input",
        title=_("Some of the information you sent is not valid."),
        errors=errors,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own errors: a body it cannot parse (400), a failed CSRF check (403), throttling (429).
    known: dict[int, type[ProblemError]] = {403: Forbidden, 429: RateLimited}
    if exc.status_code in known:
        error = known[exc.status_code]
        return problem_response(request, status=error.status, code=error.code, title=str(error.title))
    return problem_response(
        request,
        status=exc.status_code,
        code="malformed_request",
        title=_("The request could not be understood."),
    )


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(
        request, status=413, code="payload_too_large", title=_("That request is too large.")
    )


@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
@api.exception_handler(SuspiciousOperation)
def _malformed(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A multipart body without a boundary or with too many fields, a body cut off in transit.
    return problem_response(
        request, status=400, code="malformed_request", title=_("The request could not be understood.")
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(request, status=401, code="not_authenticated", title=_("Please sign in first."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, status=404, code="not_found", title=_("We could not find that."))


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error", exc_info=exc)
    return problem_response(
        request,
        status=500,
        code="server_error",
        title=_("Something went wrong on our side. Please try again."),
    )


api.add_router("/", "hongshu.api.accounts.router")
api.add_router("/", "hongshu.api.exports.router")
api.add_router("/", "hongshu.api.email.router")
api.add_router("/", "hongshu.api.security.router")
api.add_router("/", "hongshu.api.media.router")
api.add_router("/", "hongshu.api.notes.router")
api.add_router("/", "hongshu.api.topics.router")
api.add_router("/", "hongshu.api.feeds_explore.router")
api.add_router("/", "hongshu.api.feeds_following.router")
api.add_router("/", "hongshu.api.social.router")
api.add_router("/", "hongshu.api.comments.router")
api.add_router("/", "hongshu.api.notifications.router")
api.add_router("/", "hongshu.api.language.router")
api.add_router("/", "hongshu.api.names.router")
api.add_router("/", "hongshu.api.search.router")
api.add_router("/", "hongshu.api.trends.router")
api.add_router("/", "hongshu.api.staff.router")
api.add_router("/", "hongshu.api.screening.router")
api.add_router("/", "hongshu.api.registration.router")
# before moderation: its /staff/cases/{case_id} would take /staff/cases/bulk
api.add_router("/", "hongshu.api.console.router")
api.add_router("/", "hongshu.api.moderation.router")
api.add_router("/", "hongshu.api.queues.router")
api.add_router("/", "hongshu.api.appeals.router")
