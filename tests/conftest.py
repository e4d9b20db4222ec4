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


class _ResponseCheckRequest(DjangoOpenAPIRequest):
    """openapi-core reads `request.body` even to check a response; Django refuses that once it has parsed a
    multipart upload, and the response check does not need the body."""

    @property
    def body(self) -> bytes:
        return b""


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
            _ResponseCheckRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
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


# ---- Engine-bound markers (added with scripts/run_suites.py) -----------------------------------------
# The runner deselects `postgres`/`redis` tests in the SQLite suite; one that still runs without its engine
# (a bare `pytest`, a wrong -m) is skipped with a reason instead of passing against the wrong backend, and
# `make test STRICT=1` counts such a skip as a failure.
def pytest_runtest_setup(item: pytest.Item) -> None:
    from django.conf import settings

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL=postgres://...); this run uses {connection.vendor}")
    if item.get_closest_marker("redis") and not settings.HONGSHU.redis_url:
        pytest.skip("needs Redis (REDIS_URL=redis://...); this run has no REDIS_URL")


# ---- end of engine-bound markers ---------------------------------------------------------------------
