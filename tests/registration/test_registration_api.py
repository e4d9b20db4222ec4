"""The registration API: the mode in force, sign-up and sign-in under each mode, invites, the staff queue."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections

from hongshu.accounts.models import User
from hongshu.registration.models import Application, Invite

PASSWORD = "plum-blossom-2026"
Problem = Callable[[Any, int, str], dict[str, Any]]


@pytest.fixture
def staff(member_api: Callable[..., Any]) -> Any:
    user, client = member_api("reviewer")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return client


def _apply(api: Any, handle: str = "lin_tea", headers: dict[str, str] | None = None, **fields: Any) -> Any:
    return api.post(
        "/accounts", json={"handle": handle, "password": PASSWORD, **fields}, headers=headers or {}
    )


@pytest.mark.parametrize(
    ("mode", "invite_required", "approval_required"),
    [("open", False, False), ("approval", False, True), ("invite", True, False), ("closed", False, False)],
)
def test_anyone_reads_the_mode_in_force(
    api: Any,
    registration_mode: Callable[[str], None],
    mode: str,
    invite_required: bool,
    approval_required: bool,
) -> None:
    registration_mode(mode)
    response = api.get("/instance/registration")
    assert response.status_code == 200
    assert response.json() == {
        "mode": mode,
        "invite_required": invite_required,
        "approval_required": approval_required,
    }


def test_open_mode_signs_up_as_before(api: Any) -> None:
    response = _apply(api)
    assert response.status_code == 201
    assert response.json()["account"]["handle"] == "lin_tea"


def test_closed_mode_refuses_sign_up(
    api: Any, registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("closed")
    problem(_apply(api), 403, "registration_closed")
    assert not User.objects.filter(handle="lin_tea").exists()


def test_approval_mode_from_application_to_approval_to_sign_in(
    api: Any, staff: Any, registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("approval")
    problem(_apply(api), 422, "reason_required")
    response = _apply(api, reason="我想分享杭州的美食", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 202, response.content
    application = response.json()
    assert (application["handle"], application["status"]) == ("lin_tea", "pending")
    assert application["reason_language"] == "zh-Hans"
    assert application["language"] == "zh-hans"

    credentials = {"handle": "lin_tea", "password": PASSWORD}
    body = problem(api.post("/tokens", json=credentials), 403, "application_pending")
    assert body["detail"].startswith("Your application is waiting for review")
    problem(
        api.post("/tokens", json={**credentials, "password": "wrong password"}), 401, "invalid_credentials"
    )

    problem(api.get("/accounts/lin_tea"), 404, "account_not_found")  # an applicant is nobody's to see yet
    queue = staff.get("/staff/applications")
    assert [a["handle"] for a in queue.json()] == ["lin_tea"]
    approved = staff.post(f"/staff/applications/{application['id']}/approve", json={"note": ""})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert staff.get("/staff/applications").json() == []
    assert api.post("/tokens", json=credentials).status_code == 201
    assert api.get("/accounts/lin_tea").json()["handle"] == "lin_tea"


def test_a_rejected_applicant_is_told_so_with_the_note(
    api: Any, staff: Any, registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("approval")
    application = _apply(api, reason="hello").json()
    response = staff.post(f"/staff/applications/{application['id']}/reject", json={"note": "Too vague"})
    assert response.json()["status"] == "rejected"
    body = problem(
        api.post("/tokens", json={"handle": "lin_tea", "password": PASSWORD}), 403, "application_rejected"
    )
    assert body["note"] == "Too vague"
    assert "Too vague" in body["detail"]
    problem(
        staff.post(f"/staff/applications/{application['id']}/approve", json={}), 422, "application_decided"
    )
    problem(staff.post("/staff/applications/999/approve", json={}), 404, "application_not_found")


def test_the_queue_is_for_staff_only(
    api: Any, member_api: Callable[..., Any], registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("approval")
    application = _apply(api, reason="hello").json()
    _member, client = member_api("alice")
    problem(client.get("/staff/applications"), 403, "not_staff")
    problem(client.post(f"/staff/applications/{application['id']}/approve", json={}), 403, "not_staff")
    problem(api.get("/staff/applications"), 401, "not_authenticated")
    assert Application.objects.get().status == "pending"


def test_invites_made_listed_used_and_revoked(
    api: Any, member_api: Callable[..., Any], registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("invite")
    member, client = member_api("alice")
    problem(client.post("/invites", json={"max_uses": 2}), 403, "invite_not_allowed")
    User.objects.filter(pk=member.pk).update(trust_level=2)
    problem(client.post("/invites", json={"max_uses": 101}), 422, "invalid_input")
    made = client.post("/invites", json={"max_uses": 2, "expires_in_days": 3})
    assert made.status_code == 201
    invite = made.json()
    assert invite["url"].endswith(f"/join/{invite['code']}")
    assert invite["remaining"] == 2

    problem(_apply(api), 422, "invite_required")
    problem(_apply(api, invite_code="not-a-code"), 422, "invite_invalid")
    assert _apply(api, invite_code=invite["code"]).status_code == 201
    assert client.get("/invites").json()[0]["remaining"] == 1

    assert client.delete(f"/invites/{invite['id']}").status_code == 204
    body = problem(_apply(api, handle="second", invite_code=invite["code"]), 422, "invite_revoked")
    assert body["errors"][0]["field"] == "invite_code"
    _other, stranger = member_api("bob")
    problem(stranger.delete(f"/invites/{invite['id']}"), 404, "invite_not_found")


def test_outstanding_invites_are_capped_by_trust_level(
    member_api: Callable[..., Any], problem: Problem
) -> None:
    """`HONGSHU_TRUST_INVITES` (default 3 for level 2, 10 for level 3): live invites only; staff are not capped."""
    member, client = member_api("alice")
    User.objects.filter(pk=member.pk).update(trust_level=2)
    made = [client.post("/invites", json={"max_uses": 1}).json() for _ in range(3)]
    body = problem(client.post("/invites", json={"max_uses": 1}), 403, "invites_cap_reached")
    assert "3" in body["detail"]
    assert client.delete(f"/invites/{made[0]['id']}").status_code == 204  # a revoked invite frees its place
    assert client.post("/invites", json={"max_uses": 1}).status_code == 201
    User.objects.filter(pk=member.pk).update(trust_level=3)
    assert client.post("/invites", json={"max_uses": 1}).status_code == 201
    User.objects.filter(pk=member.pk).update(trust_level=2, is_staff=True)
    assert client.post("/invites", json={"max_uses": 1}).status_code == 201


def test_an_expired_or_used_up_invite_is_refused(
    api: Any, make_invite: Callable[..., Invite], registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("invite")
    expired = make_invite(expires_in=timedelta(minutes=-1))
    problem(_apply(api, invite_code=expired.code), 422, "invite_expired")
    used_up = make_invite(max_uses=1, uses=1)
    body = problem(
        _apply(api, invite_code=used_up.code, headers={"Accept-Language": "zh-CN,zh;q=0.9"}),
        422,
        "invite_used_up",
    )
    assert body["detail"] == "这个邀请的使用次数已用完。"


@pytest.mark.django_db(transaction=True)
def test_concurrent_api_sign_ups_stop_at_the_invites_limit(
    api: Any, registration_mode: Callable[[str], None]
) -> None:
    registration_mode("invite")
    owner = User.objects.create_user("inviter", PASSWORD, is_staff=True)
    invite = Invite.objects.create(
        code="race", created_by=owner, max_uses=3, expires_at=owner.date_joined + timedelta(days=1)
    )
    handles = [f"racer_{n}" for n in range(8)]
    start = threading.Barrier(len(handles))
    statuses: dict[str, int] = {}

    def sign_up(handle: str) -> None:
        client = type(api)(api.openapi)
        try:
            start.wait(timeout=30)
            statuses[handle] = _apply(client, handle=handle, invite_code="race").status_code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(handle,)) for handle in handles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses.values()) == [201] * 3 + [422] * 5, statuses
    invite.refresh_from_db()
    assert invite.uses == 3


def test_text_the_database_cannot_compare_is_no_invite_and_no_applicant(
    api: Any, registration_mode: Callable[[str], None], problem: Problem
) -> None:
    registration_mode("invite")
    problem(_apply(api, invite_code="code\x00"), 422, "invite_invalid")
    problem(api.post("/tokens", json={"handle": "lin\x00", "password": PASSWORD}), 422, "invalid_character")


def test_the_queue_takes_the_same_queries_however_long(
    api: Any, staff: Any, registration_mode: Callable[[str], None], count_queries: Callable[[], Any]
) -> None:
    registration_mode("approval")

    def queries() -> int:
        with count_queries() as captured:
            assert staff.get("/staff/applications").status_code == 200
        return len(captured)

    staff.get("/staff/applications")  # the token's first use also records when it was used (once a minute)
    _apply(api, handle="first_one", reason="tea")
    one = queries()
    for n in range(4):
        _apply(api, handle=f"more_{n}", reason="茶")
    assert (
        queries() == one == 3
    )  # the token with its member, the member's role, the queue with its applicants
