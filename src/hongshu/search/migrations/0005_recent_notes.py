from django.db import migrations

# PostgreSQL: the documents of the newest notes again, in a small table under its own GIN index, with the
# floor id it starts at (one row), for the every-word candidate tier: a GIN bitmap reads each word's whole
# posting list, so on the whole index two common words cost 6-7 ms even when their newest matches are all
# among the last few thousand notes (search/backends.py, `_PG_EVERY_WORD`). Filled here with the newest
# 40,000 indexed notes (backends.RECENT_WINDOW); puts keep it so. SQLite's FTS5 walks its doclists newest
# first and needs nothing.
CREATE = """
CREATE TABLE search_note_recent (note_id bigint PRIMARY KEY, document tsvector NOT NULL);
CREATE TABLE search_note_recent_floor (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    note_id bigint NOT NULL
);
INSERT INTO search_note_recent_floor (note_id) SELECT coalesce(
    (SELECT note_id FROM search_note_pg ORDER BY note_id DESC OFFSET 39999 LIMIT 1), 0);
INSERT INTO search_note_recent (note_id, document)
SELECT note_id, document FROM search_note_pg WHERE note_id >= (SELECT note_id FROM search_note_recent_floor);
CREATE INDEX search_note_recent_document ON search_note_recent USING gin (document);
ANALYZE search_note_recent;
"""
DROP = """
DROP TABLE IF EXISTS search_note_recent;
DROP TABLE IF EXISTS search_note_recent_floor;
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_pending_note_index")]

    operations = [migrations.RunPython(create, drop)]
