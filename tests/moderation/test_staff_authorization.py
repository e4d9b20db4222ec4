"""Members cannot reach any staff operation (issue 24): every route under /api/v1/staff/ in the served OpenAPI
document and every web page under /staff/ in the URL conf, enumerated, so staff routes added later are
covered without touching this file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.moderation.models import Case
from staff_routes import concrete, staff_api_operations, web_path, web_staff_routes

pytestmark = pytest.mark.django_db

SECRET_MARKERS = ("case-secret-marker", "note:777")


@pytest.fixture
def a_case(db: None) -> Case:
    # Something a leak would show: its id in the URLs, its subject and note in the body.
    return Case.objects.create(
        subject_type="note", subject_id=777, source="report", decision_note="case-secret-marker"
    )


def test_the_staff_api_is_enumerated() -> None:
    operations = staff_api_operations()
    paths = {path for _method, path in operations}
    assert "/api/v1/staff/cases" in paths
    assert "/api/v1/staff/cases/{case_id}/decide" in paths
    assert len(operations) >= 8


@pytest.mark.parametrize(("method", "path"), staff_api_operations())
def test_staff_api_refuses_members_and_visitors(
    method: str, path: str, member_api: Callable[..., tuple[User, Any]], a_case: Case
) -> None:
    url = concrete(path, str(a_case.pk))
    _member, member_client = member_api("plainmember")
    body = {"data": "{}", "content_type": "application/json"} if method != "get" else {}
    member_answer = getattr(member_client.client, method)(
        url, headers={"Authorization": f"Bearer {member_client.token}"}, **body
    )
    assert member_answer.status_code == 403, (method, url, member_answer.content[:300])
    assert member_answer.json()["code"] == "not_staff"
    visitor_answer = getattr(Client(), method)(url, **body)
    assert visitor_answer.status_code == 401, (method, url, visitor_answer.content[:300])
    for answer in (member_answer, visitor_answer):
        assert not any(marker in answer.content.decode() for marker in SECRET_MARKERS)
    a_case.refresh_from_db()
    assert a_case.state == "open"


def test_the_staff_pages_are_enumerated() -> None:
    routes = set(web_staff_routes())
    assert "staff/cases" in routes
    assert "staff/settings" in routes


@pytest.mark.parametrize("route", sorted(set(web_staff_routes())))
def test_staff_pages_refuse_members_and_visitors(
    route: str, make_member: Callable[..., User], a_case: Case
) -> None:
    url = web_path(route, str(a_case.pk))
    member = Client()
    member.force_login(make_member("plainmember"))
    visitor = Client()
    for method in ("get", "post"):
        answer = getattr(member, method)(url)
        assert answer.status_code in {403, 405} or (
            answer.status_code == 302 and "/signin/" in answer["Location"]
        ), (method, url, answer.status_code)
        assert not any(marker in answer.content.decode() for marker in SECRET_MARKERS)
        away = getattr(visitor, method)(url)
        assert away.status_code in {302, 401, 403, 405}, (method, url, away.status_code)
        if away.status_code == 302:
            assert "/signin/" in away["Location"]
        assert not any(marker in away.content.decode() for marker in SECRET_MARKERS)
    a_case.refresh_from_db()
    assert a_case.state == "open"
