"""Shared fixtures: an API client that validates every response against the served OpenAPI schema."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_core import Config, OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from PIL import Image

from hongshu.accounts import services as account_services
from hongshu.accounts.models import User

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    """The schema as served at /api/v1/openapi.json (not the in-memory object)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    # Problem details are JSON under their own media type; teach the validator to read them.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(response.json(), config=config)


class ApiClient:
    """Django's test client for /api/v1 that checks each response against the OpenAPI document."""

    def __init__(self, openapi: OpenAPI, token: str | None = None) -> None:
        self.client = Client()
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
            DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("get", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.call("post", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.call("patch", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("delete", path, **kwargs)


@pytest.fixture
def api(openapi: OpenAPI, db: None) -> ApiClient:
    return ApiClient(openapi)


@pytest.fixture
def make_member(db: None) -> Callable[..., User]:
    def make(handle: str = "alice", **fields: Any) -> User:
        return account_services.account_create(handle=handle, password=PASSWORD, **fields)

    return make


@pytest.fixture
def member_api(openapi: OpenAPI, make_member: Callable[..., User]) -> Callable[..., tuple[User, ApiClient]]:
    """A member and an API client signed in as them with a bearer token."""

    def make(handle: str = "alice", **fields: Any) -> tuple[User, ApiClient]:
        user = make_member(handle, **fields)
        _token, secret = account_services.token_issue(user=user)
        return user, ApiClient(openapi, secret)

    return make


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (640, 480), color: str = "tomato", **save: Any
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


@pytest.fixture
def count_queries() -> Callable[[], CaptureQueriesContext]:
    return lambda: CaptureQueriesContext(connection)
