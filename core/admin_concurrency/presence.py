"""Who has an object's change form open: a short-lived mark per object per editor in the
shared Redis, so that every app node sees every editor.

An open form marks its editor when it is drawn and again every REFRESH_SECONDS (a small
script on the page, js/admin_presence.js); a mark not refreshed for MARK_SECONDS has
expired, so a closed tab, a lost connection or a crashed browser leaves no one "present"
for long; a form saved and left takes its mark away at once.

Per object, two keys: a sorted set of editors by when they were last seen, and a hash of
when each arrived ("since"). One Lua script drops the expired marks, sets the caller's
and reads the rest, in one round trip. Both keys expire with the last mark.

Presence is a courtesy, not a lock: saves are still checked against the version each
form was loaded from (this package's docstring). If Redis does not answer, nobody is
shown as present and a warning is logged; editing goes on.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from core import shared_redis
from core.shared_redis import REDIS_ERRORS

logger = logging.getLogger(__name__)

MARK_SECONDS = 60
REFRESH_SECONDS = 20

# KEYS[1]: editors by last seen (a sorted set), KEYS[2]: when each arrived (a hash).
# ARGV[1]: the editor to mark, ARGV[2]: now, ARGV[3]: MARK_SECONDS.
# Returns the hash's pairs: editor, arrived, editor, arrived, …
MARK = """
local cutoff = tonumber(ARGV[2]) - tonumber(ARGV[3])
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)) do
  redis.call('HDEL', KEYS[2], gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return redis.call('HGETALL', KEYS[2])
"""


@dataclass(frozen=True)
class Mark:
    user_id: int
    since: datetime


def _keys(subject):
    return f"presence:{subject}:seen", f"presence:{subject}:since"


def subject_of(obj):
    """The name of ``obj`` in presence keys: its model and primary key."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def mark(subject, user_id):
    """Mark ``user_id`` present on ``subject`` now; everyone present, earliest first."""
    now = timezone.now().timestamp()
    try:
        client = shared_redis.client()
        pairs = client.eval(MARK, 2, *_keys(subject), str(user_id), now, MARK_SECONDS)
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable (%s): nobody is shown as present on %s", error, subject)
        return []
    marks = [
        Mark(int(user), datetime.fromtimestamp(float(since), tz=UTC))
        for user, since in zip(pairs[::2], pairs[1::2], strict=True)
    ]
    return sorted(marks, key=lambda found: found.since)


def leave(subject, user_id):
    """Take ``user_id``'s mark off ``subject``: they have saved and left the form."""
    seen, since = _keys(subject)
    try:
        shared_redis.client().pipeline().zrem(seen, user_id).hdel(since, user_id).execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable (%s): a mark on %s expires by itself", error, subject)
