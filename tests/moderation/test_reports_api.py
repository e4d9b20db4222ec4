"""Reports through the API (bearer tokens): each subject type, the refusals, cases gathering reports, weights,
the threshold's hold and its undoing, "ignore until edited", the outcome told, the event log, the rate limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hongshu.accounts.models import User
from hongshu.comments.models import Comment
from hongshu.comments.services import comment_create
from hongshu.core.audit import audit_verify
from hongshu.core.models import AuditEvent
from hongshu.moderation.models import Case, Report, ReporterStanding
from hongshu.moderation.services import weight_of
from hongshu.notes.models import Note
from hongshu.notes.services import note_update
from hongshu.notifications.models import Notification
from hongshu.screening.models import Rule
from hongshu.social.services.graph import block_create

pytestmark = pytest.mark.django_db


def report(client: Any, subject_type: str, subject_id: int, rule: str = "spam", text: str = "") -> Any:
    return client.post(
        "/reports",
        json={"subject_type": subject_type, "subject_id": str(subject_id), "rule": rule, "text": text},
    )


def test_rules_lists_active_rules_in_both_languages(api: Any, rules: list[Rule]) -> None:
    body = api.get("/rules").json()
    assert [r["code"] for r in body] == ["harassment", "scam", "spam"]
    spam = body[2]
    assert spam["title_en"] == "Spam"
    assert spam["title_zh"] == "垃圾信息"


def test_report_each_subject_type(
    rules: list[Rule], trio: Any, post_note: Callable[..., Note], after_commit: Any
) -> None:
    (nina, _nina_api), (_ann, ann_api), _bob = trio
    note = post_note(nina, title="cheap pills")
    comment = comment_create(author=nina, note_id=note.pk, body="buy now")
    for subject_type, subject_id in (("note", note.pk), ("comment", comment.pk), ("member", nina.pk)):
        response = report(ann_api, subject_type, subject_id, text="looks like spam")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["subject_type"] == subject_type
        assert body["subject_id"] == str(subject_id)
        assert body["outcome"] == ""
    assert Case.objects.filter(state="open", source="report").count() == 3
    note_case = Case.objects.get(subject_type="note", subject_id=note.pk)
    assert note_case.language == "en"
    assert note_case.rule_code == "spam"
    assert note_case.rule_version == 1
    mine = ann_api.get("/reports/mine").json()
    assert len(mine) == 3


def test_signed_out_cannot_report(
    api: Any, rules: list[Rule], nina: Any, post_note: Callable[..., Note], problem: Any
) -> None:
    note = post_note(nina[0])
    problem(report(api, "note", note.pk), 401, "not_authenticated")
    problem(api.get("/reports/mine"), 401, "not_authenticated")


def test_refusals(rules: list[Rule], trio: Any, post_note: Callable[..., Note], problem: Any) -> None:
    (nina, nina_api), (_ann, ann_api), (_bob, bob_api) = trio
    note = post_note(nina)
    problem(report(nina_api, "note", note.pk), 403, "own_subject")
    problem(report(nina_api, "member", nina.pk), 403, "own_subject")
    problem(report(ann_api, "note", note.pk, rule="retired"), 422, "unknown_rule")
    problem(report(ann_api, "note", note.pk, rule="nonsense"), 422, "unknown_rule")
    problem(report(ann_api, "note", 123456789), 404, "subject_not_found")
    assert report(ann_api, "note", note.pk).status_code == 201
    body = problem(report(ann_api, "note", note.pk, rule="scam"), 409, "already_reported")
    assert "already reported" in body["detail"]
    # In the reader's language.
    zh = ann_api.post(
        "/reports",
        json={"subject_type": "note", "subject_id": str(note.pk), "rule": "spam"},
        headers={"Accept-Language": "zh-Hans"},
    )
    assert zh.status_code == 409
    assert "already reported" not in zh.json()["detail"]
    # Text over 1000 characters.
    assert report(bob_api, "note", note.pk, text="x" * 1001).status_code == 422


def test_invisible_subjects_are_not_found(
    rules: list[Rule], trio: Any, post_note: Callable[..., Note], problem: Any
) -> None:
    (nina, _), (ann, ann_api), (bob, _bob_api) = trio
    User.objects.filter(pk=nina.pk).update(is_private=True)
    private_note = post_note(nina, visibility="followers")
    only_me = post_note(nina, visibility="private")
    problem(report(ann_api, "note", private_note.pk), 404, "subject_not_found")
    problem(report(ann_api, "note", only_me.pk), 404, "subject_not_found")
    public = post_note(bob)
    block_create(blocker=bob, blocked=ann)
    problem(report(ann_api, "member", bob.pk), 404, "subject_not_found")
    problem(report(ann_api, "note", public.pk), 404, "subject_not_found")
    assert not Report.objects.exists()


def test_one_case_per_subject_with_several_reporters(
    rules: list[Rule], nina: Any, reporters: Callable[[int], list[Any]], post_note: Callable[..., Note]
) -> None:
    note = post_note(nina[0])
    for _user, client in reporters(3):
        assert report(client, "note", note.pk, rule="scam").status_code == 201
    case = Case.objects.get()
    assert case.report_count == 3
    assert case.report_weight == pytest.approx(3.0)
    assert case.severity == 3


def test_weight_formula() -> None:
    assert weight_of(None) == 1.0
    assert weight_of(ReporterStanding(upheld=8, dismissed=0)) == pytest.approx(1.8)
    assert weight_of(ReporterStanding(upheld=0, dismissed=30)) == 0.2
    assert weight_of(ReporterStanding(upheld=1000, dismissed=0)) <= 2.0


def test_weights_follow_upheld_and_dismissed_history(
    rules: list[Rule],
    trio: Any,
    staff_api: Any,
    post_note: Callable[..., Note],
    after_commit: Any,
) -> None:
    (nina, _), (ann, ann_api), (bob, bob_api) = trio
    _staff, staff_client = staff_api
    for i in range(2):
        note = post_note(nina, title=f"n{i}")
        report(ann_api, "note", note.pk)
        report(bob_api, "note", note.pk)
        case = Case.objects.get(subject_id=note.pk)
        with after_commit():
            assert (
                staff_client.post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"}).status_code
                == 200
            )
        # Ann is right; Bob's next report on another subject will be dismissed.
    note = post_note(nina, title="n3")
    report(bob_api, "note", note.pk)
    with after_commit():
        staff_client.post(
            f"/staff/cases/{Case.objects.get(subject_id=note.pk).pk}/decide", json={"decision": "dismissed"}
        )
    assert ReporterStanding.objects.get(member=ann).upheld == 2
    bob_standing = ReporterStanding.objects.get(member=bob)
    assert (bob_standing.upheld, bob_standing.dismissed) == (2, 1)
    last = post_note(nina, title="last")
    report(ann_api, "note", last.pk)
    report(bob_api, "note", last.pk)
    weights = dict(Report.objects.filter(subject_id=last.pk).values_list("reporter_id", "weight"))
    assert weights[ann.pk] == pytest.approx(1.5)  # 2·3/4
    assert weights[bob.pk] == pytest.approx(1.2)  # 2·3/5
    assert weights[ann.pk] > weights[bob.pk]


def test_threshold_holds_note_and_dismissal_restores_it(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    staff_api: Any,
    post_note: Callable[..., Note],
    api: Any,
    settings: Any,
    after_commit: Any,
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"report_hide_threshold": 3.0})
    author, author_api = nina
    note = post_note(author)
    clients = reporters(3)
    for _user, client in clients[:2]:
        report(client, "note", note.pk)
    assert api.get(f"/notes/{note.pk}").status_code == 200
    report(clients[2][1], "note", note.pk)
    note.refresh_from_db()
    assert note.status == Note.Status.HELD
    case = Case.objects.get()
    assert case.auto_hidden
    assert case.hide_recommended
    assert api.get(f"/notes/{note.pk}").status_code == 404
    assert author_api.get(f"/notes/{note.pk}").status_code == 200  # its author still sees it
    _staff, staff_client = staff_api
    with after_commit():
        body = staff_client.post(f"/staff/cases/{case.pk}/decide", json={"decision": "dismissed"}).json()
    assert body["state"] == "decided"
    assert body["decision"] == "dismissed"
    assert api.get(f"/notes/{note.pk}").status_code == 200
    assert AuditEvent.objects.filter(kind="case.auto_hidden").count() == 1


def test_threshold_then_upheld_keeps_note_hidden(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    staff_api: Any,
    post_note: Callable[..., Note],
    api: Any,
    settings: Any,
    after_commit: Any,
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"report_hide_threshold": 2.0})
    note = post_note(nina[0])
    for _user, client in reporters(2):
        report(client, "note", note.pk)
    case = Case.objects.get()
    with after_commit():
        staff_api[1].post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"})
    assert api.get(f"/notes/{note.pk}").status_code == 404
    assert Note.objects.get(pk=note.pk).status == Note.Status.HELD


def test_threshold_holds_a_comment_and_dismissal_releases_it(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    post_note: Callable[..., Note],
    staff_api: Any,
    api: Any,
    settings: Any,
    after_commit: Any,
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"report_hide_threshold": 2.0})
    note = post_note(nina[0])
    comment = comment_create(author=nina[0], note_id=note.pk, body="hello")
    for _user, client in reporters(2):
        report(client, "comment", comment.pk)
    case = Case.objects.get()
    assert case.hide_recommended
    assert case.auto_hidden
    assert Comment.objects.get(pk=comment.pk).held
    shown = [c["id"] for c in api.get(f"/notes/{note.pk}/comments").json()["items"]]
    assert str(comment.pk) not in shown
    with after_commit():
        staff_api[1].post(f"/staff/cases/{case.pk}/decide", json={"decision": "dismissed"})
    assert not Comment.objects.get(pk=comment.pk).held
    shown = [c["id"] for c in api.get(f"/notes/{note.pk}/comments").json()["items"]]
    assert str(comment.pk) in shown


def test_threshold_on_a_member_only_recommends_hiding(
    rules: list[Rule], nina: Any, reporters: Callable[[int], list[Any]], settings: Any
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"report_hide_threshold": 2.0})
    for _user, client in reporters(2):
        report(client, "member", nina[0].pk)
    case = Case.objects.get()
    assert case.hide_recommended
    assert not case.auto_hidden


def test_ignore_until_edited_holds_against_a_campaign_and_reopens_after_an_edit(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    staff_api: Any,
    post_note: Callable[..., Note],
    api: Any,
    after_commit: Any,
) -> None:
    author = nina[0]
    note = post_note(author)
    crowd = reporters(21)
    report(crowd[0][1], "note", note.pk)
    case = Case.objects.get()
    with after_commit():
        staff_api[1].post(
            f"/staff/cases/{case.pk}/decide", json={"decision": "dismissed", "ignore_until_edited": True}
        )
    with after_commit():
        for _user, client in crowd[1:]:
            assert report(client, "note", note.pk).status_code == 201
    assert Case.objects.count() == 1
    # Each is told at once that it was already reviewed.
    told = Notification.objects.filter(kind="report_outcome", recipient__in=[u for u, _c in crowd[1:]])
    assert told.count() == 20
    assert {n.data["decision"] for n in told} == {"dismissed"}
    assert Report.objects.filter(case=case, ignored=True).count() == 20
    assert Note.objects.get(pk=note.pk).status == Note.Status.PUBLISHED
    assert api.get(f"/notes/{note.pk}").status_code == 200
    # A reporter of the ignored wave cannot report it again while it stays unedited.
    assert report(crowd[1][1], "note", note.pk).status_code == 409
    note_update(note=Note.objects.get(pk=note.pk), editor=author, title="edited")
    assert report(crowd[1][1], "note", note.pk).status_code == 201
    assert Case.objects.filter(state="open").count() == 1
    assert Case.objects.count() == 2


def test_reporters_are_told_the_outcome(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    staff_api: Any,
    post_note: Callable[..., Note],
    after_commit: Any,
) -> None:
    note = post_note(nina[0])
    crowd = reporters(2)
    for _user, client in crowd:
        report(client, "note", note.pk)
    case = Case.objects.get()
    with after_commit():
        staff_api[1].post(f"/staff/cases/{case.pk}/decide", json={"decision": "upheld"})
    for user, client in crowd:
        told = Notification.objects.get(recipient=user, kind="report_outcome")
        assert told.data["decision"] == "upheld"
        items = client.get("/notifications").json()["items"]
        assert items[0]["kind"] == "report_outcome"
        assert items[0]["data"]["decision"] == "upheld"
        assert client.get("/reports/mine").json()[0]["outcome"] == "upheld"
    assert nina[1].get("/notifications").json()["items"] == []


def test_audit_chain_verifies_after_reports_and_decisions(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    reporters: Callable[[int], list[Any]],
    staff_api: Any,
    post_note: Callable[..., Note],
    settings: Any,
    after_commit: Any,
) -> None:
    settings.HONGSHU = settings.HONGSHU.model_copy(update={"report_hide_threshold": 2.0})
    note = post_note(nina[0])
    crowd = reporters(3)
    for _user, client in crowd[:2]:
        report(client, "note", note.pk)
    # Held pending review: nobody but its author sees it now, so nobody else can report it.
    assert report(crowd[2][1], "note", note.pk).status_code == 404
    case = Case.objects.get()
    staff_client = staff_api[1]
    with after_commit():
        staff_client.post(f"/staff/cases/{case.pk}/claim")
        staff_client.post(
            f"/staff/cases/{case.pk}/decide", json={"decision": "dismissed", "ignore_until_edited": True}
        )
        staff_client.post(f"/staff/cases/{case.pk}/close")
    kinds = list(AuditEvent.objects.order_by("seq").values_list("kind", flat=True))
    assert kinds.count("report.created") == 2
    assert kinds.count("case.opened") == 1
    assert kinds.count("case.auto_hidden") == 1
    assert kinds.count("case.state") == 3
    checked, broken = audit_verify()
    assert broken is None
    assert checked == len(kinds)


def test_report_rate_limit_crossing(  # noqa: PLR0917 - pytest fixtures
    rules: list[Rule],
    nina: Any,
    ann: Any,
    post_note: Callable[..., Note],
    rate_limits: Callable[..., None],
    member_api: Callable[..., Any],
) -> None:
    rate_limits(**{"report.account": "2 per 1 minute"})
    notes = [post_note(nina[0], title=f"n{i}") for i in range(3)]
    _ann, ann_api = ann
    assert report(ann_api, "note", notes[0].pk).status_code == 201
    assert report(ann_api, "note", notes[1].pk).status_code == 201
    refused = report(ann_api, "note", notes[2].pk)
    assert refused.status_code == 429
    body = refused.json()
    assert body["limit"] == "report"
    assert body["scope"] == "account"
    assert refused["Retry-After"]
    # Another member keeps their own budget.
    _other, other_api = member_api("other")
    assert report(other_api, "note", notes[2].pk).status_code == 201
