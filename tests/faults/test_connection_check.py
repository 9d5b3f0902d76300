"""What the PostgreSQL connection check decides, without a server: when it asks, when it trusts.

A socket pair stands for the connection's socket, so each case (quiet, the server spoke, the
server hung up) is what it is whatever runs the tests; asking the server is Django's own check,
recorded here instead of sent.
"""

import socket
import time

import pytest
from psycopg import pq

from troubleshooting.postgresql import base

pytestmark = pytest.mark.engine_independent


class Connection:
    """As much of a psycopg connection as the check reads, over one end of a socket pair."""

    def __init__(self, end: socket.socket, status=pq.TransactionStatus.IDLE):
        self.end = end
        self.closed = False
        self.broken = False
        self.info = type("Info", (), {"transaction_status": status})()

    def fileno(self) -> int:
        return self.end.fileno()


@pytest.fixture
def ends():
    ours, servers = socket.socketpair()
    yield ours, servers
    ours.close()
    servers.close()


@pytest.fixture
def asked(monkeypatch):
    """Record each time Django's own check (a round trip) would have been made."""
    made = []

    def django_check(self):
        made.append(True)
        return False

    monkeypatch.setattr(base.base.DatabaseWrapper, "is_usable", django_check)
    return made


def wrapper(end, *, used_ago: float = 0.0, **state) -> base.DatabaseWrapper:
    """A wrapper whose connection was last used ``used_ago`` seconds ago."""
    made = base.DatabaseWrapper({"NAME": "helpcenter", "OPTIONS": {}, "TIME_ZONE": None})
    made.connection = Connection(end, **state)
    made._used_at = time.monotonic() - used_ago
    return made


def test_a_quiet_connection_used_just_now_is_trusted_without_asking(ends, asked):
    assert wrapper(ends[0]).is_usable()
    assert asked == []


def test_a_connection_the_server_wrote_to_is_asked(ends, asked):
    ends[1].sendall(b"E")  # a message the server sent unprompted: the end of the session
    assert not wrapper(ends[0]).is_usable()
    assert asked == [True]


def test_a_connection_the_server_hung_up_on_is_asked(ends, asked):
    ends[1].close()
    assert not wrapper(ends[0]).is_usable()
    assert asked == [True]


def test_a_connection_quiet_for_longer_than_the_trusted_while_is_asked(ends, asked):
    assert not wrapper(ends[0], used_ago=base.TRUSTED_SECONDS + 1).is_usable()
    assert asked == [True]


@pytest.mark.parametrize("status", [pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR])
def test_a_connection_in_a_transaction_is_asked(ends, asked, status):
    assert not wrapper(ends[0], status=status).is_usable()
    assert asked == [True]


def test_a_connection_after_an_error_or_closed_is_asked(ends, asked):
    erring = wrapper(ends[0])
    erring.errors_occurred = True
    closed = wrapper(ends[0])
    closed.connection.closed = True
    assert not erring.is_usable() and not closed.is_usable()
    assert asked == [True, True]
