from django.db import migrations

# PostgreSQL: the title + topics/place tokens as their own tsvector under its own GIN index, so the "matches
# in the title or topics" candidate tier is a plain `headline @@ q` the planner can estimate. (A weight-
# restricted `document @@ 'x':AB` cannot be estimated: the planner took a backward primary-key scan reading
# ~50,000 rows for a mid-frequency word at 1M notes.) The tokens are lexemes already: array_to_tsvector keeps
# them as they are. SQLite filters FTS5 columns natively (`{title topics} : …`) and needs nothing.
CREATE = """
ALTER TABLE search_note_pg ADD COLUMN headline tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE search_note_pg
   SET headline = array_to_tsvector(array_remove(string_to_array(title || ' ' || topics, ' '), ''));
CREATE INDEX search_note_pg_headline ON search_note_pg USING gin (headline);
"""
DROP = """
DROP INDEX IF EXISTS search_note_pg_headline;
ALTER TABLE search_note_pg DROP COLUMN IF EXISTS headline;
"""


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_term_pattern_index")]

    operations = [migrations.RunPython(create, drop)]
