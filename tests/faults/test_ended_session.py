"""A kept PostgreSQL connection the server ended: the next request reconnects, no query wasted.

Each test uses a connection of its own beside the test's (``connections.create_connection``),
so ending its session on the server leaves the test's transaction alone.
"""

import select

import pytest
from django.db import connection, connections

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sessions"),
    pytest.mark.skipif(not hasattr(select, "poll"), reason="waits with poll()"),
]


@pytest.fixture
def kept():
    """A second connection to the test database, kept open as a worker keeps its own."""
    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


def last_statement_of(backend_pid: int) -> str:
    """Return the last statement the server saw from a session, as PostgreSQL reports it."""
    with connection.cursor() as cursor:
        # Fresh figures, not the ones this transaction first read.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [backend_pid])
        return cursor.fetchone()[0]


def end_session(other) -> None:
    """End a connection's session from the server's side, as a restart does; wait for the word."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [other.connection.info.backend_pid])
    poller = select.poll()
    poller.register(other.connection.fileno(), select.POLLIN)
    assert poller.poll(5000), "the server did not end the session within 5 s"


def test_the_check_before_a_requests_first_query_sends_nothing_to_a_quiet_connection(kept):
    marker = "SELECT 'the last query before the check'"
    with kept.cursor() as cursor:
        cursor.execute(marker)
    pid = kept.connection.info.backend_pid
    kept.health_check_done = False  # as at the start of the next request

    kept.close_if_health_check_failed()  # what a request's first query does first

    # The server saw nothing since the last query (Django's own check is a SELECT 1), and the
    # connection was kept.
    assert kept.health_check_done
    assert last_statement_of(pid) == marker
    assert kept.connection is not None and kept.connection.info.backend_pid == pid


def test_a_connection_whose_session_the_server_ended_is_replaced_before_the_next_query(kept):
    ended = kept.connection.info.backend_pid
    end_session(kept)
    kept.health_check_done = False  # the next request

    assert not kept.is_usable()
    with kept.cursor() as cursor:  # no error: the check closed it, and a new one was opened
        cursor.execute("SELECT pg_backend_pid()")
        (now,) = cursor.fetchone()
    assert now != ended


def test_a_connection_quiet_for_longer_than_the_trusted_while_is_still_asked(kept):
    """A failover that moved the server's address shows only to a packet sent: one is sent."""
    from troubleshooting.postgresql.base import TRUSTED_SECONDS

    with kept.cursor() as cursor:
        cursor.execute("SELECT 'long ago'")
    pid = kept.connection.info.backend_pid
    kept._used_at -= TRUSTED_SECONDS + 1  # as if the last request were that long ago

    assert kept.is_usable()
    assert last_statement_of(pid) == "SELECT 1"  # Django's own check, a round trip


def test_a_connection_that_met_an_error_is_still_asked(kept):
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'before the error'")
    pid = kept.connection.info.backend_pid
    kept.errors_occurred = True  # what Django notes of an error other than a data error

    assert kept.is_usable()
    assert last_statement_of(pid) == "SELECT 1"  # Django's own check, a round trip


@pytest.mark.django_db(transaction=True)
def test_a_page_asked_for_after_the_server_ended_the_workers_session_loads(client, kept):
    """What a person sees right after a database restart: the page, not a 503."""
    connection.ensure_connection()
    ended = connection.connection.info.backend_pid
    with kept.cursor() as cursor:  # the restart, from the server's side
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    assert poller.poll(5000), "the server did not end the session within 5 s"

    # What a server's request_started does (close_old_connections); the test client skips it.
    connection.close_if_unusable_or_obsolete()
    response = client.get("/")

    assert response.status_code == 200
    assert connection.connection.info.backend_pid != ended
