"""Django's PostgreSQL backend, checking a kept connection between requests without a query.

With ``CONN_HEALTH_CHECKS`` on, Django checks a connection kept from an earlier request before
its first query in the next one, so a worker whose connection the server ended (a restart, a
failover, an idle session ended by an administrator) reconnects instead of failing a request.
Django's check is ``SELECT 1``: a round trip on every request that reads, which on two cores
shared with the database cost both sides about as much CPU as the fragment's one real query.

Here an idle connection is usable when the server has said nothing since the last answer. The
server never speaks unprompted to an idle session except to end it (its last message, then the
socket closes) or to pass on a notice; either makes the socket readable, and then Django's own
check asks the server. A connection after an error, or in any other state than idle, is always
asked, as before. A server that vanished without a word (a cable cut) answers neither check in
time; that is the connect and TCP timeouts' business, as it was.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL connection, whose check of an idle, quiet connection sends nothing."""

    def is_usable(self):
        """Say whether the connection works: asked of the server only when it may not."""
        if self.errors_occurred or not self._idle_and_quiet():
            return super().is_usable()
        return True

    def _idle_and_quiet(self) -> bool:
        """Say whether the connection is open, in no transaction, with nothing from the server."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (AttributeError, OSError, ValueError):  # no poll() here, or no socket: ask
            return False
