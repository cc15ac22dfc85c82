"""Reader activity reaches shared pages by a debounced purge of the keys it touches.

A vote or a forecast changes what a few pages show (the story's tallies, the crowd).
Rather than keep those pages for seconds only, or purge them once per vote, a write
asks for its keys to be purged soon (``purge_soon``): each key is purged once,
ACTIVITY_PURGE_SECONDS after the first change since its last purge, with every change
made meanwhile. The due keys wait in a Redis sorted set (score: when they are due),
shared by every process and app node; a key already waiting is not moved, so a stream
of votes purges a story at most once per window. A process remembers until when the keys
it put there wait, so the votes of a busy story cost no Redis round trip but the first
of each window. A background thread in each process
that took a write sends what is due; removing a key from the set is atomic, so exactly
one process sends each purge. The window also outlasts the settler's second and a
replica's bounded lag, so the page fetched after the purge shows the change.

Sending a purge first renews the activity versions of the keys' kept page parts
(core/fragments.py), with or without an HTTP cache in front. Without Redis, a write
purges its keys at once (after its commit): more purges, never a stale page. The purges
are soft (core/httpcache.py: send_purge): the first reader after one gets the page as it
was while the cache fetches the new one, so a story being voted on never makes its
readers wait on a render.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import transaction

from core import fragments, httpcache, shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

DUE = "purges:due"
IDLE_ROUNDS_BEFORE_SLEEP = 30
ROUND_SECONDS = 0.25


def purge_soon(*keys):
    """Purge ``keys`` from the HTTP cache soon after this transaction commits."""
    keys = sorted({key for key in keys if key})
    if keys:
        transaction.on_commit(lambda: _schedule(keys))


# Key -> when its purge is due, as DUE said when this process last asked: until then the
# key waits there. At most one entry per story and question.
_waiting_until = {}


def _schedule(keys):
    now = time.time()
    keys = [key for key in keys if _waiting_until.get(key, 0) <= now]
    if not keys:
        return
    due = now + settings.ACTIVITY_PURGE_SECONDS
    try:
        pipe = shared_redis.client().pipeline(transaction=False)
        pipe.zadd(DUE, dict.fromkeys(keys, due), nx=True)
        pipe.zmscore(DUE, keys)  # another process's earlier time stands where it asked first
        _, dues = pipe.execute()
    except REDIS_ERRORS as error:
        logger.warning("Purging at once, Redis unavailable: %s", error)
        _send(keys)
        return
    _waiting_until.update((key, key_due or 0) for key, key_due in zip(keys, dues, strict=True))
    purger.wake()


def forget_waiting():
    """Forget what this process believes waits in DUE: after Redis was emptied (a test's
    clean slate; a restart costs at most one window of purges otherwise)."""
    _waiting_until.clear()


def send_due(now=None):
    """Purge every key whose time has come; the number of keys this process sent."""
    client = shared_redis.client()
    due = client.zrangebyscore(DUE, "-inf", now or time.time())
    if not due:
        return 0
    pipe = client.pipeline(transaction=False)
    for key in due:
        pipe.zrem(DUE, key)
    mine = [key.decode() for key, removed in zip(due, pipe.execute(), strict=True) if removed]
    if mine:
        _send(mine)
    return len(mine)


def _send(keys):
    """The activity purge itself: the parts of pages kept showing it (core/fragments.py),
    then the pages in the HTTP cache."""
    fragments.renew_activity(keys)
    httpcache.send_purge(keys, soft=True)


def waiting():
    return shared_redis.client().zcard(DUE)


class _Purger:
    """One background thread per process, started by the first write that needs it, which
    sleeps again once nothing has waited for a while."""

    def __init__(self):
        self.lock = threading.Lock()
        self.thread = None

    def wake(self):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="purger", daemon=True)
                self.thread.start()

    def run(self):
        idle = 0
        while idle < IDLE_ROUNDS_BEFORE_SLEEP:
            time.sleep(ROUND_SECONDS)
            try:
                send_due()
                idle = 0 if waiting() else idle + 1
            except REDIS_ERRORS as error:  # the next write purges at once or wakes us again
                logger.warning("Sending due purges failed: %s", error)
                return


purger = _Purger()
