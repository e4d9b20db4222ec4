"""What a rate-limit refusal looks like, shared by the rate-limit tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hongshu.accounts.models import User

HEADERS = ("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset")


def refused(response: Any, *, limit: int, scope: str, name: str | None = None) -> dict[str, Any]:
    """A 429 with the four headers; the problem body for an API answer."""
    assert response.status_code == 429, response.content[:500]
    for header in HEADERS:
        assert header in response, f"{header} missing"
    assert response["RateLimit-Limit"] == str(limit)
    assert response["RateLimit-Remaining"] == "0"
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 60
    assert int(response["RateLimit-Reset"]) == retry
    if response["Content-Type"] != "application/problem+json":
        return {}
    body: dict[str, Any] = response.json()
    assert body["status"] == 429
    assert body["code"] == "rate_limited"
    assert body["scope"] == scope
    assert body["retry_after"] == retry
    if name:
        assert body["limit"] == name
    assert "try again in" in body["detail"]
    return body


def web_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
