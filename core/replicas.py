"""Reads from a streaming replica, writes to the primary, and readers who read their writes.

Wired in by newsroom/settings.py only when DATABASE_REPLICA_URL names a replica
(the "replica" alias); without one nothing here runs. A request may read from the
replica only when all of these hold, and otherwise everything uses the primary:

- it is a GET or HEAD outside the admin, from a browser without a session (editors
  see their own changes at once);
- its browser has not written in the last DATABASE_PRIMARY_PIN_SECONDS: every write
  sets a signed, short-lived cookie that pins its reader to the primary, and a
  pinned answer is kept out of shared caches (it may show what others cannot see yet);
- the replica answered the last health probe and replays within
  DATABASE_REPLICA_MAX_LAG_SECONDS of the primary (probed at most once every
  DATABASE_REPLICA_CHECK_SECONDS per process);
- the query is not inside a transaction on the primary.

Code outside a request (management commands, the settler's thread) reads from the
primary. A page whose replica stops answering halfway is rendered again from the
primary, and the replica is left alone until the next probe.
"""

import contextvars
import logging
import math
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from core import httpcache
from core.middleware import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

REPLICA = "replica"
PIN_COOKIE = "primary_pin"
PIN_SALT = "newsroom.primary-pin"
SAFE_METHODS = {"GET", "HEAD"}
# Replay lag in seconds: none while everything received is replayed; otherwise the age of
# the last transaction replayed (an over-estimate after a quiet spell, which errs safe).
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""

DOWN_BACKOFF = 5

_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)


class ReplicaHealth:
    """Whether the replica may serve reads now, asked of it at most once per interval."""

    def __init__(self):
        self._lock = threading.Lock()
        self._checked_at = -math.inf
        self.usable = False
        self.lag = None

    def is_usable(self):
        # A replica that is away is asked less often: each probe may wait for its timeout.
        interval = settings.DATABASE_REPLICA_CHECK_SECONDS * (1 if self.usable else DOWN_BACKOFF)
        if time.monotonic() - self._checked_at < interval:
            return self.usable
        # One thread probes; the others go on with the last answer rather than wait.
        if not self._lock.acquire(blocking=False):
            return self.usable
        try:
            self._record(self._probe())
        finally:
            self._lock.release()
        return self.usable

    def mark_down(self):
        self._record(None)

    def _record(self, lag):
        usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        if usable != self.usable:
            logger.warning(
                "Reads %s the replica (replay lag %s s)", "return to" if usable else "leave", lag
            )
        self.usable, self.lag, self._checked_at = usable, lag, time.monotonic()

    def _probe(self):
        """The replica's replay lag in seconds, or None when it cannot say."""
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(LAG_SQL)
                in_recovery, lag = cursor.fetchone()
        except (DatabaseError, *DATABASE_UNAVAILABLE):
            return None
        if not in_recovery:
            return 0.0  # promoted: it is a primary now, as current as can be
        return None if lag is None else float(lag)


replica_health = ReplicaHealth()


class ReplicaRouter:
    """Django's database router: reads to the replica where a request allows it."""

    def db_for_read(self, model, **hints):
        if (
            _replica_allowed.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_health.is_usable()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


def is_pinned(request):
    """True while the browser's signed pin cookie (set by its last write) is fresh."""
    value = request.get_signed_cookie(
        PIN_COOKIE, default=None, salt=PIN_SALT, max_age=settings.DATABASE_PRIMARY_PIN_SECONDS
    )
    return value is not None


def may_read_replica(request):
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith("/" + settings.ADMIN_URL)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not is_pinned(request)
    )


class PrimaryPinMiddleware:
    """Chooses, per request, whether reads may go to the replica; pins writers to the primary.

    Sits right after DatabaseUnavailableMiddleware: a replica that fails during a page
    (process_exception) is retried on the primary before that middleware sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_allowed.set(may_read_replica(request))
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=int(math.ceil(settings.DATABASE_PRIMARY_PIN_SECONDS)),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif request.method in SAFE_METHODS and is_pinned(request):
            response.headers.pop("Cache-Control", None)
            httpcache.mark_private(response)
        return response

    def process_exception(self, request, exception):
        if not (_replica_allowed.get() and isinstance(exception, DATABASE_UNAVAILABLE)):
            return None
        logger.warning("Replica failed for %s (%s); read from the primary", request.path, exception)
        replica_health.mark_down()
        _replica_allowed.set(False)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response
