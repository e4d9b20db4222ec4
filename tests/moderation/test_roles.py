"""Staff roles (issue 25, item 1): triage < moderator < admin, enforced on every staff operation.

The authorization matrix enumerates every /api/v1/staff/ operation from the served OpenAPI document and every
/staff/ page from the URL conf, so an operation added later is checked without touching this file: it needs
the admin role unless it is listed below as open to triage or moderators.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts import roles
from hongshu.accounts.models import StaffProfile, User
from hongshu.accounts.services import token_issue
from hongshu.core.audit import audit_verify
from hongshu.core.errors import Forbidden
from hongshu.core.models import AuditEvent
from hongshu.moderation.models import Case
from hongshu.web.csp import POLICY
from staff_routes import (
    APPEALS_API_MODERATOR,
    APPEALS_WEB_MODERATOR,
    CONSOLE_API_ROLES,
    CONSOLE_WEB_ROLES,
    concrete,
    staff_api_operations,
    web_path,
    web_staff_routes,
)

pytestmark = pytest.mark.django_db


PEOPLE = ("visitor", "member", "triage", "moderator", "admin")

# The lowest role of each staff operation that is not admin-only.
API_TRIAGE = {
    ("get", "/api/v1/staff/cases"),
    ("get", "/api/v1/staff/cases/{case_id}"),
    ("post", "/api/v1/staff/cases/{case_id}/claim"),
    ("get", "/api/v1/staff/held-notes"),
    ("get", "/api/v1/staff/me"),
    ("patch", "/api/v1/staff/me"),
    ("get", "/api/v1/staff/actions"),
    ("get", "/api/v1/staff/queues"),
    ("get", "/api/v1/staff/queues/{queue}/cases"),
    ("post", "/api/v1/staff/queues/{queue}/claim-next"),
    ("post", "/api/v1/staff/cases/{case_id}/release"),
    ("post", "/api/v1/staff/cases/{case_id}/escalate"),
}
API_MODERATOR = {
    ("post", "/api/v1/staff/cases/{case_id}/decide"),
    ("post", "/api/v1/staff/cases/{case_id}/close"),
    ("post", "/api/v1/staff/held-notes/{note_id}/release"),
    ("post", "/api/v1/staff/held-notes/{note_id}/reject"),
    ("get", "/api/v1/staff/applications"),
    ("post", "/api/v1/staff/applications/{application_id}/approve"),
    ("post", "/api/v1/staff/applications/{application_id}/reject"),
    ("post", "/api/v1/staff/cases/{case_id}/actions"),
    ("post", "/api/v1/staff/actions"),
    ("post", "/api/v1/staff/actions/{action_id}/revert"),
}
WEB_TRIAGE = {
    "staff/cases",
    "staff/cases/<id:case_id>",
    "staff/cases/<id:case_id>/claim",
    "staff/me",
    "staff/queues",
    "staff/queues/<slug:queue>",
    "staff/queues/<slug:queue>/claim-next",
    "staff/cases/<id:case_id>/release",
    "staff/cases/<id:case_id>/escalate",
}
WEB_MODERATOR = {
    "staff/cases/<id:case_id>/decide",
    "staff/cases/<id:case_id>/close",
    "staff/applications",
    "staff/applications/<id:application_id>/approve",
    "staff/applications/<id:application_id>/reject",
    "staff/cases/<id:case_id>/act",
    "staff/actions/<id:action_id>/revert",
}

API_TRIAGE |= {op for op, role in CONSOLE_API_ROLES.items() if role == "triage"}
API_MODERATOR |= {op for op, role in CONSOLE_API_ROLES.items() if role == "moderator"}
WEB_TRIAGE |= {route for route, role in CONSOLE_WEB_ROLES.items() if role == "triage"}
WEB_MODERATOR |= {route for route, role in CONSOLE_WEB_ROLES.items() if role == "moderator"}
API_MODERATOR |= APPEALS_API_MODERATOR
WEB_MODERATOR |= APPEALS_WEB_MODERATOR


def _needs(operation: Any, triage: set[Any], moderator: set[Any]) -> roles.Role:
    return "triage" if operation in triage else "moderator" if operation in moderator else "admin"


def _allowed(person: str, needed: roles.Role) -> bool:
    return person in roles.RANK and roles.RANK[person] >= roles.RANK[needed]  # type: ignore[index]


@pytest.fixture
def root(make_member: Callable[..., User]) -> User:
    user = make_member("deltaroot")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def people(make_member: Callable[..., User], root: User) -> dict[str, User]:
    made = {"member": make_member("plain_member")}
    for role in roles.ROLES:
        made[role] = roles.role_grant(actor=root, member=make_member(f"crew_{role[:3]}"), role=role)
    return made


@pytest.fixture
def a_case(db: None) -> Case:
    return Case.objects.create(subject_type="note", subject_id=777, source="report")


def test_the_maps_name_real_operations() -> None:
    api = set(staff_api_operations())
    assert api >= API_TRIAGE | API_MODERATOR
    assert ("put", "/api/v1/staff/roles/{handle}") in api
    web = set(web_staff_routes())
    assert web >= WEB_TRIAGE | WEB_MODERATOR


def test_roles_rank_and_the_old_staff_count_as_admin(make_member: Callable[..., User], root: User) -> None:
    assert roles.role_of(None) is None
    assert roles.role_of(make_member("plainjane")) is None
    assert roles.role_of(root) == "admin"
    old = make_member("oldhand")
    User.objects.filter(pk=old.pk).update(is_staff=True)
    assert roles.role_of(User.objects.get(pk=old.pk)) == "admin"  # staff before the roles
    triage = roles.role_grant(actor=root, member=make_member("newhand"), role="triage")
    assert triage.is_staff
    assert roles.role_of(User.objects.get(pk=triage.pk)) == "triage"
    assert roles.has_role(triage, "triage")
    assert not roles.has_role(triage, "moderator")
    assert User.objects.get(pk=triage.pk).has_perm("accounts.triage_cases")
    assert not User.objects.get(pk=triage.pk).has_perm("accounts.decide_cases")


@pytest.mark.parametrize(("method", "path"), staff_api_operations())
def test_api_authorization_matrix(method: str, path: str, people: dict[str, User], a_case: Case) -> None:
    url = concrete(path, str(a_case.pk))
    needed = _needs((method, path), API_TRIAGE, API_MODERATOR)
    body = {"data": "{}", "content_type": "application/json"} if method != "get" else {}
    for person in PEOPLE:
        headers = {}
        if person != "visitor":
            _token, secret = token_issue(user=people[person])
            headers = {"Authorization": f"Bearer {secret}"}
        answer = getattr(Client(), method)(url, headers=headers, **body)
        if person == "visitor":
            assert answer.status_code == 401, (person, method, url, answer.content[:200])
        elif _allowed(person, needed):
            assert answer.status_code not in {401, 403}, (person, method, url, answer.content[:300])
        else:
            assert answer.status_code == 403, (person, method, url, answer.content[:200])
            assert answer.json()["code"] == ("not_staff" if person == "member" else "role_required")


@pytest.mark.parametrize("route", sorted(set(web_staff_routes())))
def test_web_authorization_matrix(route: str, people: dict[str, User], a_case: Case) -> None:
    url = web_path(route, str(a_case.pk))
    needed = _needs(route, WEB_TRIAGE, WEB_MODERATOR)
    for person in PEOPLE:
        client = Client()
        if person != "visitor":
            client.force_login(people[person])
        answer = client.get(url)
        if answer.status_code == 405:
            answer = client.post(url)
        if person == "visitor":
            assert answer.status_code == 302, (url, answer.status_code)
            assert "/signin/" in answer["Location"]
        elif _allowed(person, needed):
            assert answer.status_code != 403, (person, url)
            assert not (answer.status_code == 302 and "/signin/" in answer["Location"]), (person, url)
        else:
            assert answer.status_code == 403, (person, url, answer.status_code)


def test_a_too_low_role_is_told_in_both_languages(people: dict[str, User]) -> None:
    _token, secret = token_issue(user=people["triage"])
    for language, expected in (("en", "moderator"), ("zh-hans", "版主")):
        answer = Client().post(
            "/api/v1/staff/cases/1/close",
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
        )
        assert answer.status_code == 403
        body = answer.json()
        assert body["code"] == "role_required"
        assert expected in body["detail"], body


def test_the_admin_site_is_for_admins_only(people: dict[str, User], root: User) -> None:
    for person in ("member", "triage", "moderator"):
        client = Client()
        client.force_login(people[person])
        answer = client.get("/admin/")
        assert answer.status_code == 302, person
        assert "/admin/login/" in answer["Location"]
        assert client.get("/admin/screening/rule/").status_code == 302
    visitor = Client().get("/admin/")
    assert visitor.status_code == 302
    for admin in (people["admin"], root):
        client = Client()
        client.force_login(admin)
        index = client.get("/admin/")
        assert index.status_code == 200
        assert index.headers["Content-Security-Policy"] == POLICY
        for model in ("accounts/user", "screening/rule", "screening/lexiconterm", "screening/domainrule"):
            assert client.get(f"/admin/{model}/").status_code == 200, model
        assert client.get("/admin/core/instancesetting/").status_code == 200
        assert client.get("/admin/screening/").status_code == 200  # the app index (a regex route)


def test_the_admin_site_gives_a_role_through_the_audited_service(
    people: dict[str, User], make_member: Callable[..., User]
) -> None:
    newcomer = make_member("risinghand")
    client = Client()
    client.force_login(people["admin"])
    answer = client.post(
        f"/admin/accounts/user/{newcomer.pk}/change/",
        {"handle": newcomer.handle, "display_name": "Soon", "is_active": "on", "role": "moderator"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert roles.role_of(User.objects.get(pk=newcomer.pk)) == "moderator"
    event = AuditEvent.objects.filter(kind="staff.role", subject=f"member:{newcomer.pk}").get()
    assert event.actor_id == people["admin"].pk
    assert event.data["role"] == "moderator"


def test_the_admin_site_changes_registration_mode_through_runtime_settings(people: dict[str, User]) -> None:
    from hongshu.core.runtime import runtime_all

    client = Client()
    client.force_login(people["admin"])
    answer = client.post(
        "/admin/core/instancesetting/add/", {"key": "registration_mode", "value": '"closed"'}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert runtime_all()["registration_mode"] == "closed"


def test_the_admin_site_answers_bad_catalogue_input_with_form_errors(people: dict[str, User]) -> None:
    from hongshu.screening.models import DomainRule, LexiconTerm, Rule

    client = Client()
    client.force_login(people["admin"])
    rule = Rule.objects.get(code="spam")
    LexiconTerm.objects.update_or_create(language="en", text="cheap pills", defaults={"rule": rule})
    term = {"language": "en", "text": "  CHEAP   pills ", "rule": rule.pk, "action": "hold"}
    answer = client.post("/admin/screening/lexiconterm/add/", term)
    assert answer.status_code == 200  # the form again, with what was typed
    assert "already listed" in answer.content.decode()
    assert "CHEAP   pills" in answer.content.decode()
    bad = client.post(
        "/admin/screening/domainrule/add/",
        {"domain": "http://", "verdict": "deny", "rule": rule.pk, "action": "hold"},
    )
    assert bad.status_code == 200
    assert "errornote" in bad.content.decode()
    assert not DomainRule.objects.exists()


def test_role_grant_and_revoke_are_admin_only_and_audited(
    people: dict[str, User], make_member: Callable[..., User], api_of: Callable[[User], Any]
) -> None:
    target = make_member("targethand")
    with pytest.raises(Forbidden):
        roles.role_grant(actor=people["moderator"], member=target, role="triage")
    api = api_of(people["admin"])
    granted = api.put("/api/v1/staff/roles/targethand", json={"role": "moderator"})
    assert granted.status_code == 200
    assert granted.json() == {"handle": "targethand", "role": "moderator"}
    changed = api.put("/api/v1/staff/roles/targethand", json={"role": "triage"})
    assert changed.json()["role"] == "triage"
    assert roles.role_of(User.objects.get(pk=target.pk)) == "triage"
    revoked = api.delete("/api/v1/staff/roles/targethand")
    assert revoked.json() == {"handle": "targethand", "role": None}
    target.refresh_from_db()
    assert not target.is_staff
    assert roles.role_of(target) is None
    events = list(AuditEvent.objects.filter(kind="staff.role", subject=f"member:{target.pk}").order_by("seq"))
    assert [(e.data["action"], e.data.get("role")) for e in events] == [
        ("grant", "moderator"),
        ("grant", "triage"),
        ("revoke", None),
    ]
    assert all(e.actor_id == people["admin"].pk for e in events)
    assert audit_verify()[1] is None


def test_staff_declare_languages_and_duty(people: dict[str, User], api_of: Callable[[User], Any]) -> None:
    api = api_of(people["triage"])
    before = api.get("/api/v1/staff/me").json()
    assert before == {"handle": "crew_tri", "role": "triage", "languages": [], "on_duty": False}
    after = api.patch("/api/v1/staff/me", json={"languages": ["en", "zh"], "on_duty": True}).json()
    assert after["languages"] == ["zh", "en"]
    assert after["on_duty"] is True
    refused = api.patch("/api/v1/staff/me", json={"languages": ["klingon"]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_languages"
    profile = StaffProfile.objects.get(user=people["triage"])
    assert profile.languages == ["zh", "en"]
    assert profile.on_duty


def test_the_staff_me_page_saves_the_form(people: dict[str, User]) -> None:
    client = Client()
    client.force_login(people["moderator"])
    page = client.get("/staff/me")
    assert page.status_code == 200
    assert "data-on-duty" in page.content.decode()
    saved = client.post("/staff/me", {"languages": ["en", "other"], "on_duty": "on"})
    assert saved.status_code == 302
    profile = StaffProfile.objects.get(user=people["moderator"])
    assert profile.languages == ["en", "other"]
    assert profile.on_duty
    chinese = client.get("/staff/me", headers={"Accept-Language": "zh-hans"})
    assert re.search(r"[\u4e00-\u9fff]", chinese.content.decode())


@pytest.fixture
def api_of() -> Callable[[User], Any]:
    class Calls:
        def __init__(self, user: User) -> None:
            _token, self.secret = token_issue(user=user)

        def __getattr__(self, method: str) -> Callable[..., Any]:
            def call(path: str, json: Any = None) -> Any:
                extra = {"data": json, "content_type": "application/json"} if json is not None else {}
                return getattr(Client(), method)(
                    path, headers={"Authorization": f"Bearer {self.secret}"}, **extra
                )

            return call

    return Calls
