# The index outbox moves from search to notes, its writer: state only, the table stays as it is.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0002_revision"),
        ("search", "0007_public_topics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingNoteIndex",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("note_id", models.BigIntegerField()),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "db_table": "search_pendingnoteindex",
                        "indexes": [models.Index(fields=["claimed_at", "id"], name="search_pending_claim")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
