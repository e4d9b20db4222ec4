"""The moderation event log: appends chain, any change or removal is found and named, appends never fork."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from hongshu.core.audit import audit_append, audit_verify
from hongshu.core.audit_seal import audit_unsealed
from hongshu.core.models import AuditEvent, AuditLogIsAppendOnly


@pytest.mark.django_db
def test_appends_chain_and_verify() -> None:
    assert audit_verify() == (0, None)
    first = audit_append(kind="report.created", subject="note:1", actor_id=7, data={"rule": "spam", "n": 1})
    second = audit_append(kind="case.state", subject="note:1", data={"state": "open", "text": "加微信"})
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash != second.hash
    assert audit_verify() == (2, None)


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_remove_an_entry() -> None:
    event = audit_append(kind="report.created", subject="note:1")
    event.kind = "other"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()


@pytest.mark.django_db
def test_verify_names_the_first_broken_link() -> None:
    for n in range(5):
        audit_append(kind="screening.decision", subject=f"note:{n}", data={"outcome": "hold"})
    with audit_unsealed():  # the database refuses it otherwise (tests/screening/test_audit_tools.py)
        AuditEvent.objects.filter(seq=3).update(data={"outcome": "publish"})  # behind the model's back
    checked, broken = audit_verify(batch_size=2)
    assert checked == 2
    assert broken is not None
    assert (broken.seq, "content" in broken.reason) == (3, True)


@pytest.mark.django_db
def test_verify_finds_a_removed_entry_in_the_middle_and_at_the_end() -> None:
    for n in range(4):
        audit_append(kind="screening.decision", subject=f"note:{n}")
    with audit_unsealed():
        AuditEvent.objects.filter(seq=4).delete()
    checked, broken = audit_verify()
    assert (checked, broken and broken.seq) == (3, 4)
    with audit_unsealed():
        AuditEvent.objects.filter(seq=2).delete()
    checked, broken = audit_verify()
    assert (checked, broken and broken.seq) == (1, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_line() -> None:
    def append_some() -> None:
        try:
            for _ in range(10):
                audit_append(kind="report.created", subject="note:1")
        finally:
            connection.close()

    threads = [threading.Thread(target=append_some) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert audit_verify() == (60, None)
