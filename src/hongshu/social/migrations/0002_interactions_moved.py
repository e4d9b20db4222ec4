# The likes, boards, collects and note counters moved to the interactions app (its 0001) in state only:
# their tables stay, now owned by hongshu.interactions.


from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0001_initial"),
        ("interactions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Collect"),
                migrations.DeleteModel(name="Board"),
                migrations.DeleteModel(name="Like"),
                migrations.DeleteModel(name="NoteCounter"),
            ],
        ),
    ]
