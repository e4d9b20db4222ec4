"""Moderation actions (issue 25 items 3-5): remove, warn, suspend, ban — with or without a case — their
statements of reasons in both languages, strikes into trust and the automatic suspension, every effect
reversed, expiry of suspensions, and who may call the staff routes.

Removing a note deletes it as its author would: it is gone for its author too (their statement of reasons
says so and names it); reverting brings it back everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from hongshu.accounts.models import ApiToken, Strike, User
from hongshu.comments.models import Comment
from hongshu.comments.services import comment_create
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.moderation import actions
from hongshu.moderation.models import Action, Case
from hongshu.moderation.statements import statement_of
from hongshu.notes.models import Note
from hongshu.notifications.models import Notification
from hongshu.screening.models import Rule
from hongshu.security.models import MemberSession

PASSWORD = "correct horse battery"  # the members fixtures make (tests/conftest.py)

pytestmark = pytest.mark.django_db


def browser(user: User | None, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def scene(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule], staff_api: Any, nina: Any, ann: Any, post_note: Callable[..., Note], after_commit: Any
) -> Any:
    with after_commit():
        note = post_note(nina[0], title="cheap pills hotpot")
    return staff_api, nina, ann, note


def act(staff: User, subject: str, *kinds: str, after_commit: Any, **extra: Any) -> list[Action]:
    subject_type, _sep, raw = subject.partition(":")
    with after_commit():
        return actions.act(
            staff=staff,
            subject_type=subject_type,
            subject_id=int(raw),
            kinds=list(kinds),
            rule_code=extra.pop("rule_code", "spam"),
            facts=extra.pop("facts", "It sells pills."),
            **extra,
        )


def test_remove_a_note_then_revert_it(scene: Any, api: Any, after_commit: Any) -> None:
    (_staff, staff_client), (_nina, nina_client), (_ann, ann_client), note = scene
    assert api.get("/search/notes", data={"q": "hotpot"}).json()["items"]
    response = staff_client.post(
        "/staff/actions",
        json={"subject_type": "note", "subject_id": str(note.pk), "kinds": ["remove"], "rule": "spam"},
    )
    assert response.status_code == 201
    [removed] = response.json()
    assert removed["kind"] == "remove"
    assert removed["effects"] == {"removed": True}
    # Gone for visitors, members, the author, the API and search: the one policy hides deleted notes.
    assert api.get(f"/notes/{note.pk}").status_code == 404
    assert ann_client.get(f"/notes/{note.pk}").status_code == 404
    assert nina_client.get(f"/notes/{note.pk}").status_code == 404
    assert browser(None).get(f"/notes/{note.pk}").status_code == 404
    with after_commit():
        pass
    # The index drained after commit in the service's transaction (the test's after_commit ran it).
    assert not api.get("/search/notes", data={"q": "hotpot"}).json()["items"]
    with after_commit():
        reverted = staff_client.post(f"/staff/actions/{removed['id']}/revert")
    assert reverted.status_code == 200
    assert reverted.json()["state"] == "reverted"
    assert ann_client.get(f"/notes/{note.pk}").status_code == 200
    assert api.get("/search/notes", data={"q": "hotpot"}).json()["items"]
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert "action.taken" in kinds
    assert "action.reverted" in kinds
    assert audit_verify()[1] is None


def test_remove_a_comment_and_revert(scene: Any, after_commit: Any) -> None:
    (staff, _c), (_nina, _n), (ann, _a), note = scene
    comment = comment_create(author=ann, note_id=note.pk, body="buy now")
    before = Note.objects.get(pk=note.pk).comment_count if hasattr(note, "comment_count") else None
    [action] = act(staff, f"comment:{comment.pk}", "remove", after_commit=after_commit)
    assert Comment.objects.get(pk=comment.pk).deleted_at is not None
    assert action.member_id == ann.pk
    actions.action_revert(staff=staff, action_id=action.pk)
    assert Comment.objects.get(pk=comment.pk).deleted_at is None
    if before is not None:
        assert Note.objects.get(pk=note.pk).comment_count == before


def test_suspend_refuses_sign_in_revokes_credentials_hides_content(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any
) -> None:
    (staff, _c), (nina, nina_client), (_ann, ann_client), note = scene
    web = Client()
    assert web.post("/signin/", {"handle": "nina", "password": PASSWORD}).status_code == 302
    assert MemberSession.objects.filter(user=nina).exists()
    assert ApiToken.objects.filter(user=nina).exists()
    [suspension] = act(staff, f"member:{nina.pk}", "suspend", duration_days=3, after_commit=after_commit)
    assert suspension.until is not None
    nina.refresh_from_db()
    assert not nina.is_active
    assert not ApiToken.objects.filter(user=nina).exists()
    assert not MemberSession.objects.filter(user=nina).exists()
    # Their session and token no longer work; their note and profile are gone for others.
    assert web.get("/me/decisions").status_code == 302
    assert nina_client.get("/accounts/me").status_code == 401
    assert ann_client.get(f"/notes/{note.pk}").status_code == 404
    # Sign-in: a clear refusal, saying until when, in the reader's language.
    body = problem(
        api.post("/tokens", json={"handle": "nina", "password": PASSWORD}), 403, "account_suspended"
    )
    assert body["until"]
    page = browser(None, "zh-hans").post("/signin/", {"handle": "nina", "password": PASSWORD})
    assert "暂停" in page.content.decode()
    # A wrong password learns nothing.
    problem(
        api.post("/tokens", json={"handle": "nina", "password": "wrong password"}), 401, "invalid_credentials"
    )
    # Revert: active again, content back.
    actions.action_revert(staff=staff, action_id=suspension.pk)
    nina.refresh_from_db()
    assert nina.is_active
    assert ann_client.get(f"/notes/{note.pk}").status_code == 200
    assert api.post("/tokens", json={"handle": "nina", "password": PASSWORD}).status_code == 201
    # The revoked session and token stay revoked: the member signs in again.
    assert web.get("/me/decisions").status_code == 302
    assert nina_client.get("/accounts/me").status_code == 401


def test_suspension_lifts_on_expiry_ban_does_not(scene: Any, after_commit: Any) -> None:
    (staff, _c), (nina, _n), (ann, _a), _note = scene
    act(staff, f"member:{nina.pk}", "suspend", duration_days=2, after_commit=after_commit)
    act(staff, f"member:{ann.pk}", "ban", after_commit=after_commit)
    assert actions.suspensions_lift_expired() == 0
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        assert actions.suspensions_lift_expired() == 1
    nina.refresh_from_db()
    ann.refresh_from_db()
    assert nina.is_active
    assert not ann.is_active
    assert Action.objects.get(member=nina).lifted_at is not None
    assert audit_verify()[1] is None


def test_overlapping_bars_keep_the_member_out_until_the_last_ends(scene: Any, after_commit: Any) -> None:
    (staff, _c), (nina, _n), _ann, _note = scene
    [first] = act(staff, f"member:{nina.pk}", "suspend", duration_days=2, after_commit=after_commit)
    [ban] = act(staff, f"member:{nina.pk}", "ban", after_commit=after_commit)
    actions.action_revert(staff=staff, action_id=first.pk)
    nina.refresh_from_db()
    assert not nina.is_active  # the ban still holds
    actions.action_revert(staff=staff, action_id=ban.pk)
    nina.refresh_from_db()
    assert nina.is_active


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["We are warning you", "Spam", "version 1", "Everywhere Hongshu", "redress"]),
        ("zh-hans", ["警告", "垃圾信息", "第 1 版", "红薯", "申诉"]),
    ],
)
def test_warning_statement_in_the_members_language(
    scene: Any, after_commit: Any, language: str, expected: list[str]
) -> None:
    (staff, _c), (nina, nina_client), _ann, note = scene
    [warning] = act(staff, f"note:{note.pk}", "warn", after_commit=after_commit)
    assert not Strike.objects.exists()  # a warning is no restriction
    notification = Notification.objects.get(recipient=nina, kind="moderation_action")
    assert notification.data["action"] == str(warning.pk)
    page = browser(nina, language).get("/me/decisions")
    assert page.status_code == 200
    html = page.content.decode()
    for text in expected:
        assert text in html, text
    inbox = browser(nina, language).get("/notifications/").content.decode()
    assert 'href="/me/decisions"' in inbox
    statement = statement_of(warning, language=language)
    for field in (
        "decision",
        "rule_title",
        "facts",
        "automated_detection",
        "automated_decision",
        "duration",
        "territorial_scope",
        "redress",
    ):
        assert getattr(statement, field), field
    api_rows = nina_client.get("/me/decisions", headers={"Accept-Language": language}).json()
    assert api_rows[0]["id"] == str(warning.pk)


def test_a_case_records_its_actions_and_is_decided(scene: Any, after_commit: Any) -> None:
    (_staff, staff_client), (nina, _n), (_ann, ann_client), note = scene
    ann_client.post("/reports", json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"})
    case = Case.objects.get()
    with after_commit():
        response = staff_client.post(
            f"/staff/cases/{case.pk}/actions", json={"kinds": ["remove", "warn"], "facts": "pills"}
        )
    assert response.status_code == 201
    assert [a["kind"] for a in response.json()] == ["remove", "warn"]
    case.refresh_from_db()
    assert case.state == "decided"
    assert case.decision == "upheld"
    assert {a.kind for a in case.actions.all()} == {"remove", "warn"}
    assert not Action.objects.filter(case=case, automated_detection=True).exists()  # reported, not screened
    listed = staff_client.get("/staff/actions", data={"case_id": str(case.pk)}).json()
    assert len(listed) == 2
    # One decision, one strike.
    assert Strike.objects.filter(user=nina).count() == 1


@override_settings()
def test_strikes_lower_trust_and_suspend_at_the_threshold(
    scene: Any, post_note: Callable[..., Note], after_commit: Any
) -> None:
    (staff, _c), (nina, _n), _ann, _note = scene
    settings.HONGSHU = settings.HONGSHU.model_copy(
        update={"strikes_suspend_at": 2, "strikes_suspend_days": 5}
    )
    notes = [post_note(nina, title=f"n{i}") for i in range(2)]
    from hongshu.members.trust import trust_facts

    act(staff, f"note:{notes[0].pk}", "remove", after_commit=after_commit)
    assert trust_facts(user=nina).strikes == 1
    taken = act(staff, f"note:{notes[1].pk}", "remove", after_commit=after_commit)
    assert [a.kind for a in taken] == ["remove", "suspend"]
    automatic = taken[-1]
    assert automatic.automated_decision
    assert automatic.staff_id is None
    assert automatic.until is not None
    nina.refresh_from_db()
    assert not nina.is_active
    assert "strikes" in statement_of(automatic, language="en").facts
    # Strikes expire.
    with time_machine.travel(timezone.now() + timedelta(days=settings.HONGSHU.strike_expiry_days + 1)):
        assert trust_facts(user=nina).strikes == 0
    # Reverting a removal removes its strike.
    actions.action_revert(staff=staff, action_id=taken[0].pk)
    assert trust_facts(user=nina).strikes == 1


def test_staff_routes_refuse_members_and_visitors(scene: Any, api: Any) -> None:
    _staff, (_nina, _n), (_ann, ann_client), note = scene
    body = {"subject_type": "note", "subject_id": str(note.pk), "kinds": ["remove"], "rule": "spam"}
    assert api.post("/staff/actions", json=body).status_code == 401
    assert ann_client.post("/staff/actions", json=body).status_code == 403
    assert api.get("/staff/actions").status_code == 401
    assert ann_client.get("/staff/actions").status_code == 403
    assert ann_client.post("/staff/actions/1/revert").status_code == 403
    assert ann_client.post("/staff/cases/1/actions", json={"kinds": ["warn"]}).status_code == 403
    assert api.get("/me/decisions").status_code == 401
    assert browser(_ann_user(ann_client)).post("/staff/cases/1/act", {"kinds": "warn"}).status_code in (
        403,
        404,
    )
    assert Note.objects.get(pk=note.pk).deleted_at is None


def _ann_user(_client: Any) -> User:
    return User.objects.get(handle="ann")


def test_invalid_actions_are_refused(scene: Any, problem: Callable[..., Any]) -> None:
    (staff, staff_client), (nina, _n), _ann, _note = scene
    base = {"subject_type": "member", "subject_id": str(nina.pk), "rule": "spam"}
    problem(staff_client.post("/staff/actions", json={**base, "kinds": ["remove"]}), 422, "invalid_action")
    problem(staff_client.post("/staff/actions", json={**base, "kinds": ["suspend"]}), 422, "invalid_duration")
    problem(
        staff_client.post("/staff/actions", json={**base, "kinds": ["warn"], "rule": "retired"}),
        422,
        "unknown_rule",
    )
    problem(
        staff_client.post("/staff/actions", json={**base, "subject_id": str(staff.pk), "kinds": ["warn"]}),
        403,
        "staff_subject",
    )


def test_staff_case_page_takes_and_reverts_actions(scene: Any, after_commit: Any) -> None:
    (staff, _c), (_nina, _n), (_ann, ann_client), note = scene
    ann_client.post("/reports", json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"})
    case = Case.objects.get()
    client = browser(staff)
    assert "data-act-form" in client.get(f"/staff/cases/{case.pk}").content.decode()
    with after_commit():
        response = client.post(
            f"/staff/cases/{case.pk}/act", {"kinds": ["remove"], "rule": "spam", "facts": "pills"}
        )
    assert response.status_code == 302
    action = Action.objects.get()
    assert Note.objects.get(pk=note.pk).deleted_at is not None
    assert f'data-action="{action.pk}"' in client.get(f"/staff/cases/{case.pk}").content.decode()
    assert client.post(f"/staff/actions/{action.pk}/revert").status_code == 302
    assert Note.objects.get(pk=note.pk).deleted_at is None
