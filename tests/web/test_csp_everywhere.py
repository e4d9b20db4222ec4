"""One Content-Security-Policy on every response: every route, error pages, the API docs (served from the app)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hongshu.accounts.models import User
from hongshu.comments.services import comment_create
from hongshu.notes.models import Note
from hongshu.web.csp import POLICY

HEADER = "Content-Security-Policy"
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _sample(regex: str, known: str | None) -> str:
    """`known` (a real object's value) if the converter accepts it, else digits, a word or a UUID."""
    for candidate in (known, "1", "nobody", str(uuid.UUID(int=1))):
        if candidate is not None and re.fullmatch(regex, candidate):
            return candidate
    raise AssertionError(f"no sample value for a converter matching {regex!r}")


def _routes(patterns: Sequence[Any], values: dict[str, str], prefix: str = "") -> Iterator[str]:
    """Every URL the resolver knows, its parameters filled from `values` by name (or a sample)."""
    for entry in patterns:
        route = str(entry.pattern)
        converters = getattr(entry.pattern, "converters", {})

        def fill(match: re.Match[str], converters: dict[str, Any] = converters) -> str:
            return _sample(converters[match["name"]].regex, values.get(match["name"]))

        if entry.pattern.regex.groupindex and not converters:
            continue  # the admin's app index, a regex route: its policy is checked in tests/moderation/test_roles.py
        filled = prefix + _PARAMETER.sub(fill, route.lstrip("^").rstrip("$"))
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, values, filled)
        else:
            assert isinstance(entry, URLPattern)
            yield "/" + filled


def _assert_policy(response: Any, what: str) -> None:
    assert response.headers.get(HEADER) == POLICY, f"{what}: {response.status_code} without the policy"


def test_every_route_sends_the_policy_signed_out_and_signed_in(
    make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    member = make_member("csp_reader")
    note = post_note(make_member("csp_writer"), title="Policy on every page", body="今天天气很好")
    comment = comment_create(author=member, note_id=note.pk, body="Lovely")
    values = {"handle": "csp_writer", "kind": "note", "note_id": str(note.pk), "object_id": str(note.pk)}
    values |= {"comment_id": str(comment.pk), "media_id": str(note.ordered_images()[0].media_id)}
    routes = sorted(set(_routes(get_resolver().url_patterns, values)))
    # The names studio, the translation fragments, the search page and the API docs are all among them.
    for expected in ("/me/chinese-name", f"/translate/note/{note.pk}", "/search/", "/api/v1/docs", "/about/"):
        assert expected in routes, expected
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(member)
    html_pages = 0
    for client, who in ((Client(raise_request_exception=False), "signed out"), (signed_in, "signed in")):
        for route in routes:
            response = client.get(route)
            _assert_policy(response, f"GET {route} {who}")
            html_pages += response.headers.get("Content-Type", "").startswith("text/html")
    assert html_pages >= 20  # the pages themselves were reached, not only redirects and problems


def test_error_pages_send_the_policy(client: Client) -> None:
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    _assert_policy(missing, "404")


def test_csrf_failure_page_sends_the_policy() -> None:
    refused = Client(enforce_csrf_checks=True).post("/signin/", {"handle": "x", "password": "y"})
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("text/html")
    _assert_policy(refused, "CSRF failure")


def test_django_debug_pages_alone_go_without_the_policy(client: Client, settings: Any) -> None:
    """Django's DEBUG 404/500 pages style themselves inline; only they, and only under DEBUG, are exempt."""
    settings.DEBUG = True
    assert HEADER not in client.get("/no-such-page/").headers
    _assert_policy(client.get("/about/"), "about under DEBUG")


@pytest.mark.django_db
def test_api_docs_page_is_served_from_the_app_under_the_policy(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    _assert_policy(page, "API docs")
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets), assets
    for asset in assets:
        assert re.match(r"/[^/]", asset), f"external asset {asset}"
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()
    # Scripts only from files: the one inline block is JSON data, which the browser does not run.
    for attributes in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    # No validator badge, which would send the schema's address to validator.swagger.io.
    assert '"validatorUrl": null' in html
