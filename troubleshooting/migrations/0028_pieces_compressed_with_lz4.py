"""On PostgreSQL, keep the pre-rendered pieces compressed with lz4 rather than pglz.

A step's pieces (every block of it in English, ~2.5 KB of JSON) are compressed in their row, and
every read of a value in them decompresses the whole: an article reads two values of each step,
a step page the shown step's pieces. pglz's decompression was about 40 % of the server's CPU for
an article's read; lz4 decompresses the same values several times faster. Values already stored
are written again so that they take it (``|| '{}'`` makes a new value: a copied one keeps its
compression). A server built without lz4 keeps pglz, and nothing else changes. SQLite: nothing.
"""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    ALTER TABLE troubleshooting_fixstep ALTER COLUMN pieces SET COMPRESSION lz4;
    ALTER TABLE troubleshooting_cause ALTER COLUMN pieces SET COMPRESSION lz4;
    ALTER TABLE troubleshooting_fixsteptranslation ALTER COLUMN pieces SET COMPRESSION lz4;
    ALTER TABLE troubleshooting_causetranslation ALTER COLUMN pieces SET COMPRESSION lz4;
    UPDATE troubleshooting_fixstep SET pieces = pieces || '{}'::jsonb
        WHERE pg_column_compression(pieces) = 'pglz';
    UPDATE troubleshooting_cause SET pieces = pieces || '{}'::jsonb
        WHERE pg_column_compression(pieces) = 'pglz';
    UPDATE troubleshooting_fixsteptranslation SET pieces = pieces || '{}'::jsonb
        WHERE pg_column_compression(pieces) = 'pglz';
    UPDATE troubleshooting_causetranslation SET pieces = pieces || '{}'::jsonb
        WHERE pg_column_compression(pieces) = 'pglz';
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'No lz4 in this server: pieces stay compressed with pglz.';
END
$$
"""
BACKWARD = """
ALTER TABLE troubleshooting_fixstep ALTER COLUMN pieces SET COMPRESSION DEFAULT;
ALTER TABLE troubleshooting_cause ALTER COLUMN pieces SET COMPRESSION DEFAULT;
ALTER TABLE troubleshooting_fixsteptranslation ALTER COLUMN pieces SET COMPRESSION DEFAULT;
ALTER TABLE troubleshooting_causetranslation ALTER COLUMN pieces SET COMPRESSION DEFAULT;
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("troubleshooting", "0027_symptom_listing_index_covers_the_listed_columns"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
