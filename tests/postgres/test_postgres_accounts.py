"""Account rules whose enforcement depends on the database engine, proven on real PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction

from hongshu.accounts.models import User

pytestmark = pytest.mark.postgres
PASSWORD = "correct horse battery"


def test_the_suite_really_runs_on_postgresql(db: None) -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('server_encoding')")
        name, encoding = cursor.fetchone()
    assert name.endswith("_test") or "_test_" in name  # pytest-django's database, never the real one
    assert encoding == "UTF8"


def test_the_database_refuses_handles_differing_only_in_case(db: None) -> None:
    # The functional unique index on lower(handle) is the last line of defence behind the service's check.
    User.objects.create(handle="Dana_Li")
    with pytest.raises(IntegrityError, match="user_handle_ci_unique"), transaction.atomic():
        User.objects.create(handle="dana_LI")
    assert User.objects.filter(handle__iexact="DANA_li").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_the_same_handle_in_different_case(api: Any) -> None:
    handles = ["Casey_Wu", "casey_wu", "CASEY_WU", "cAsEy_Wu"]
    start = threading.Barrier(len(handles))
    responses: dict[str, Any] = {}
    errors: list[BaseException] = []

    def sign_up(handle: str) -> None:
        client = type(api)(api.openapi)  # one client (and one database connection) per thread
        try:
            start.wait(timeout=30)
            responses[handle] = client.post("/accounts", json={"handle": handle, "password": PASSWORD})
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(handle,)) for handle in handles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    statuses = sorted(response.status_code for response in responses.values())
    assert statuses == [201, 409, 409, 409], {h: r.content for h, r in responses.items()}
    for response in responses.values():
        if response.status_code == 409:
            assert response["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "handle_taken"
    winner = next(h for h, r in responses.items() if r.status_code == 201)
    assert list(User.objects.filter(handle__iexact="casey_wu").values_list("handle", flat=True)) == [winner]
