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
are soft (core/cache_purges.py: send_purge): the first reader after one gets the page as
it was while the cache fetches the new one, so a story being voted on never makes its
readers wait on a render.

An editor's change is purged at once (core/httpcache.py ``purge``) and, through the same
thread, once more ``again_seconds()`` later (``purge_again``): a page drawn from what the
database held before the change (a render already under way when it committed, or a
replica that had not replayed it yet, which is used only while it lags less than
DATABASE_REPLICA_MAX_LAG_SECONDS) may reach a cache or a kept part just after the first
purge; the second one leaves no such copy behind.
"""

import logging
import threading
import time
from functools import lru_cache

from django.conf import settings
from django.db import transaction

from core import cache_purges, fragments, shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

DUE = "purges:due"
AGAIN = "purges:again"
# Longer than any render, past the lag a replica may have while pages read from it.
RENDER_SECONDS = 2
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


def again_seconds():
    """How long after an editor's change it is purged again."""
    if "replica" not in settings.DATABASES:
        return RENDER_SECONDS
    lag = settings.DATABASE_REPLICA_MAX_LAG_SECONDS + settings.DATABASE_REPLICA_CHECK_SECONDS
    return lag + RENDER_SECONDS


def purge_again(keys):
    """Purge ``keys`` once more, as an editor's change does, ``again_seconds()`` from now:
    call it once the change has committed. A key waiting already waits for the later of
    the two times."""
    due = time.time() + again_seconds()
    try:
        shared_redis.client().zadd(AGAIN, dict.fromkeys(keys, due), gt=True)
    except REDIS_ERRORS as error:
        logger.warning("Not purging %s again, Redis unavailable: %s", " ".join(keys), error)
        return
    purger.wake()


# The keys of a sorted set (KEYS[1]) due by ARGV[1], taken out of it in one step: exactly
# one process sends each.
_TAKE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if #due > 0 then
    redis.call('ZREM', KEYS[1], unpack(due))
end
return due
"""


@lru_cache(maxsize=4)
def _take_due(client):
    """The script bound to ``client``: EVALSHA, loading it on the first NOSCRIPT."""
    return client.register_script(_TAKE_DUE)


def send_due(now=None):
    """Purge every key whose time has come; the number of keys this process sent."""
    take = _take_due(shared_redis.client())
    now = now or time.time()
    sent = 0
    for name, send in ((DUE, _send), (AGAIN, _send_again)):
        due = [key.decode() for key in take(keys=[name], args=[now])]
        if due:
            send(due)
        sent += len(due)
    return sent


def _send(keys):
    """The activity purge itself: the parts of pages kept showing it (core/fragments.py),
    then the pages in the HTTP cache."""
    fragments.renew_activity(keys)
    cache_purges.send_purge(keys, soft=True)


def _send_again(keys):
    fragments.renew(keys)
    cache_purges.send_purge(keys)


def waiting():
    pipe = shared_redis.client().pipeline(transaction=False)
    pipe.zcard(DUE)
    pipe.zcard(AGAIN)
    return sum(pipe.execute())


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
