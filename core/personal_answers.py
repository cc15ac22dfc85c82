"""One reader's answers kept in Redis until what they show changes.

The per-reader endpoint (predictions/views.py ``my_panels``) is asked on every page view
of a reader who has ever voted or forecast. What it answers depends on two things:

- what a shared page of the story shows (its tallies, the crowd, the question's state):
  kept under the activity versions of the story's surrogate keys (core/fragments.py),
  renewed by every editor's change and by every debounced purge of reader activity;
- the reader's own reads and forecasts: kept under a version of the reader's own,
  renewed once a write of theirs commits (``renew_reader``).

One Redis call finds those versions (minting any Redis has lost, as fragments do) and
the answer kept under them. A miss is answered from the database and, when the primary
answered, kept ANSWER_SECONDS at most, never past a moment the answer changes by the
clock (a question that opens or closes, a story taken down), so a renewal that failed to
reach Redis can leave an answer stale for no longer than that. Without Redis every
answer is drawn afresh.
"""

import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from core import fragments, shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

ANSWER_SECONDS = 10 * 60
OWN = "fragown:"
ANSWER_PREFIX = "mine:"

# KEYS: the version names (the story's keys' activity versions, then the reader's own);
# ARGV[3] names the answer among the reader's. The answer's name is a digest of all three,
# so a renewed version names another answer and the old one is never found again.
_LOOKUP = (
    fragments.VERSION_OF
    + """
local parts = {ARGV[3]}
for i, name in ipairs(KEYS) do
    parts[#parts + 1] = version_of(name, i)
end
local answer = ARGV[4] .. redis.sha1hex(table.concat(parts, '\\n'))
return {answer, redis.call('GET', answer)}
"""
)


@dataclass(frozen=True)
class Kept:
    """Where an answer is kept (``name``), and the answer kept there, or None."""

    name: str
    body: bytes | None


@lru_cache(maxsize=4)
def _lookup(client):
    """The script bound to ``client``: EVALSHA, loading it on the first NOSCRIPT."""
    return client.register_script(_LOOKUP)


def find(what, *, keys, reader_id):
    """The answer ``what`` (the request's path, say) kept for ``reader_id``, whose content
    the surrogate ``keys`` name; None when Redis is away."""
    names = [fragments.ACTIVITY + key for key in keys] + [OWN + reader_id]
    try:
        name, body = _lookup(shared_redis.client())(
            keys=names,
            args=[
                secrets.token_hex(8),
                fragments.VERSION_SECONDS,
                f"{reader_id}\n{what}",
                ANSWER_PREFIX,
            ],
        )
    except REDIS_ERRORS as error:
        logger.warning("Kept answers unavailable: %s", error)
        return None
    return Kept(name.decode(), body)


def keep(kept, body, *, read_from, until=None):
    """Keep ``body`` where ``kept`` names, until ``until`` at the latest, if it was read
    from the primary database (alias ``read_from``): a replica may not have replayed the
    write that renewed a version yet, and what it answered would be kept under the new
    one."""
    if read_from != DEFAULT_DB_ALIAS:
        return
    seconds = ANSWER_SECONDS
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    if seconds < 1:
        return
    try:
        shared_redis.client().set(kept.name, body, ex=seconds)
    except REDIS_ERRORS as error:
        logger.warning("Kept answer not stored: %s", error)


def renew_reader(reader_id):
    """Every answer kept for ``reader_id`` is out of date once this transaction commits
    (at once outside one)."""
    transaction.on_commit(lambda: _renew(OWN + reader_id))


def _renew(name):
    try:
        shared_redis.client().set(name, secrets.token_hex(8), ex=fragments.VERSION_SECONDS)
    except REDIS_ERRORS as error:
        logger.error("Kept answers of %s not renewed: %s", name, error)
