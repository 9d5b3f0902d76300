"""Full-text indexes over SearchDocument: FTS5 on SQLite; on PostgreSQL a stored, weighted
tsvector column with a GIN index, and pg_trgm indexes on titles and aliases."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE troubleshooting_search_fts USING fts5(
        title, aliases, body,
        content='troubleshooting_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3 4'
    )""",
    """CREATE TRIGGER troubleshooting_search_ai AFTER INSERT ON troubleshooting_searchdocument BEGIN
        INSERT INTO troubleshooting_search_fts(rowid, title, aliases, body)
        VALUES (new.id, new.title, new.aliases, new.body);
    END""",
    """CREATE TRIGGER troubleshooting_search_ad AFTER DELETE ON troubleshooting_searchdocument BEGIN
        INSERT INTO troubleshooting_search_fts(troubleshooting_search_fts, rowid, title, aliases, body)
        VALUES ('delete', old.id, old.title, old.aliases, old.body);
    END""",
    """CREATE TRIGGER troubleshooting_search_au AFTER UPDATE ON troubleshooting_searchdocument BEGIN
        INSERT INTO troubleshooting_search_fts(troubleshooting_search_fts, rowid, title, aliases, body)
        VALUES ('delete', old.id, old.title, old.aliases, old.body);
        INSERT INTO troubleshooting_search_fts(rowid, title, aliases, body)
        VALUES (new.id, new.title, new.aliases, new.body);
    END""",
    "CREATE VIRTUAL TABLE troubleshooting_search_vocab USING fts5vocab(troubleshooting_search_fts, 'row')",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS troubleshooting_search_vocab",
    "DROP TRIGGER IF EXISTS troubleshooting_search_au",
    "DROP TRIGGER IF EXISTS troubleshooting_search_ad",
    "DROP TRIGGER IF EXISTS troubleshooting_search_ai",
    "DROP TABLE IF EXISTS troubleshooting_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Computed once per write, not per search: ranking thousands of matches stays cheap.
    """ALTER TABLE troubleshooting_searchdocument ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A') ||
            setweight(to_tsvector('english'::regconfig, COALESCE(aliases, '')), 'B') ||
            setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')
        ) STORED""",
    "CREATE INDEX troubleshooting_search_vector ON troubleshooting_searchdocument "
    "USING gin (search_vector)",
    "CREATE INDEX troubleshooting_search_title_trgm ON troubleshooting_searchdocument "
    "USING gin (title gin_trgm_ops)",
    "CREATE INDEX troubleshooting_search_aliases_trgm ON troubleshooting_searchdocument "
    "USING gin (aliases gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS troubleshooting_search_aliases_trgm",
    "DROP INDEX IF EXISTS troubleshooting_search_title_trgm",
    "DROP INDEX IF EXISTS troubleshooting_search_vector",
    "ALTER TABLE troubleshooting_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("troubleshooting", "0002_search")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
