# The index outbox now belongs to notes (notes 0003): search forgets the model; the table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_public_topics"),
        ("notes", "0003_pending_note_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PendingNoteIndex")],
            database_operations=[],
        ),
    ]
