"""How a read's SQL becomes PostgreSQL's PREPARE and EXECUTE, and when it is sent whole instead.

The text alone, worked out without a database: every engine's run checks it, while the tests in
``test_prepared_on_server.py`` run the statements on PostgreSQL itself.
"""

import pytest
from django.db import connection

from troubleshooting import prepared
from troubleshooting.prepared import logged_sql

pytestmark = pytest.mark.engine_independent

# A read as the ORM writes it: %s for each value, %% for a literal percent sign.
SQL = (
    'SELECT "title" FROM "symptom" WHERE "topic_id" = %s AND "slug" = %s AND "featured" = %s'
    ' AND "pieces" #>> %s IS NOT NULL AND "title" LIKE \'100%%\''
)
VALUES = [7, "not-delivered", True, ["en-gb", "article"]]


@pytest.fixture
def as_postgresql(monkeypatch, settings):
    """The default connection as a lasting PostgreSQL session's, with preparing on."""
    settings.DB_PREPARED_STATEMENTS = True
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {})


def test_a_read_is_prepared_with_each_value_declared_and_logged_as_its_own_sql(as_postgresql):
    statement = prepared._on_server(SQL, VALUES)
    name = statement.name
    assert name.startswith("read_")
    assert statement.prepare.startswith(f"PREPARE {name}(")
    assert statement.prepare.removeprefix(f"PREPARE {name}") == (
        '(bigint, unknown, boolean, text[]) AS SELECT "title" FROM "symptom"'
        ' WHERE "topic_id" = $1 AND "slug" = $2 AND "featured" = $3 AND "pieces" #>> $4'
        " IS NOT NULL AND \"title\" LIKE '100%'"
    )
    assert statement.execute == f"EXECUTE {name}(%s, %s, %s, %s)"
    # A query log shows the read's own SQL, not the EXECUTE that ran it.
    assert logged_sql(statement.execute) == SQL
    assert logged_sql("SELECT 1") == "SELECT 1"
    # The same read has the same name in every process; another read, another name.
    assert prepared._on_server(SQL, VALUES).name == name
    assert prepared._on_server(SQL.replace("title", "slug"), VALUES).name != name


def test_a_read_without_values_is_prepared_without_declarations(as_postgresql):
    statement = prepared._on_server('SELECT "token" FROM "contentversion"', [])
    assert statement.prepare.endswith(' AS SELECT "token" FROM "contentversion"')
    assert statement.prepare.startswith(f"PREPARE {statement.name} AS")
    assert statement.execute == f"EXECUTE {statement.name}"


@pytest.mark.parametrize(
    "value",
    [1.5, None, [], [1, 2], b"bytes"],
    ids=["a float", "a null", "an empty list", "a list of numbers", "bytes"],
)
def test_a_value_postgresql_would_type_from_the_driver_sends_the_read_whole(as_postgresql, value):
    assert prepared._on_server(SQL, [*VALUES[:3], value]) is None


def test_a_read_is_sent_whole_where_it_would_be_prepared_to_run_once(
    as_postgresql, monkeypatch, settings
):
    assert prepared._on_server(SQL, VALUES) is not None
    # A connection per request, without a pool: the statement would be planned to run once.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    assert prepared._on_server(SQL, VALUES) is None
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"pool": True})
    assert prepared._on_server(SQL, VALUES) is not None
    # Switched off for a pooler that shares sessions.
    settings.DB_PREPARED_STATEMENTS = False
    assert prepared._on_server(SQL, VALUES) is None
