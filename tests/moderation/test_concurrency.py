"""Concurrent reports of one subject open one case (the partial unique constraint, on PostgreSQL's row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from hongshu.accounts.models import User
from hongshu.core.audit import audit_verify
from hongshu.moderation.models import Case, Report
from hongshu.moderation.services import report_create
from hongshu.notes.models import Note
from hongshu.screening.models import Rule


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_join_one_case(
    rules: list[Rule], make_member: Callable[..., User], post_note: Callable[..., Note]
) -> None:
    note = post_note(make_member("nina"))
    crowd = [make_member(f"racer{n}") for n in range(6)]
    start = threading.Barrier(len(crowd))
    failures: list[BaseException] = []

    def report(member: User) -> None:
        try:
            start.wait(timeout=30)
            report_create(reporter=member, subject_type="note", subject_id=note.pk, rule_code="spam")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(member,)) for member in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    case = Case.objects.get()
    assert case.report_count == 6
    assert case.report_weight == pytest.approx(6.0)
    assert Report.objects.filter(case=case).count() == 6
    assert Note.objects.get(pk=note.pk).status == Note.Status.HELD  # 6 ≥ the default threshold of 5
    assert audit_verify()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claim_next_gives_each_moderator_a_different_case(
    rules: list[Rule], make_member: Callable[..., User]
) -> None:
    from hongshu.accounts import roles
    from hongshu.moderation.leases import case_claim_next
    from hongshu.moderation.services import case_open

    root = make_member("rootcrew")
    User.objects.filter(pk=root.pk).update(is_staff=True, is_superuser=True)
    root = User.objects.get(pk=root.pk)
    crew = []
    for n in range(6):
        member = roles.role_grant(actor=root, member=make_member(f"claimer{n}"), role="moderator")
        roles.staff_profile_update(staff=member, languages=["en"], on_duty=True)
        crew.append(User.objects.get(pk=member.pk))
    for n in range(8):
        case_open(
            subject=f"note:{9000 + n}",
            source="screening",
            language="en",
            rule_code="spam",
            rule_version=1,
            severity=2 + n % 2,
            evidence={},
        )
    start = threading.Barrier(len(crew))
    got: list[int] = []
    failures: list[BaseException] = []

    def claim(member: User) -> None:
        try:
            start.wait(timeout=30)
            for _ in range(2):  # 12 asks for 8 cases: 4 come back empty
                case = case_claim_next(staff=member, queue="en")
                if case is not None:
                    got.append(case.pk)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(member,)) for member in crew]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(got) == 8
    assert len(set(got)) == 8  # nobody got a case twice
    assert Case.objects.filter(state="claimed").count() == 8
    assert audit_verify()[1] is None
