from django.db import migrations, models

# The note index: pre-tokenised text (see search/pipeline.py) in an engine-native full-text structure.
# SQLite: an FTS5 table whose rowid is the note id; the `ascii` tokenizer keeps every non-ASCII character
# (Han, emoji) inside tokens and `#` joins topics, so the pipeline's tokens arrive exactly as written.
SQLITE_CREATE = """
CREATE VIRTUAL TABLE search_note_fts USING fts5(
    title, topics, body, tokenize = "ascii tokenchars '#_'"
)
"""
SQLITE_DROP = "DROP TABLE IF EXISTS search_note_fts"
# PostgreSQL: the same token strings plus a weighted tsvector (A title, B topics/place, C body) under GIN.
POSTGRES_CREATE = """
CREATE TABLE search_note_pg (
    note_id bigint PRIMARY KEY,
    title text NOT NULL,
    topics text NOT NULL,
    body text NOT NULL,
    document tsvector NOT NULL
);
CREATE INDEX search_note_pg_document ON search_note_pg USING gin (document);
"""
POSTGRES_DROP = "DROP TABLE IF EXISTS search_note_pg"


def create_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    else:
        raise RuntimeError(f"search: no note index for database vendor {vendor}")


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    schema_editor.execute(SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP)


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("member", "Member"), ("topic", "Topic")], max_length=10)),
                ("object_id", models.BigIntegerField()),
                ("term", models.CharField(max_length=100)),
                ("weight", models.FloatField(default=1.0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["kind", "term"], name="search_term_prefix"),
                    models.Index(fields=["kind", "object_id"], name="search_term_object"),
                ],
            },
        ),
        migrations.RunPython(create_index, drop_index),
    ]
