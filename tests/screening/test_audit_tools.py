"""The event log's tooling: the database refuses a raw UPDATE or DELETE of an entry (on SQLite and PostgreSQL),
`flush` still empties it, posture changes are logged, and `hongshu audit verify` says whether the chain holds."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from hongshu import cli
from hongshu.core.audit import audit_append, audit_verify
from hongshu.core.audit_seal import audit_sealed, audit_unsealed
from hongshu.core.errors import InvalidInput
from hongshu.core.models import AuditEvent, PostureChange
from hongshu.core.runtime import runtime_set


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_remove_an_entry() -> None:
    assert audit_sealed()
    audit_append(kind="report.created", subject="note:1", data={"rule": "spam"})
    statements = [
        lambda: AuditEvent.objects.filter(seq=1).update(kind="other"),
        lambda: AuditEvent.objects.filter(seq=1).delete(),
    ]
    for statement in statements:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            statement()
    for sql in ("UPDATE core_auditevent SET subject = 'x'", "DELETE FROM core_auditevent"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as c,
        ):
            c.execute(sql)
    assert AuditEvent.objects.get(seq=1).kind == "report.created"
    assert audit_verify() == (1, None)
    # Appending still works, and a test that tampers on purpose lifts the guard for its block only.
    audit_append(kind="report.created", subject="note:2")
    with audit_unsealed():
        assert not audit_sealed()
        AuditEvent.objects.filter(seq=2).update(subject="note:3")
    assert audit_sealed()
    assert audit_verify()[1] is not None


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_log_and_keeps_the_guard() -> None:
    audit_append(kind="report.created", subject="note:1")
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0
    assert audit_sealed()


@pytest.mark.django_db
def test_posture_changes_are_logged_with_the_change() -> None:
    change = runtime_set(key="surge_mode", value="on", actor_id=42, reason="spam wave")
    assert isinstance(change, PostureChange)
    event = AuditEvent.objects.get(kind="posture.change")
    assert (event.subject, event.actor_id) == ("setting:surge_mode", 42)
    assert event.data == {
        "change": str(change.pk),
        "key": "surge_mode",
        "old": "auto",
        "new": "on",
        "automatic": False,
        "reason": "spam wave",
    }
    assert runtime_set(key="surge_mode", value="on", actor_id=42) is None  # no change, nothing logged
    runtime_set(key="surge_active", value=True, actor_id=None, automatic=True, reason="812 sign-ups")
    assert list(AuditEvent.objects.order_by("seq").values_list("subject", "data__automatic")) == [
        ("setting:surge_mode", False),
        ("setting:surge_active", True),
    ]
    assert audit_verify() == (2, None)


@pytest.mark.django_db
def test_a_refused_posture_change_logs_nothing() -> None:
    with pytest.raises(InvalidInput) as refused:
        runtime_set(key="surge_mode", value="maybe", actor_id=1)
    assert refused.value.code == "invalid_value"  # not the message: another test may leave Chinese active
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_audit_verify_command(capsys: Any) -> None:
    cli.main(["audit", "verify"])
    assert capsys.readouterr().out.strip() == "Checked 0 events: the chain holds."
    for n in range(3):
        audit_append(kind="screening.decision", subject=f"note:{n}", data={"outcome": "hold"})
    cli.main(["audit", "verify"])
    assert capsys.readouterr().out.strip() == "Checked 3 events: the chain holds."
    with audit_unsealed():
        AuditEvent.objects.filter(seq=2).update(data={"outcome": "publish"})
    with pytest.raises(SystemExit) as broken:
        cli.main(["audit", "verify"])
    assert broken.value.code == "Link 2 is broken: its content does not match its hash."
    assert capsys.readouterr().out.strip() == "Checked 1 event before the break."
