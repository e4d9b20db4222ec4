"""Every staff operation, enumerated from what the site serves (the OpenAPI document, the URL conf), so a
staff route added later is covered by the authorization tests without being listed by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

METHODS = ("get", "post", "put", "patch", "delete")


def staff_api_operations() -> list[tuple[str, str]]:
    """(method, path template) of every `/api/v1/staff/…` operation."""
    schema = Client().get("/api/v1/openapi.json").json()
    operations = []
    for path, item in schema["paths"].items():
        if path.startswith("/api/v1/staff/"):
            operations.extend((method, path) for method in item if method in METHODS)
    return sorted(operations)


def concrete(path: str, value: str) -> str:
    """An API path template with every `{parameter}` filled with `value`."""
    return re.sub(r"\{[^}]+\}", value, path)


def web_staff_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every route of the URL conf under `staff/`."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from web_staff_routes(pattern.url_patterns, route)
        elif route.lstrip("^/").startswith("staff/"):
            yield route


def web_path(route: str, value: str) -> str:
    """A web route with every `<converter:name>` filled with `value`."""
    return "/" + re.sub(r"<[^>]+>", value, route).lstrip("^").rstrip("$")


# The lowest role of each staff route the moderator console added (issue 25 item 9: the case context, bulk
# mode, the surge dashboard); the authorization matrix in tests/moderation/test_roles.py adds them to its own.
CONSOLE_API_ROLES: dict[tuple[str, str], str] = {
    ("get", "/api/v1/staff/cases/{case_id}/context"): "triage",
    ("get", "/api/v1/staff/dashboard"): "triage",
    ("get", "/api/v1/staff/cases/bulk"): "moderator",
    ("post", "/api/v1/staff/cases/bulk"): "moderator",
}
CONSOLE_WEB_ROLES: dict[str, str] = {
    "staff/cases/<id:case_id>/media/<id:media_id>": "triage",
    "staff/dashboard": "triage",
    "staff/cases/bulk": "moderator",
}
# The lowest role of staff operations added by feature (tests/moderation/test_roles.py merges these into its
# maps; anything not listed there or here needs admin).
APPEALS_API_MODERATOR = {
    ("get", "/api/v1/staff/appeals"),
    ("post", "/api/v1/staff/appeals/{appeal_id}/decide"),
}
APPEALS_WEB_MODERATOR = {"staff/appeals", "staff/appeals/<id:appeal_id>/decide"}
