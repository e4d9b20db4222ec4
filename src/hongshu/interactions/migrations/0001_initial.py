# The likes, boards, collects and note counters move here from the social app in state only: their tables
# (social_like, social_board, social_collect, social_notecounter) and constraint names stay as they are.

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import hongshu.core.ids


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("notes", "0001_initial"),
        ("social", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Board",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                default=hongshu.core.ids.next_id, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("name", models.CharField(max_length=400)),
                        ("is_default", models.BooleanField(default=False)),
                        ("is_public", models.BooleanField(default=False)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "social_board"},
                ),
                migrations.CreateModel(
                    name="Collect",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                default=hongshu.core.ids.next_id, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "board",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="collects",
                                to="interactions.board",
                            ),
                        ),
                        (
                            "note",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="notes.note"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "social_collect"},
                ),
                migrations.CreateModel(
                    name="Like",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                default=hongshu.core.ids.next_id, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "note",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="notes.note"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "social_like"},
                ),
                migrations.CreateModel(
                    name="NoteCounter",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("shard", models.PositiveSmallIntegerField()),
                        ("likes", models.IntegerField(default=0)),
                        ("collects", models.IntegerField(default=0)),
                        ("comments", models.IntegerField(default=0)),
                        (
                            "note",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="notes.note"
                            ),
                        ),
                    ],
                    options={"db_table": "social_notecounter"},
                ),
                migrations.AddConstraint(
                    model_name="board",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("is_default", True)),
                        fields=("owner",),
                        name="board_one_default_per_owner",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="board",
                    constraint=models.UniqueConstraint(
                        models.F("owner"),
                        django.db.models.functions.text.Lower("name"),
                        name="board_name_unique_per_owner",
                    ),
                ),
                migrations.AddIndex(
                    model_name="collect",
                    index=models.Index(fields=["board", "-id"], name="collect_board_recent"),
                ),
                migrations.AddIndex(
                    model_name="collect",
                    index=models.Index(fields=["note"], name="collect_note"),
                ),
                migrations.AddConstraint(
                    model_name="collect",
                    constraint=models.UniqueConstraint(fields=("user", "note"), name="collect_unique"),
                ),
                migrations.AddIndex(
                    model_name="like",
                    index=models.Index(fields=["user", "-id"], name="like_user_recent"),
                ),
                migrations.AddIndex(
                    model_name="like",
                    index=models.Index(fields=["note", "-id"], name="like_note_recent"),
                ),
                migrations.AddConstraint(
                    model_name="like",
                    constraint=models.UniqueConstraint(fields=("user", "note"), name="like_unique"),
                ),
                migrations.AddConstraint(
                    model_name="notecounter",
                    constraint=models.UniqueConstraint(fields=("note", "shard"), name="note_counter_shard_unique"),
                ),
            ],
        ),
    ]
