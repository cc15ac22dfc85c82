"""At most N at a time per key, across processes and app nodes: leases in the shared Redis.

For slow work one person can start over and over (an editor's Markdown preview holds
a worker thread while it renders): each key has ``limit`` slots, each a Redis key
taken with SET NX EX. A slot frees itself after ``seconds`` even if the process that
took it dies, and is given back when the work ends by a compare-and-delete, so that
work that outlived its lease never frees a slot that someone else has taken since.

If Redis does not answer, the work goes ahead and a warning is logged: the limit
protects capacity, and editors must not lose their preview while Redis is away.
"""

import logging
import secrets
from contextlib import contextmanager

from core import shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

# KEYS[1]: a slot; ARGV[1]: the token of whoever took it. Deletes it only if still theirs.
GIVE_BACK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


def slot_names(key, limit):
    return [f"lease:{key}:{number}" for number in range(limit)]


@contextmanager
def hold(key, *, limit, seconds):
    """Hold one of ``limit`` slots of ``key`` for at most ``seconds``.

    Yields True when a slot is held (or Redis is away), False when all are taken.
    """
    token = secrets.token_hex(8)
    held = None
    try:
        client = shared_redis.client()
        held = next(
            (
                name
                for name in slot_names(key, limit)
                if client.set(name, token, nx=True, ex=seconds)
            ),
            None,
        )
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable (%s): %s goes ahead without its limit", error, key)
        free = True
    else:
        free = held is not None
    try:
        yield free
    finally:
        if held is not None:
            try:
                client.eval(GIVE_BACK, 1, held, token)
            except REDIS_ERRORS as error:
                # The lease runs out by itself within ``seconds``.
                logger.warning("Redis unavailable (%s): %s is freed when it expires", error, held)
