"""Hostile and odd search input never causes a server error: an empty page or results, or a 4xx problem."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hongshu.search.selectors import search_members, search_notes, search_topics, suggest_terms

pytestmark = pytest.mark.django_db

CASES = [
    "",
    " ",
    "a" * 10_000,
    "火" * 10_000,
    "!!!...,,,;;;",
    "。，！？、",
    "🔥👍🏽🍜",
    '"',
    '"unterminated',
    "*",
    "a*",
    "NEAR(",
    "NEAR(a b",
    "OR",
    "a OR b",
    "AND NOT",
    ":",
    "title:火锅",
    "'; DROP TABLE notes_note; --",
    "\x00\x07\x1b",
    "\u200b\u200d",
    "%_\\",
    "(((",
    "^",
]
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _all_selectors(query: str) -> None:
    for sort in ("relevance", "latest", "likes"):
        page = search_notes(viewer=None, query=query, sort=sort)
        assert isinstance(page.items, list)
    assert isinstance(search_members(viewer=None, query=query).items, list)
    assert isinstance(search_topics(query=query).items, list)
    assert isinstance(suggest_terms(viewer=None, prefix=query), list)


@pytest.mark.parametrize("query", CASES)
def test_selectors_accept_listed_cases(query: str) -> None:
    _all_selectors(query)


@pytest.mark.parametrize("query", CASES)
def test_api_accepts_listed_cases(api: Any, query: str) -> None:
    for path in ("notes", "members", "topics", "suggest"):
        response = api.get(f"/search/{path}", data={"q": query})
        assert response.status_code == 200, (path, query, response.content[:200])


@SETTINGS
@given(query=st.text(max_size=300))
def test_selectors_never_raise(query: str) -> None:
    _all_selectors(query)


@SETTINGS
@given(query=st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_api_never_errors(api: Any, query: str) -> None:
    for path in ("notes", "members", "topics", "suggest"):
        response = api.get(f"/search/{path}", data={"q": query})
        assert response.status_code == 200, (path, query)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"sort": "bogus"}, "invalid_sort"),
        ({"media": "bogus"}, "invalid_media"),
        ({"limit": "-1"}, "invalid_input"),
        ({"limit": "100000"}, "invalid_input"),
        ({"offset": "-5"}, "invalid_input"),
        ({"limit": "x"}, "invalid_input"),
    ],
)
def test_api_invalid_parameters_are_422_problems(api: Any, params: dict[str, str], code: str) -> None:
    response = api.get("/search/notes", data={"q": "火锅", **params})
    assert response.status_code == 422, (params, response.status_code)
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_api_lone_surrogate_percent_encoded(api: Any) -> None:
    # %ED%A0%80 is a UTF-8-encoded lone surrogate: invalid UTF-8 must not be a server error; the
    # undecodable query matches nothing.
    response = api.get("/search/notes?q=%ED%A0%80")
    assert response.status_code == 200
    assert response.json()["items"] == []
