"""Django's PostgreSQL backend, whose pool checks a connection without a round trip.

Django's pool (``OPTIONS["pool"]``) either checks nothing before lending a
connection or, with health checks on, sends an empty query and waits for its
answer (psycopg_pool's ``ConnectionPool.check_connection``): one round trip on
every checkout, which on a busy two-core machine costs a reader's vote as much
as its own statement. ``check_before_lending`` waits for nothing while the
connection is healthy. An idle connection has nothing to read, since every answer
it was owed was read with its query; when PostgreSQL stops or restarts, or an
administrator ends the session, the server sends a closing message and ends the
connection. So the socket has something to read only when something has happened,
and only then does the check ask the server, which raises for a broken connection.

The check runs in ``LendingPool.getconn`` rather than as the pool's ``check``:
psycopg_pool waits a second after every failed check, then two, so a pool holding
several idle connections when PostgreSQL restarted would keep a request waiting
through its whole timeout and answer it with an error. Here a broken connection is
handed back at once (the pool drops it and makes another) and the next is tried.
"""

import select
from time import monotonic

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


def has_unread_input(conn):
    """Whether the connection's socket has anything to read right now (no waiting)."""
    poller = select.poll()
    poller.register(conn.pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


def check_before_lending(conn):
    """Return quietly for a connection fit to lend; raise for one that is not."""
    if conn.closed or has_unread_input(conn):
        ConnectionPool.check_connection(conn)


class LendingPool(ConnectionPool):
    """psycopg's pool, lending only connections that pass ``check_before_lending``."""

    def getconn(self, timeout=None):
        deadline = monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            conn = super().getconn(max(deadline - monotonic(), 0.0))
            try:
                check_before_lending(conn)
            except psycopg.Error:
                conn.close()
                self.putconn(conn)  # the pool drops a closed connection and opens another
            else:
                return conn


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        """Django's pool as Django makes it, but a ``LendingPool``."""
        options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == base.NO_DB_ALIAS or not options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            # Autocommit while pooled: Django sets what it needs on checkout.
            kwargs = self.get_connection_params() | {"autocommit": True}
            pool = LendingPool(
                kwargs=kwargs,
                open=False,
                configure=self._configure_connection,
                **({} if options is True else options),
            )
            # Threads that race here each make a pool; the first one stored is kept.
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
