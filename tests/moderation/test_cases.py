"""Cases opened by screening (the `content_held` event), grouped bursts, the staff queue's order and filters,
and the case state machine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hongshu.core.audit import audit_append, audit_verify
from hongshu.core.events import EVENTS, announce_on_commit
from hongshu.core.models import AuditEvent
from hongshu.moderation.models import Case, CaseSubject
from hongshu.moderation.selectors import priority_of
from hongshu.notes.models import Note
from hongshu.screening.models import Rule

pytestmark = pytest.mark.django_db


def held(
    subject: str, *, group: str = "", source: str = "screening", rule: str = "scam", language: str = "zh"
) -> None:
    seq = audit_append(kind="screening.held", subject=subject, data={"rule": rule}).seq
    announce_on_commit("content_held", subject, source, language, rule, 1, seq, group)


def test_content_held_is_consumed_by_the_case_task() -> None:
    assert EVENTS["content_held"] == ("hongshu.moderation.tasks.case_open_task",)


def test_content_held_opens_a_case(rules: list[Rule], after_commit: Any) -> None:
    with after_commit():
        held("note:101", language="zh")
    case = Case.objects.get()
    assert (case.subject, case.source, case.language, case.rule_code, case.rule_version) == (
        "note:101",
        "screening",
        "zh",
        "scam",
        1,
    )
    assert case.severity == 3  # the rule's
    assert case.evidence["audit_seq"]
    # The same subject held again joins its case.
    with after_commit():
        held("note:101", source="screening")
    assert Case.objects.count() == 1
    assert audit_verify()[1] is None


def test_content_held_groups_a_burst_into_one_case(rules: list[Rule], after_commit: Any) -> None:
    with after_commit():
        for note_id in (201, 202, 203):
            held(f"note:{note_id}", group="burst:abc", source="burst")
        held("note:301", group="burst:other", source="burst")
    burst = Case.objects.get(group="burst:abc")
    assert burst.source == "burst"
    subjects = set(CaseSubject.objects.filter(case=burst).values_list("subject_id", flat=True))
    assert subjects == {201, 202, 203}
    assert Case.objects.count() == 2
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert kinds.count("case.opened") == 2
    assert kinds.count("case.joined") == 2


def test_staff_reads_cases_with_subjects_and_reports(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule], staff_api: Any, nina: Any, ann: Any, post_note: Callable[..., Note], after_commit: Any
) -> None:
    note = post_note(nina[0])
    ann[1].post(
        "/reports", json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam", "text": "ads"}
    )
    with after_commit():
        held("comment:55", source="new_account", language="en", rule="spam")
    _staff, client = staff_api
    listed = client.get("/staff/cases").json()
    assert {c["source"] for c in listed} == {"report", "new_account"}
    assert [c["source"] for c in client.get("/staff/cases?source=report").json()] == ["report"]
    assert client.get("/staff/cases?language=zh").json() == []
    case_id = next(c["id"] for c in listed if c["source"] == "report")
    detail = client.get(f"/staff/cases/{case_id}").json()
    assert detail["subjects"] == [{"subject_type": "note", "subject_id": str(note.pk)}]
    assert detail["reports"][0]["reporter_handle"] == "ann"
    assert detail["reports"][0]["text"] == "ads"
    assert detail["reports"][0]["weight"] == 1.0
    assert detail["state"] == "open"


def test_queue_order_follows_priority(rules: list[Rule], staff_api: Any, after_commit: Any) -> None:
    with after_commit():
        held("note:1", rule="spam")  # severity 2
        held("note:2", rule="scam")  # severity 3
        held("note:3", rule="spam")
    Case.objects.filter(subject_id=3).update(created_at=timezone.now() - timedelta(days=3))  # waited 72 h
    order = [c["subject"] for c in staff_api[1].get("/staff/cases").json()]
    assert order == ["note:2", "note:3", "note:1"]
    # 10·2 + 3·1 + 2·log10(1 + 9) + 6/6
    assert priority_of(severity=2, report_weight=1.0, reach=9, age_hours=6) == pytest.approx(26.0)
    assert priority_of(severity=1, report_weight=50.0, reach=0, age_hours=10_000) == pytest.approx(50.0)


def test_state_machine(rules: list[Rule], staff_api: Any, after_commit: Any, problem: Any) -> None:
    with after_commit():
        held("member:9")
    case = Case.objects.get()
    _staff, client = staff_api
    assert client.post(f"/staff/cases/{case.pk}/claim").json()["state"] == "claimed"
    assert client.post(f"/staff/cases/{case.pk}/claim").json()["claimed_by"] == "mia"  # idempotent
    decided = client.post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"}).json()
    assert (decided["state"], decided["decision"]) == ("decided", "upheld")
    problem(
        client.post(f"/staff/cases/{case.pk}/decide", json={"decision": "dismissed"}), 409, "case_decided"
    )
    problem(client.post(f"/staff/cases/{case.pk}/claim"), 409, "case_not_open")
    assert client.post(f"/staff/cases/{case.pk}/close").json()["state"] == "closed"
    assert client.get("/staff/cases?state=closed").json()[0]["id"] == str(case.pk)
    problem(client.get("/staff/cases/424242"), 404, "case_not_found")
    # The subject is free for a new case once this one is decided.
    with after_commit():
        held("member:9")
    assert Case.objects.filter(state="open").count() == 1


def test_content_held_tolerates_missing_values(after_commit: Any) -> None:
    with after_commit():
        announce_on_commit("content_held", "comment:77", "odd_source", None, None, None, None, None)
    case = Case.objects.get()
    assert (case.subject, case.source, case.language, case.rule_code, case.group) == (
        "comment:77",
        "screening",
        "und",
        "",
        "",
    )
    assert case.evidence == {"source": "odd_source"}
