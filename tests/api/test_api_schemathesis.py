"""Schemathesis over every operation of /api/v1 (issue 20): zero server errors, zero answers outside the schema.

Positive and negative cases for each operation, as a member with a bearer token and anonymously (drawn per
example), against the WSGI app in process. Path IDs and handles are swapped for real objects (a member, a
note, a comment, a board, an upload) in about half of the positive cases, so the handlers behind the 404s
run too. The budget is bounded (`MAX_EXAMPLES` per operation, no shrinking) to keep the test to a few
minutes on SQLite; it runs in the normal suite and so in CI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hongshu.accounts import services as account_services
from hongshu.accounts.models import User
from hongshu.comments.services import comment_create, comment_reply
from hongshu.interactions.services import board_create
from hongshu.notes.models import Note

MAX_EXAMPLES = 10

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    no_shrink=True,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def in_process() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    Schemathesis calls the WSGI app directly, and Django closes a connection inside a transaction (the
    test's) at the end of each request.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@dataclass
class World:
    token: str
    handle: str
    ids: dict[str, str]


@pytest.fixture
def world(make_member: Callable[..., User], post_note: Callable[..., Note]) -> World:
    """A member with a token, a note (with its photo), a comment with a reply, a board; another member."""
    member = make_member("schema_alice", display_name="Alice 爱丽丝", languages=["en", "zh-Hans"])
    other = make_member("schema_bob")
    _token, secret = account_services.token_issue(user=member)
    note = post_note(member, title="海边 by the sea", body="Sunny #travel")
    comment = comment_create(author=other, note_id=note.pk, body="好看!")
    comment_reply(author=member, comment_id=comment.pk, body="谢谢")
    board = board_create(owner=member, name="Trips")
    ids = {
        "note_id": str(note.pk),
        "comment_id": str(comment.pk),
        "board_id": str(board.pk),
        "media_id": str(note.images.get().media_id),
        "handle": other.handle,
    }
    return World(token=secret, handle=member.handle, ids=ids)


@schema.parametrize()
@schema.given(as_member=st.booleans(), real_ids=st.booleans())
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_within_its_schema(
    case: Any, as_member: bool, real_ids: bool, world: World, in_process: None
) -> None:
    if real_ids and case.meta.generation.mode == GenerationMode.POSITIVE:
        for name in case.path_parameters:
            if name in world.ids:
                case.path_parameters[name] = world.ids[name]
    # The member's token, unless this negative case is about the headers (say, the token left out).
    headers_negated = case.meta.components.get(ParameterLocation.HEADER)
    if as_member and (headers_negated is None or headers_negated.mode != GenerationMode.NEGATIVE):
        case.headers["Authorization"] = f"Bearer {world.token}"
    case.call_and_validate(checks=CHECKS)
