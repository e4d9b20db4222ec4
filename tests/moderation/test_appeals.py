"""Appeals (issue 25 items 6-8 and 10): a member appeals a decision from its statement of reasons within the
window, once; a moderator other than the one who decided upholds or overturns it; an overturn reverses every
effect through the one visibility policy; a suspended member appeals with their handle and password at
/appeal; every step is in the event log and counted in the transparency report."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from hongshu.accounts import roles
from hongshu.accounts.models import Strike, User
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.members.trust import strikes_count
from hongshu.moderation import actions, appeals
from hongshu.moderation.models import Action, Appeal
from hongshu.notes.models import Note
from hongshu.notifications.models import Notification
from hongshu.screening.models import Rule
from hongshu.social.services.graph import follow_create

PASSWORD = "correct horse battery"  # the members fixtures make (tests/conftest.py)

pytestmark = pytest.mark.django_db


def browser(user: User | None, language: str = "en") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def crew(staff_api: Any, member_api: Callable[..., tuple[User, Any]]) -> dict[str, Any]:
    """mia (staff since before roles: admin) takes the decisions; otto, a moderator, decides appeals."""
    mia, mia_client = staff_api
    otto, otto_client = member_api("otto")
    roles.role_grant(actor=mia, member=otto, role="moderator")
    otto = User.objects.get(pk=otto.pk)
    return {"mia": (mia, mia_client), "otto": (otto, otto_client)}


@pytest.fixture
def scene(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule], crew: Any, nina: Any, ann: Any, post_note: Callable[..., Note], after_commit: Any
) -> Any:
    follow_create(follower=ann[0], followee=nina[0])
    with after_commit():
        note = post_note(nina[0], title="hotpot by the river")
    return crew, nina, ann, note


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


def _visible(note: Note, ann_client: Any, api: Any) -> dict[str, bool]:
    """Where the note shows, for a follower and for a visitor: each surface asks the one policy."""
    nid = str(note.pk)
    return {
        "note": api.get(f"/notes/{nid}").status_code == 200,
        "search": any(i["id"] == nid for i in api.get("/search/notes", data={"q": "hotpot"}).json()["items"]),
        "profile": any(i["id"] == nid for i in api.get("/accounts/nina/notes").json()["items"]),
        "feed": any(i["id"] == nid for i in ann_client.get("/feeds/following").json()["items"]),
    }


def test_overturn_by_another_moderator_reverses_every_effect(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any
) -> None:
    crew, (nina, nina_client), (_ann, ann_client), note = scene
    mia, mia_client = crew["mia"]
    otto, otto_client = crew["otto"]
    assert all(_visible(note, ann_client, api).values())
    [removal] = act(mia, f"note:{note.pk}", "remove", after_commit=after_commit)
    with after_commit():
        pass  # the search index drains after commit
    assert not any(_visible(note, ann_client, api).values())
    assert strikes_count(user_id=nina.pk) == 1

    # The member appeals from the statement, with text in any language.
    answer = nina_client.post(
        f"/me/decisions/{removal.pk}/appeal", json={"text": "这是我自己做的火锅，不是广告。"}
    )
    assert answer.status_code == 201
    appeal = answer.json()
    assert appeal["state"] == "open"
    assert appeal["action_id"] == str(removal.pk)
    assert [a["id"] for a in nina_client.get("/me/appeals").json()] == [appeal["id"]]
    # One open appeal per decision.
    problem(
        nina_client.post(f"/me/decisions/{removal.pk}/appeal", json={"text": "again"}), 409, "appeal_open"
    )

    # The queue shows the decision, its statement, the content and the member's text.
    [row] = otto_client.get("/staff/appeals").json()
    assert row["id"] == appeal["id"]
    assert row["text"] == "这是我自己做的火锅，不是广告。"
    assert row["statement"]["rule"] == "spam"
    assert row["statement"]["facts"] == "It sells pills."
    assert row["content"]["label"] == "hotpot by the river"
    assert row["action_staff"] == "mia"
    assert row["member_handle"] == "nina"

    # Who took the decision cannot decide its appeal.
    refused = mia_client.post(f"/staff/appeals/{appeal['id']}/decide", json={"outcome": "overturned"})
    problem(refused, 403, "same_moderator")
    assert Appeal.objects.get(pk=int(appeal["id"])).state == "open"

    with after_commit():
        decided = otto_client.post(
            f"/staff/appeals/{appeal['id']}/decide", json={"outcome": "overturned", "note": "A home recipe."}
        )
    assert decided.status_code == 200
    assert decided.json()["state"] == "overturned"
    assert decided.json()["decided_by"] == "otto"
    assert decided.json()["statement"]["state"] == "reverted"
    # Back everywhere, strike gone, trust recomputed.
    assert all(_visible(note, ann_client, api).values())
    assert strikes_count(user_id=nina.pk) == 0
    assert Strike.objects.get(action_id=removal.pk).removed_at is not None
    removal.refresh_from_db()
    assert removal.reverted_by == otto
    # Told in the member's language; the decisions page says it was overturned on appeal.
    notification = Notification.objects.get(recipient=nina, kind="appeal_decided")
    assert notification.data["outcome"] == "overturned"
    inbox = browser(nina, "zh-hans").get("/notifications/").content.decode()
    assert "我们审核了你的申诉" in inbox
    page = browser(nina, "zh-hans").get("/me/decisions").content.decode()
    assert "申诉后已推翻" in page
    assert "A home recipe." in page
    [mine] = nina_client.get("/me/appeals").json()
    assert mine["state"] == "overturned"
    # Decided once: no second appeal, no second decision.
    problem(
        nina_client.post(f"/me/decisions/{removal.pk}/appeal", json={"text": "more"}), 409, "action_reverted"
    )
    problem(
        otto_client.post(f"/staff/appeals/{appeal['id']}/decide", json={"outcome": "upheld"}),
        409,
        "appeal_decided",
    )
    # In the event log, which still verifies.
    filed = AuditEvent.objects.get(kind="appeal.filed")
    assert filed.actor_id == nina.pk
    assert filed.data["action"] == str(removal.pk)
    decided_event = AuditEvent.objects.get(kind="appeal.decided")
    assert decided_event.actor_id == otto.pk
    assert decided_event.data["outcome"] == "overturned"
    assert decided_event.seq > AuditEvent.objects.get(kind="action.reverted").seq > filed.seq
    assert audit_verify()[1] is None


def test_uphold_keeps_everything(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any
) -> None:
    crew, (nina, nina_client), (_ann, ann_client), note = scene
    mia, _m = crew["mia"]
    _otto, otto_client = crew["otto"]
    [removal] = act(mia, f"note:{note.pk}", "remove", after_commit=after_commit)
    appeal = appeals.appeal_file(member=nina, action_id=removal.pk, text="Please look again.")
    with after_commit():
        answer = otto_client.post(
            f"/staff/appeals/{appeal.pk}/decide", json={"outcome": "upheld", "note": "Spam."}
        )
    assert answer.json()["state"] == "upheld"
    assert answer.json()["statement"]["state"] == "in_force"
    assert not any(_visible(note, ann_client, api).values())
    assert strikes_count(user_id=nina.pk) == 1
    removal.refresh_from_db()
    assert removal.reverted_at is None
    assert Notification.objects.get(recipient=nina, kind="appeal_decided").data["outcome"] == "upheld"
    page = browser(nina).get("/me/decisions").content.decode()
    assert "We reviewed your appeal and kept the decision." in page
    assert "data-appeal-button" not in page  # answered: no second appeal
    problem(
        nina_client.post(f"/me/decisions/{removal.pk}/appeal", json={"text": "again"}), 409, "appeal_decided"
    )


def test_the_window_closes(scene: Any, problem: Callable[..., Any], after_commit: Any) -> None:
    crew, (nina, nina_client), _ann, note = scene
    [warning] = act(crew["mia"][0], f"note:{note.pk}", "warn", after_commit=after_commit)
    window = settings.HONGSHU.appeal_window_days
    assert window == 183  # about six months by default
    with time_machine.travel(timezone.now() + timedelta(days=window, hours=1)):
        body = problem(
            nina_client.post(f"/me/decisions/{warning.pk}/appeal", json={"text": "late"}),
            403,
            "appeal_window_closed",
        )
        assert body["deadline"].startswith((warning.created_at + timedelta(days=window)).date().isoformat())
        assert "data-appeal-button" not in browser(nina).get("/me/decisions").content.decode()
    assert not Appeal.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(days=window - 1)):
        assert (
            nina_client.post(f"/me/decisions/{warning.pk}/appeal", json={"text": "in time"}).status_code
            == 201
        )


def test_refusals_signed_out_others_and_bad_text(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any
) -> None:
    crew, _nina, (ann, ann_client), note = scene
    [warning] = act(crew["mia"][0], f"note:{note.pk}", "warn", after_commit=after_commit)
    problem(api.post(f"/me/decisions/{warning.pk}/appeal", json={"text": "hi"}), 401, "not_authenticated")
    assert api.get("/me/appeals").status_code == 401
    # Someone else's decision is not found (as one that does not exist).
    problem(
        ann_client.post(f"/me/decisions/{warning.pk}/appeal", json={"text": "hi"}), 404, "action_not_found"
    )
    signed_out = Client().post(f"/me/decisions/{warning.pk}/appeal", {"text": "hi"})
    assert signed_out.status_code == 302
    assert "/signin/" in signed_out["Location"]
    assert browser(ann).post(f"/me/decisions/{warning.pk}/appeal", {"text": "x"}).status_code == 404
    assert ann_client.post(f"/me/decisions/{warning.pk}/appeal", json={"text": ""}).status_code == 422
    assert ann_client.post(f"/me/decisions/{warning.pk}/appeal", json={"text": "x" * 2001}).status_code == 422
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("language", "button", "waiting"),
    [("en", "Appeal", "Waiting for a moderator"), ("zh-hans", "申诉", "等待")],
)
def test_appeal_from_the_decisions_page(
    scene: Any, after_commit: Any, language: str, button: str, waiting: str
) -> None:
    crew, (nina, _n), _ann, note = scene
    [warning] = act(crew["mia"][0], f"note:{note.pk}", "warn", after_commit=after_commit)
    web = browser(nina, language)
    page = web.get("/me/decisions").content.decode()
    assert "data-appeal-button" in page
    assert f">{button}<" in page
    # A refusal keeps what was typed.
    too_long = "很长" * 1001
    refused = web.post(f"/me/decisions/{warning.pk}/appeal", {"text": too_long})
    assert refused.status_code == 422
    assert too_long in refused.content.decode()
    assert 'data-appeal-error="appeal_text_too_long"' in refused.content.decode()
    sent = web.post(f"/me/decisions/{warning.pk}/appeal", {"text": "I was quoting the spam to warn others."})
    assert sent.status_code == 302
    assert sent["Location"] == f"/me/decisions#decision-{warning.pk}"
    page = web.get("/me/decisions").content.decode()
    assert "I was quoting the spam to warn others." in page
    assert 'data-appeal-state="open"' in page
    assert waiting in page
    assert "data-appeal-button" not in page


def test_a_suspended_member_appeals_with_handle_and_password(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any
) -> None:
    crew, (nina, _n), _ann, _note = scene
    mia, _m = crew["mia"]
    otto, _o = crew["otto"]
    [suspension] = act(mia, f"member:{nina.pk}", "suspend", duration_days=30, after_commit=after_commit)
    # The refusal to sign in says where to appeal.
    body = problem(
        api.post("/tokens", json={"handle": "nina", "password": PASSWORD}), 403, "account_suspended"
    )
    assert body["appeal"] == "/appeal"
    refusal = Client().post("/signin/", {"handle": "nina", "password": PASSWORD})
    assert 'href="/appeal"' in refusal.content.decode()
    # Without the right password nothing is shown and no appeal can be filed.
    visitor = browser(None, "zh-hans")
    assert visitor.get("/appeal/decisions")["Location"] == "/appeal"
    wrong = visitor.post("/appeal", {"handle": "nina", "password": "not it"})
    assert wrong.status_code == 400
    assert visitor.get("/appeal/decisions")["Location"] == "/appeal"
    assert visitor.post(f"/appeal/decisions/{suspension.pk}", {"text": "hi"})["Location"] == "/appeal"
    # A member in good standing signs in instead.
    assert visitor.post("/appeal", {"handle": "ann", "password": PASSWORD}).status_code == 400
    # The right password: the decisions, in the member's language, with the Appeal form.
    proven = visitor.post("/appeal", {"handle": "@Nina", "password": PASSWORD})
    assert proven.status_code == 302
    assert proven["Location"] == "/appeal/decisions"
    page = visitor.get("/appeal/decisions").content.decode()
    assert "我们暂停了你的账号" in page
    assert f'action="/appeal/decisions/{suspension.pk}"' in page
    nina.refresh_from_db()
    assert not nina.is_active  # not signed in
    assert visitor.get("/me/decisions").status_code == 302
    sent = visitor.post(f"/appeal/decisions/{suspension.pk}", {"text": "我没有发垃圾信息。"})
    assert sent.status_code == 302
    appeal = Appeal.objects.get(action=suspension)
    assert appeal.member_id == nina.pk
    assert appeal.language == "zh-hans"
    # The moderators' page, by cookie: otto overturns; the suspension is lifted and nina signs in.
    staff_page = browser(otto).get("/staff/appeals").content.decode()
    assert "我没有发垃圾信息。" in staff_page
    assert f'data-appeal="{appeal.pk}"' in staff_page
    with after_commit():
        decided = browser(otto).post(
            f"/staff/appeals/{appeal.pk}/decide", {"outcome": "overturned", "note": ""}
        )
    assert decided.status_code == 302
    nina.refresh_from_db()
    assert nina.is_active
    assert strikes_count(user_id=nina.pk) == 0
    assert Client().post("/signin/", {"handle": "nina", "password": PASSWORD}).status_code == 302
    assert api.post("/tokens", json={"handle": "nina", "password": PASSWORD}).status_code == 201
    # No longer barred: the appeal page is closed to them (they sign in instead).
    assert visitor.get("/appeal/decisions")["Location"] == "/appeal"


def test_the_same_moderator_is_refused_on_the_web_page(scene: Any, after_commit: Any) -> None:
    crew, (nina, _n), _ann, note = scene
    mia, _m = crew["mia"]
    [removal] = act(mia, f"note:{note.pk}", "remove", after_commit=after_commit)
    appeal = appeals.appeal_file(member=nina, action_id=removal.pk, text="Mine.")
    page = browser(mia).get("/staff/appeals").content.decode()
    assert "data-own-decision" in page
    assert f"/staff/appeals/{appeal.pk}/decide" not in page
    refused = browser(mia).post(
        f"/staff/appeals/{appeal.pk}/decide", {"outcome": "overturned", "note": "typed"}
    )
    assert refused.status_code == 403
    assert 'data-appeal-error="same_moderator"' in refused.content.decode()
    appeal.refresh_from_db()
    assert appeal.state == "open"
    assert Note.objects.get(pk=note.pk).deleted_at is not None


def test_overturning_the_strike_lifts_the_automatic_suspension(
    scene: Any, post_note: Callable[..., Note], after_commit: Any
) -> None:
    crew, (nina, _n), _ann, note = scene
    mia, _m = crew["mia"]
    otto, _o = crew["otto"]
    assert settings.HONGSHU.strikes_suspend_at == 3
    removals = [act(mia, f"note:{note.pk}", "remove", after_commit=after_commit)[0]]
    for title in ("second", "third"):
        with after_commit():
            other = post_note(nina, title=title)
        taken = act(mia, f"note:{other.pk}", "remove", after_commit=after_commit)
        removals.append(taken[0])
    automatic = Action.objects.get(member=nina, automated_decision=True)
    nina.refresh_from_db()
    assert not nina.is_active
    appeal = appeals.appeal_file(member=nina, action_id=removals[0].pk, text="The first was fine.")
    with after_commit():
        appeals.appeal_decide(staff=otto, appeal_id=appeal.pk, outcome="overturned")
    automatic.refresh_from_db()
    assert automatic.reverted_at is not None
    nina.refresh_from_db()
    assert nina.is_active
    assert strikes_count(user_id=nina.pk) == 2
    event = AuditEvent.objects.get(kind="appeal.decided")
    assert event.data["also_reverted"] == [str(automatic.pk)]


def test_an_automatic_decision_may_be_decided_by_any_moderator(scene: Any, after_commit: Any) -> None:
    crew, (nina, _n), _ann, _note = scene
    mia, _m = crew["mia"]
    suspension = Action.objects.create(
        kind="suspend",
        subject_type="member",
        subject_id=nina.pk,
        member=nina,
        staff=None,
        rule_code="spam",
        rule_version=1,
        automated_decision=True,
        until=timezone.now() + timedelta(days=7),
    )
    appeal = appeals.appeal_file(member=nina, action_id=suspension.pk, text="?")
    with after_commit():
        decided = appeals.appeal_decide(staff=mia, appeal_id=appeal.pk, outcome="upheld")
    assert decided.state == "upheld"


def test_the_transparency_report_counts_appeals(scene: Any, api: Any, after_commit: Any) -> None:
    crew, (nina, _n), (ann, _a), note = scene
    mia, _m = crew["mia"]
    otto, _o = crew["otto"]
    [removal] = act(mia, f"note:{note.pk}", "remove", after_commit=after_commit)
    [warning] = act(mia, f"member:{nina.pk}", "warn", rule_code="scam", after_commit=after_commit)
    act(mia, f"member:{ann.pk}", "warn", after_commit=after_commit)  # spam, not appealed
    act(mia, f"member:{ann.pk}", "warn", rule_code="harassment", after_commit=after_commit)  # not appealed
    with after_commit():
        overturned = appeals.appeal_file(member=nina, action_id=removal.pk, text="no")
        appeals.appeal_decide(staff=otto, appeal_id=overturned.pk, outcome="overturned")
        upheld = appeals.appeal_file(member=nina, action_id=warning.pk, text="no")
        appeals.appeal_decide(staff=otto, appeal_id=upheld.pk, outcome="upheld")
    report = api.get("/transparency").json()["appeals"]
    assert {k: report[k] for k in ("actions", "filed", "upheld", "overturned")} == {
        "actions": 4,
        "filed": 2,
        "upheld": 1,
        "overturned": 1,
    }
    assert report["appeal_rate"] == 0.5
    assert report["reversal_rate"] == 0.5
    by_rule = {row["rule"]: row for row in report["by_rule"]}
    assert by_rule["spam"] == {
        "rule": "spam",
        "actions": 2,
        "filed": 1,
        "upheld": 0,
        "overturned": 1,
        "appeal_rate": 0.5,
        "reversal_rate": 1.0,
    }
    assert by_rule["scam"]["reversal_rate"] == 0.0
    assert by_rule["harassment"]["filed"] == 0
    assert by_rule["harassment"]["reversal_rate"] is None
    rows = list(csv.reader(io.StringIO(Client().get("/api/v1/transparency.csv").content.decode())))
    assert ["appeals", "filed", "2"] in rows
    assert ["appeals", "overturned", "1"] in rows
    assert ["appeals_by_rule", "spam/reversal_rate", "1.0"] in rows
    for language, heading in (("en", "Appeals filed"), ("zh-hans", "已提交的申诉")):
        page = browser(None, language).get("/transparency").content.decode()
        assert heading in page
        assert "<dd data-appeals-overturned>1</dd>" in page
        assert "data-appeals-table" in page
    # A period before any of it counts nothing.
    last_year = (timezone.localdate() - timedelta(days=400)).isoformat()
    assert (
        api.get("/transparency", data={"start": last_year, "end": last_year}).json()["appeals"]["filed"] == 0
    )


def test_a_banned_member_appeals_through_the_api_with_handle_and_password(
    scene: Any, api: Any, problem: Callable[..., Any], after_commit: Any, rate_limits: Callable[..., None]
) -> None:
    crew, (nina, nina_client), _ann, _note = scene
    [ban] = act(crew["mia"][0], f"member:{nina.pk}", "ban", after_commit=after_commit)
    problem(nina_client.get("/me/appeals"), 401, "invalid_token")  # the token was revoked
    problem(api.post("/tokens", json={"handle": "nina", "password": PASSWORD}), 403, "account_banned")
    creds = {"handle": "nina", "password": PASSWORD}
    [row] = api.post("/appeal/decisions", json=creds).json()
    assert row["statement"]["id"] == str(ban.pk)
    assert row["statement"]["kind"] == "ban"
    assert row["appealable"] is True
    assert row["appeal"] is None
    problem(api.post("/appeal/decisions", json={**creds, "password": "nope"}), 401, "invalid_credentials")
    problem(
        api.post("/appeal/decisions", json={"handle": "ann", "password": PASSWORD}),
        401,
        "invalid_credentials",
    )
    problem(
        api.post(f"/appeal/decisions/{ban.pk}", json={**creds, "password": "nope", "text": "hi"}),
        401,
        "invalid_credentials",
    )
    filed = api.post(f"/appeal/decisions/{ban.pk}", json={**creds, "text": "I was hacked."})
    assert filed.status_code == 201
    assert filed.json()["state"] == "open"
    [row] = api.post("/appeal/decisions", json=creds).json()
    assert row["appeal"]["id"] == filed.json()["id"]
    assert row["appealable"] is False
    # Guessing backs off as at sign-in (its limits, turned on here).
    rate_limits(**{"sign_in_failure.account_ip": "3 per 15 minutes"})
    answers = [api.post("/appeal/decisions", json={**creds, "password": f"guess {i}"}) for i in range(6)]
    assert [a.status_code for a in answers[:3]] == [401, 401, 401]
    problem(answers[-1], 429, "rate_limited")
    # The right password waits too: the budget is the handle's on this address, as at sign-in.
    problem(api.post("/appeal/decisions", json=creds), 429, "rate_limited")
    assert Appeal.objects.get().member_id == nina.pk


def test_the_queue_and_the_decisions_page_cost_the_same_queries_for_one_appeal_or_many(
    scene: Any, post_note: Callable[..., Note], after_commit: Any, count_queries: Any
) -> None:
    crew, (nina, _n), _ann, note = scene
    mia, _m = crew["mia"]
    _otto, otto_client = crew["otto"]
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"strikes_suspend_at": 0})
    notes = [note] + [post_note(nina, title=f"note {i}") for i in range(4)]
    removals = [act(mia, f"note:{n.pk}", "remove", after_commit=after_commit)[0] for n in notes]
    nina_web = browser(nina)
    counts = []
    for n, removal in enumerate(removals, start=1):
        appeals.appeal_file(member=nina, action_id=removal.pk, text=f"appeal {n}")
        if n not in {1, 5}:
            continue
        otto_client.get("/staff/appeals")  # warm: the token's last use is written at most once a while
        with count_queries() as api_queries:
            assert len(otto_client.get("/staff/appeals").json()) == n
        with count_queries() as page_queries:
            assert browser(crew["otto"][0]).get("/staff/appeals").status_code == 200
        with count_queries() as mine_queries:
            assert nina_web.get("/me/decisions").status_code == 200
        counts.append((len(api_queries), len(page_queries), len(mine_queries)))
    assert counts[0] == counts[1], counts
    # The API: the token, the role, the appeals with their decisions and people, the notes, the rule versions.
    assert counts[0][0] == 5, counts
    assert counts[0][2] == 7, counts
