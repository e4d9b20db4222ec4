"""The API test client (the conftest's fixtures hand it out; tests that build their own import it here, since
`conftest` names a different module in each test folder)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse


class _ResponseCheckRequest(DjangoOpenAPIRequest):
    """openapi-core reads `request.body` even to check a response; Django refuses that once it has parsed a
    multipart upload, and the response check does not need the body."""

    @property
    def body(self) -> bytes:
        return b""


class ApiClient:
    """Django's test client for /api/v1 that checks each response against the OpenAPI document."""

    def __init__(self, openapi: OpenAPI, token: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()  # a client signed in by the web form calls with its session cookie
        self.openapi = openapi
        self.token = token

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        if "json" in kwargs:
            kwargs["data"] = kwargs.pop("json")
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)
        self.openapi.validate_response(
            _ResponseCheckRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("get", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.call("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.call("patch", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.call("put", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("delete", path, **kwargs)
