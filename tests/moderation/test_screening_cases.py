"""Held content becomes a case (issue 24 items 3, 5 and 8): screening's holds open cases, a burst of
near-duplicates is held as one case with its earlier texts, and a moderator's decision releases or keeps
what was held — notes, comments and a held name or bio alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.core.audit import audit_verify
from hongshu.moderation.models import Case
from hongshu.notes.models import Note
from hongshu.screening.models import LexiconTerm, Rule
from hongshu.screening.stamp import catalog_changed

pytestmark = pytest.mark.django_db

SPAM_TEXT = (
    "Limited offer: message me today for the wholesale price list of designer bags, shipping worldwide {n}"
)


@pytest.fixture
def lexicon(rules: list[Rule]) -> None:
    scam = next(r for r in rules if r.code == "scam")
    LexiconTerm.objects.create(language="zh", text="加微信", rule=scam)
    catalog_changed()


def _post(client: Any, images: list[str], body: str) -> Any:
    return client.post("/notes", json={"title": "Hello", "body": body, "images": [{"media_id": images[0]}]})


def _decide(staff: Any, case: Case, decision: str) -> None:
    response = staff.post(f"/staff/cases/{case.pk}/decide", json={"decision": decision})
    assert response.status_code == 200, response.content


@pytest.mark.usefixtures("lexicon")
@pytest.mark.parametrize("decision", ["dismissed", "upheld"])
def test_a_held_note_opens_a_case_and_the_decision_settles_it(
    decision: str,
    *,
    member_api: Callable[..., Any],
    ready_images: Callable[..., list[str]],
    staff_api: tuple[User, Any],
    after_commit: Any,
    api: Any,
) -> None:
    author, client = member_api("writer")
    with after_commit():
        note_id = _post(client, ready_images(author), "想要攻略 加 微 信").json()["id"]
    case = Case.objects.get(subject_id=note_id)
    assert (case.source, case.rule_code, case.subject_type, case.state) == (
        "screening",
        "scam",
        "note",
        "open",
    )
    assert case.evidence["audit_seq"]
    listed = staff_api[1].get("/staff/cases", data={"source": "screening"}).json()
    assert str(case.pk) in [c["id"] for c in listed]
    [decided] = staff_api[1].get(f"/staff/cases/{case.pk}").json()["decisions"]
    [finding] = decided["findings"]
    assert (decided["outcome"], finding["term"], finding["field"]) == ("hold", "加微信", "body")
    steps = dict(map(tuple, finding["normalised"]))
    assert "加微信" in steps["han form"]  # how "加 微 信" was read
    page = Client()
    page.force_login(staff_api[0])
    text = page.get(f"/staff/cases/{case.pk}").content.decode()
    assert "How the text was read" in text
    assert "han form" in text
    with after_commit():
        _decide(staff_api[1], case, decision)
    expected = Note.Status.PUBLISHED if decision == "dismissed" else Note.Status.HELD
    assert Note.objects.get(pk=note_id).status == expected
    assert api.get(f"/notes/{note_id}").status_code == (200 if decision == "dismissed" else 404)
    assert audit_verify()[1] is None


@pytest.mark.usefixtures("lexicon")
def test_a_held_comment_is_released_by_a_dismissal(
    trio: Any, post_note: Callable[..., Note], staff_api: tuple[User, Any], after_commit: Any
) -> None:
    (nina, _nina_api), (_ann, ann_api), (_bob, bob_api) = trio
    note = post_note(nina, "Lunch")
    with after_commit():
        comment_id = ann_api.post(f"/notes/{note.pk}/comments", json={"body": "加微信 看更多"}).json()["id"]
    assert bob_api.get(f"/notes/{note.pk}/comments").json()["items"] == []
    with after_commit():
        _decide(staff_api[1], Case.objects.get(subject_type="comment", subject_id=comment_id), "dismissed")
    assert [c["id"] for c in bob_api.get(f"/notes/{note.pk}/comments").json()["items"]] == [comment_id]
    assert Comment.objects.get(pk=comment_id).held is False


@pytest.mark.usefixtures("lexicon")
@pytest.mark.parametrize(("decision", "bio"), [("dismissed", "合作 加微信"), ("upheld", "")])
def test_a_held_bio_goes_live_or_is_dropped(
    decision: str,
    bio: str,
    *,
    member_api: Callable[..., Any],
    staff_api: tuple[User, Any],
    after_commit: Any,
    api: Any,
) -> None:
    member, client = member_api("writer")
    with after_commit():
        assert client.patch("/accounts/me", json={"bio": "合作 加微信"}).json()["pending"]
    case = Case.objects.get(subject_type="member", subject_id=member.pk)
    _decide(staff_api[1], case, decision)
    assert api.get(f"/accounts/{member.handle}").json()["bio"] == bio
    assert client.get("/accounts/me").json()["pending"] == {}


@pytest.mark.usefixtures("rules")
def test_a_burst_is_held_as_one_case_with_its_earlier_texts(
    member_api: Callable[..., Any],
    ready_images: Callable[..., list[str]],
    staff_api: tuple[User, Any],
    after_commit: Any,
    api: Any,
) -> None:
    posted = []
    for n in range(3):
        author, client = member_api(f"seller{n}")
        with after_commit():
            posted.append(_post(client, ready_images(author), SPAM_TEXT.format(n="!" * (n + 1))).json())
    assert [p["status"] for p in posted] == ["published", "published", "held"]
    [case] = Case.objects.filter(source="burst")
    assert case.group.startswith("burst:")
    ids = [p["id"] for p in posted]
    assert str(case.subject_id) == ids[2]  # found at the third, and the first two joined it
    assert {str(i) for i in Note.objects.filter(status=Note.Status.HELD).values_list("pk", flat=True)} == set(
        ids
    )
    detail = staff_api[1].get(f"/staff/cases/{case.pk}").json()
    assert {s["subject_id"] for s in detail["subjects"]} >= set(ids[:2])
    for note_id in ids:
        assert api.get(f"/notes/{note_id}").status_code == 404
    with after_commit():
        _decide(staff_api[1], case, "dismissed")
    for note_id in ids:
        assert api.get(f"/notes/{note_id}").status_code == 200
    assert audit_verify()[1] is None


@pytest.mark.usefixtures("lexicon")
@pytest.mark.parametrize(("action", "decision"), [("release", "dismissed"), ("reject", "upheld")])
def test_the_held_notes_queue_decides_the_notes_case(
    action: str,
    decision: str,
    *,
    member_api: Callable[..., Any],
    ready_images: Callable[..., list[str]],
    staff_api: tuple[User, Any],
    after_commit: Any,
) -> None:
    author, client = member_api("writer")
    with after_commit():
        note_id = _post(client, ready_images(author), "想要攻略 加微信").json()["id"]
    with after_commit():
        response = staff_api[1].post(f"/staff/held-notes/{note_id}/{action}")
    assert response.status_code in {200, 204}
    case = Case.objects.get(subject_id=note_id)
    assert (case.state, case.decision) == ("decided", decision)
