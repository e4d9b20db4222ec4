"""Shared fixtures: an API client that validates every response against the served OpenAPI schema."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_core import Config, OpenAPI
from PIL import Image

from api_client import ApiClient
from hongshu.accounts import services as account_services
from hongshu.accounts.models import User
from hongshu.core.ratelimit import rate_limit_reset
from hongshu.media.models import MediaAsset
from hongshu.notes.models import Note
from hongshu.notes.services import ImageSpec, note_create

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Every test starts with no rate-limit counters (the limiter's memory or Redis storage outlives tests)."""
    rate_limit_reset()
    yield
    rate_limit_reset()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language: a view or service that activates the reader's language
    leaves it active in the thread, and the next test's messages would otherwise depend on the order."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_screening_catalogue() -> None:
    """The screening catalogue lives in the test's rolled-back transaction: forget what was compiled from it."""
    from hongshu.screening.stamp import catalog_forget

    catalog_forget()


@pytest.fixture
def rate_limits(settings: Any) -> Callable[..., None]:
    """`rate_limits(**{"sign_up.ip": "2 per 1 minute"})`: turn the limits on with these rates (the suite
    runs with them off), for this test only."""

    def apply(**rates: str) -> None:
        merged = {**settings.HONGSHU.rate_limits, **rates}
        settings.HONGSHU = settings.HONGSHU.model_copy(
            update={"rate_limits_enabled": True, "rate_limits": merged}
        )

    return apply


@pytest.fixture(scope="session")
def openapi() -> OpenAPI:
    """The schema as served at /api/v1/openapi.json (not the in-memory object)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    # Problem details are JSON under their own media type; teach the validator to read them.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_dict(response.json(), config=config)


@pytest.fixture
def api(openapi: OpenAPI, db: None) -> ApiClient:
    return ApiClient(openapi)


@pytest.fixture
def cookie_api(openapi: OpenAPI, db: None) -> Callable[[Client], ApiClient]:
    """`cookie_api(client)`: an API client that calls with the session cookie of a signed-in web client."""
    return lambda client: ApiClient(openapi, client=client)


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


def check_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert an RFC 9457 answer with this status and stable code; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    assert body["title"]
    return body


@pytest.fixture
def problem() -> Callable[[Any, int, str], dict[str, Any]]:
    """`problem(response, status, code)`, as a fixture."""
    return check_problem


def _ready_asset(owner: User) -> MediaAsset:
    # A processed image without files: for tests of notes and what hangs off them (uploading is in tests/media).
    return MediaAsset.objects.create(
        owner=owner,
        state=MediaAsset.State.READY,
        content_type="image/jpeg",
        width=1080,
        height=1440,
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        variants={"360": "media/x/360.webp"},
    )


@pytest.fixture
def ready_images(db: None) -> Callable[..., list[str]]:
    """`ready_images(owner, count=1)`: processed images owned by a member, as API IDs."""
    return lambda owner, count=1: [str(_ready_asset(owner).pk) for _ in range(count)]


@pytest.fixture
def post_note(db: None) -> Callable[..., Note]:
    """`post_note(author, title, body, visibility, draft)`: a note with one photo, through the notes service."""

    def make(
        author: User, title: str = "note", body: str = "", visibility: str = "public", draft: bool = False
    ) -> Note:
        return note_create(
            author=author,
            title=title,
            body=body,
            images=[ImageSpec(media_id=_ready_asset(author).pk)],
            visibility=visibility,
            draft=draft,
            language="en",
        )

    return make


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """`with after_commit(): ...` runs the jobs queued inside once the block ends, as a commit would."""

    @contextmanager
    def run() -> Iterator[Any]:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return run


# Three named members for interaction tests, each as (user, ApiClient): Nina writes, Ann and Bob react.
@pytest.fixture
def nina(member_api: Callable[..., tuple[User, ApiClient]]) -> tuple[User, ApiClient]:
    return member_api("nina")


@pytest.fixture
def ann(member_api: Callable[..., tuple[User, ApiClient]]) -> tuple[User, ApiClient]:
    return member_api("ann")


@pytest.fixture
def bob(member_api: Callable[..., tuple[User, ApiClient]]) -> tuple[User, ApiClient]:
    return member_api("bob")


@pytest.fixture
def trio(nina: Any, ann: Any, bob: Any) -> tuple[Any, Any, Any]:
    """Nina (a note's author), Ann and Bob."""
    return nina, ann, bob


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


@pytest.fixture(autouse=True)
def _empty_search_buffer() -> Iterator[None]:
    """Anonymous searches are counted in Redis (when there is one), outside the test's rolled-back
    transaction: empty the buffer and the windows' dedupe sets around every test so no test's searches
    reach another's hot ranking."""
    from django.conf import settings

    from hongshu.trends.services import SEARCH_BUFFER_KEY, SEEN_KEY_PREFIX

    def empty() -> None:
        if settings.HONGSHU.redis_url:
            from django_redis import get_redis_connection

            redis = get_redis_connection("default")
            redis.delete(SEARCH_BUFFER_KEY, *redis.scan_iter(f"{SEEN_KEY_PREFIX}*"))

    empty()
    yield
    empty()


@pytest.fixture(autouse=True)
def _ids_back_from_time_travel() -> Iterator[None]:
    """A test that travels in time (time_machine) leaves the ID generator's last timestamp in the future,
    and the generator rightly never steps back: every later ID would then look newer than "now" to the
    feeds' time-bounded reads. Forget a future timestamp after each test."""
    yield
    from hongshu.core import ids

    now_ms = int(time.time() * 1000) - ids.EPOCH_MS
    ids._generator.last_ms = min(ids._generator.last_ms, now_ms)
