from django.db import migrations

# Members, topics and suggestions match `term LIKE 'prefix%'`. PostgreSQL uses a btree index for that only
# with the pattern operator class (in a non-C collation); SQLite's LIKE is served by the plain index.
CREATE = "CREATE INDEX search_term_prefix_pattern ON search_searchterm (kind, term varchar_pattern_ops)"
DROP = "DROP INDEX IF EXISTS search_term_prefix_pattern"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
