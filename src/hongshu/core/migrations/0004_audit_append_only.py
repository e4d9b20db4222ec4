"""The database refuses any UPDATE or DELETE of a moderation event (hongshu.core.audit_seal explains how)."""

from typing import Any

from django.db import migrations

from hongshu.core.audit_seal import SEAL, UNSEAL


def seal(apps: Any, schema_editor: Any) -> None:
    for statement in SEAL.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement, params=None)


def unseal(apps: Any, schema_editor: Any) -> None:
    for statement in UNSEAL.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_log")]

    operations = [migrations.RunPython(seal, unseal, elidable=False)]
