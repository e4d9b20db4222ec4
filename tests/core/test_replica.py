"""Feed and search reads from a read replica (hongshu.core.replica). The `replica` alias is pointed at a
second connection to the test database (data committed, so both connections see it): the reads of Explore,
search and topic feeds must run on it, writes and everything else on `default`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hongshu.accounts.models import User
from hongshu.core.replica import REPLICA, read_alias, replica_reads
from hongshu.notes.models import Note

pytestmark = pytest.mark.django_db(transaction=True)
AfterCommit = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def replica(transactional_db: None) -> Iterator[Any]:
    connections.settings[REPLICA] = dict(connections["default"].settings_dict)
    second = connections[REPLICA]
    second.connect()  # opened here: Django's test case refuses to open aliases it was not told about
    yield second
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def coffee(
    make_member: Callable[..., User], post_note: Callable[..., Note], after_commit: AfterCommit
) -> Note:
    nina = make_member("nina")
    with after_commit():
        return post_note(nina, "coffee morning", "flat white at the corner #latte")


def _queries_on_each(request: Callable[[], Any]) -> tuple[Any, int, int]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as secondary,
    ):
        answer = request()
    return answer, len(primary.captured_queries), len(secondary.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/search/notes?q=coffee",
        "/search/?q=coffee",
        "/api/v1/feeds/explore",
        "/",
        "/api/v1/topics/latte/notes",
    ],
)
def test_feed_and_search_reads_run_on_the_replica(replica: Any, coffee: Note, path: str) -> None:
    response, _primary, on_replica = _queries_on_each(lambda: Client().get(path))
    assert response.status_code == 200, response.content[:300]
    assert "coffee morning" in response.content.decode()
    assert on_replica > 0


def test_other_reads_and_writes_stay_on_the_primary(replica: Any, coffee: Note, ann: Any) -> None:
    response, primary, on_replica = _queries_on_each(lambda: Client().get(f"/api/v1/notes/{coffee.pk}"))
    assert response.status_code == 200
    assert (primary > 0, on_replica) == (True, 0)
    response, primary, on_replica = _queries_on_each(lambda: ann[1].post("/boards", json={"name": "cafés"}))
    assert response.status_code == 201
    assert (primary > 0, on_replica) == (True, 0)


def test_a_transaction_on_the_primary_keeps_its_reads(replica: Any) -> None:
    with replica_reads():
        assert read_alias() == REPLICA
        with transaction.atomic():
            assert read_alias() == "default"  # never read around one's own uncommitted writes
    assert read_alias() == "default"


def test_without_a_replica_every_read_is_the_primarys() -> None:
    with replica_reads():
        assert read_alias() == "default"
