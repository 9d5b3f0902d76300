"""Django's PostgreSQL backend (psycopg 3), checking a busy connection without a query.

With ``CONN_HEALTH_CHECKS`` on, Django checks a connection kept from an earlier request before
its first query in the next one, so a worker whose connection the server ended (a restart, a
failover, an idle session ended by an administrator) reconnects instead of failing a request.
Django's check is ``SELECT 1``: a round trip on every request that reads, which on two cores
shared with the database cost both sides about as much CPU as the fragment's one real query.

Here a connection used within the last ``TRUSTED_SECONDS``, idle and in no transaction, is
usable when the server has sent nothing since its last answer. The server never writes to an
idle session unprompted except to end it (its last message, then the socket closes) or to pass
on a notice; either makes the socket readable, and then Django's own check asks the server.

What only Django's check finds: a path that fails silently, such as a failover that moved the
server's address to another machine, which answers the next packet with a reset. A connection
quiet for longer than ``TRUSTED_SECONDS`` (where such a change is likelier to have happened
unseen), one that met an error, or one in any state but idle is therefore still asked, as
before. A busy worker can meet that reset on a request's own first query within the second
after a failover: that request gets the 503 page with its retry hint, once per worker, as it
would with Django's checks off (their default).
"""

import select
import time

from django.db.backends.postgresql import base
from psycopg import pq

# How long after its last use a quiet connection is trusted without asking the server.
TRUSTED_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL connection, whose check of a busy, quiet connection sends nothing."""

    _used_at = float("-inf")

    def create_cursor(self, name=None):
        """Make a cursor, noting when the connection was last used."""
        self._used_at = time.monotonic()
        return super().create_cursor(name)

    def is_usable(self):
        """Say whether the connection works: asked of the server only when it may not."""
        if self.errors_occurred or not self._busy_and_quiet():
            return super().is_usable()
        return True

    def _busy_and_quiet(self) -> bool:
        """Say whether the connection was used just now, is idle, and the server said nothing."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if time.monotonic() - self._used_at > TRUSTED_SECONDS:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (AttributeError, OSError, ValueError):  # no poll() here, or no socket: ask
            return False
