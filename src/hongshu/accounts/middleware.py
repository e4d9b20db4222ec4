"""Bearer-token authentication for the API, beside Django's session cookies for the web."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hongshu.accounts.models import ApiToken

# Writing last_used_at on every request would turn every read into a write; once a minute is plenty.
_TOUCH_INTERVAL = timedelta(minutes=1)


class BearerTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header[:7].lower() == "bearer ":
            request.auth_via_token = True  # type: ignore[attr-defined]
            # A token request carries no cookie credentials, so CSRF does not apply to it.
            request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
            token = (
                ApiToken.objects.select_related("user")
                .filter(digest=ApiToken.digest_of(header[7:].strip()), user__is_active=True)
                .first()
            )
            if token is None:
                request.bad_token = True  # type: ignore[attr-defined]
            else:
                request.user = token.user
                now = timezone.now()
                if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
                    token.last_used_at = now
                    token.save(update_fields=["last_used_at"])
        return self.get_response(request)
