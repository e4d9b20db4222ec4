"""The database's own guard of the moderation event log: triggers that refuse any UPDATE or DELETE of an entry.

The model refuses `save()` of an existing entry and `delete()` (hongshu.core.models.AuditEvent); these triggers
refuse the same through raw SQL, a queryset's `update()`/`delete()` or a database shell, so changing the log
takes dropping a trigger first (which `hongshu audit verify` would still expose through the hash chain).

PostgreSQL: one row-level trigger. TRUNCATE is not refused: `flush` (tests, a reset instance) empties the log
with every other table. SQLite: two triggers that RAISE(ABORT); its `flush` deletes row by row, so
`hongshu.core`'s `flush` command drops them around the flush, to the same effect as TRUNCATE on PostgreSQL.
Migration 0004 installs the triggers with these statements.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

PG_TRIGGER = "core_auditevent_append_only"
SQLITE_TRIGGERS = ("core_auditevent_no_update", "core_auditevent_no_delete")

SEAL: dict[str, tuple[str, ...]] = {
    "postgresql": (
        f"""
        CREATE OR REPLACE FUNCTION {PG_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the moderation event log is append-only: % of entry % refused', TG_OP, OLD.seq
                USING ERRCODE = 'restrict_violation';
        END;
        $$
        """,
        f"""
        CREATE TRIGGER {PG_TRIGGER} BEFORE UPDATE OR DELETE ON core_auditevent
        FOR EACH ROW EXECUTE FUNCTION {PG_TRIGGER}()
        """,
    ),
    "sqlite": (
        f"""
        CREATE TRIGGER {SQLITE_TRIGGERS[0]} BEFORE UPDATE ON core_auditevent
        BEGIN SELECT RAISE(ABORT, 'the moderation event log is append-only: an entry is never updated'); END
        """,
        f"""
        CREATE TRIGGER {SQLITE_TRIGGERS[1]} BEFORE DELETE ON core_auditevent
        BEGIN SELECT RAISE(ABORT, 'the moderation event log is append-only: an entry is never deleted'); END
        """,
    ),
}

UNSEAL: dict[str, tuple[str, ...]] = {
    "postgresql": (
        f"DROP TRIGGER IF EXISTS {PG_TRIGGER} ON core_auditevent",
        f"DROP FUNCTION IF EXISTS {PG_TRIGGER}()",
    ),
    "sqlite": tuple(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
}


def audit_sealed(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the triggers are in place on this database."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgenabled <> 'D' FROM pg_trigger WHERE tgname = %s AND NOT tgisinternal", [PG_TRIGGER]
            )
            row = cursor.fetchone()
            return bool(row and row[0])
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
                list(SQLITE_TRIGGERS),
            )
            return bool(cursor.fetchone()[0] == len(SQLITE_TRIGGERS))
    return False


@contextmanager
def audit_unsealed(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Lift the triggers for the block and put them back after it (when they were there before it).

    For `flush` on SQLite and for tests that tamper with the log on purpose; never for application code.
    PostgreSQL disables the trigger (ALTER TABLE, so inside a transaction it holds the table's lock until the
    end); SQLite drops and recreates the triggers (DDL is transactional there too)."""
    connection = connections[using]
    if not audit_sealed(using=using):
        yield
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {PG_TRIGGER}")
        else:
            for statement in UNSEAL[connection.vendor]:
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {PG_TRIGGER}")
            else:
                for statement in SEAL[connection.vendor]:
                    cursor.execute(statement)
