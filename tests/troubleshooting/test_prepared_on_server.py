"""Prepared reads on PostgreSQL: planned once in a session, then run with each call's values."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import make_symptom, make_topic
from troubleshooting.models import Symptom
from troubleshooting.prepared import Prepared, logged_sql

pytestmark = pytest.mark.django_db


def titles_in(*, preview, topic, first):
    """The visible symptoms of a topic from a position on: a read with two values."""
    symptoms = Symptom.objects.visible(preview=preview).filter(topic=topic, position__gte=first)
    return symptoms.order_by("position").values_list("title", "position")


def server_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def prepared_read() -> tuple[Prepared, object]:
    """Return a read of one symptom's topic, run twice (written, then prepared), and the topic."""
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    read = Prepared(titles_in)
    read.rows(topic=topic.pk, first=0)
    read.rows(topic=topic.pk, first=0)
    return read, topic


@pytest.fixture(autouse=True)
def preparing(monkeypatch):
    """Prepared statements on for the test, and the session's and the process's record of
    them in step again after it, whatever it switched off, dropped or made the session lose."""
    from troubleshooting import prepared

    monkeypatch.setattr(prepared, "_switched_off", False)
    yield prepared
    raw = connection.connection
    if connection.vendor == "postgresql" and raw is not None and not raw.closed:
        with transaction.atomic():
            raw.execute("DEALLOCATE ALL")
        prepared._sessions.pop(raw, None)


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)


@on_postgresql
def test_a_read_is_prepared_once_in_a_session_then_executed_with_each_calls_values():
    topic = make_topic()
    for position in range(3):
        make_symptom(topic=topic, title=f"Symptom {position}", position=position)
    read = Prepared(titles_in)
    assert read.rows(topic=topic.pk, first=1) == [("Symptom 1", 1), ("Symptom 2", 2)]
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(topic=topic.pk, first=2) == [("Symptom 2", 2)]
        assert read.rows(topic=topic.pk, first=0) == [
            ("Symptom 0", 0),
            *read.rows(topic=topic.pk, first=1),
        ]
    sqls = [query["sql"] for query in queries]
    # Prepared in this session (by this test, or an earlier one reading the same SQL).
    name = sqls[0].removeprefix("EXECUTE ").partition("(")[0]
    assert name.startswith("read_") and name in server_statements()
    assert sqls == [f"EXECUTE {name}('published', {first}, {topic.pk})" for first in (2, 0, 1)]
    assert len(sqls) == 3  # preparing is the session's set-up, not a query of the page
    # A query log's EXECUTE names the SQL the ORM wrote.
    assert '"troubleshooting_symptom"' in logged_sql(sqls[0])
    assert logged_sql("SELECT 1") == "SELECT 1"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_the_read_again():
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    read = Prepared(titles_in)
    assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    connection.close()  # a connection grown old, or broken: the next one is a new session
    assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert any(name.startswith("read_") for name in server_statements())


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_lost_is_read_as_written_and_preparing_stops(preparing, caplog):
    read, topic = prepared_read()
    # As a pooler handing the client another session would, or a reset discarding it.
    connection.connection.execute("DEALLOCATE ALL")
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert [query["sql"].split()[0] for query in queries] == ["EXECUTE", "SELECT", "SELECT"]
    assert "DJANGO_DB_PREPARED_STATEMENTS=0" in caplog.text


@on_postgresql
def test_a_statement_of_the_same_name_in_the_session_stops_preparing(preparing, caplog):
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    read = Prepared(titles_in)
    read.rows(topic=topic.pk, first=0)
    read.rows(topic=topic.pk, first=0)  # prepared in this session
    preparing._sessions.pop(connection.connection)  # as another client sharing the session
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]
    assert "DJANGO_DB_PREPARED_STATEMENTS=0" in caplog.text


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_plan_a_migration_outdated_is_read_as_written_then_prepared_again(preparing):
    read, topic = prepared_read()
    length = Symptom._meta.get_field("title").max_length
    alter = 'ALTER TABLE "troubleshooting_symptom" ALTER COLUMN "title" TYPE varchar(%d)'
    with connection.cursor() as cursor:
        cursor.execute(alter % (length + 1))  # a longer title, as a new release's migration
    try:
        with CaptureQueriesContext(connection) as queries:
            assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
            assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    finally:
        with connection.cursor() as cursor:
            cursor.execute(alter % length)
    assert [query["sql"].split()[0] for query in queries] == ["EXECUTE", "SELECT", "EXECUTE"]
    assert not preparing._switched_off


@on_postgresql
def test_with_a_connection_per_request_nothing_is_prepared(monkeypatch):
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    read = Prepared(titles_in)
    read.rows(topic=topic.pk, first=0)
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert queries[0]["sql"].startswith("SELECT ")


@on_postgresql
def test_inside_a_transaction_a_lost_statement_is_an_error_as_any_other():
    from django.db import DatabaseError

    read, topic = prepared_read()
    connection.connection.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError), transaction.atomic():
        read.rows(topic=topic.pk, first=0)


@on_postgresql
def test_a_read_postgresql_will_not_prepare_runs_as_written_and_spoils_no_transaction(
    monkeypatch,
):
    from troubleshooting import prepared

    topic = make_topic()
    make_symptom(topic=topic, title="First", position=0)
    monkeypatch.setattr(prepared, "_declared", lambda param: "no_such_type")
    read = Prepared(titles_in)
    with transaction.atomic():
        assert read.rows(topic=topic.pk, first=0) == [("First", 0)]
        with CaptureQueriesContext(connection) as queries:
            assert read.rows(topic=topic.pk, first=0) == [("First", 0)]
            assert read.rows(topic=topic.pk, first=0) == [("First", 0)]
        make_symptom(topic=topic, title="Second", position=1)  # the transaction goes on
    assert [query["sql"][:7] for query in queries] == ["SELECT ", "SELECT "]
    assert Symptom.objects.count() == 2


@on_postgresql
def test_with_prepared_statements_off_each_read_is_sent_whole(settings):
    topic = make_topic()
    make_symptom(topic=topic, title="Only", position=0)
    settings.DB_PREPARED_STATEMENTS = False
    read = Prepared(titles_in)
    read.rows(topic=topic.pk, first=0)
    with CaptureQueriesContext(connection) as queries:
        assert read.rows(topic=topic.pk, first=0) == [("Only", 0)]
    assert queries[0]["sql"].startswith("SELECT ")
