"""Content-Security-Policy: scripts and styles come only from our own static files, on every response.

One middleware, outermost, rather than a decorator per view: pages nobody remembered to decorate (Django's
404, 403 CSRF-failure and 500 pages, the API docs, a new view) are covered too. JSON, media and static
responses get it as well; it costs one header and stops such a response doing anything if a browser is
ever led to render it as a document.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Blurhash placeholders are drawn on <canvas>; data: covers browser-generated previews.
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Django's DEBUG pages for these statuses style and script themselves inline (Django 5.2 has no nonce for
# them); under DEBUG only, they go out without the policy so a developer can read them.
_DEBUG_PAGE_STATUSES = frozenset({404, 500})


class ContentSecurityPolicyMiddleware:
    """Adds POLICY to every response that does not set its own Content-Security-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code in _DEBUG_PAGE_STATUSES):
            response.headers.setdefault("Content-Security-Policy", POLICY)
        return response
