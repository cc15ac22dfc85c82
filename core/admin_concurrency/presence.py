"""Who has an object's change form open: a short-lived mark per object per editor in the
shared Redis, so that every app node sees every editor.

An open form marks its editor when it is drawn and again every REFRESH_SECONDS (a small
script on the page, js/admin_presence.js); a mark not refreshed for MARK_SECONDS has
expired, so a closed tab, a lost connection or a crashed browser leaves no one "present"
for long; a form saved and left takes its mark away at once, and leaves a note of when it
did, so that a refresh from that form still on its way (sent just before the save, or
while the browser was leaving the page) cannot set the mark again: a refresh carries when
its form was drawn, and a form drawn before its editor left marks nobody.

Per object, three keys: a sorted set of editors by when they were last seen, a hash of
when each arrived ("since") and a hash of when each last saved and left. One Lua script
drops the expired marks, sets the caller's and reads the rest, in one round trip. The
keys expire with the last mark.

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

# KEYS[1]: editors by last seen (a sorted set), KEYS[2]: when each arrived (a hash),
# KEYS[3]: when each saved and left (a hash).
# ARGV[1]: the editor to mark, ARGV[2]: now, ARGV[3]: MARK_SECONDS, ARGV[4]: when the
# editor's form was drawn.
# Returns the arrivals' pairs: editor, arrived, editor, arrived, …
MARK = """
local cutoff = tonumber(ARGV[2]) - tonumber(ARGV[3])
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)) do
  redis.call('HDEL', KEYS[2], gone)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
local left = redis.call('HGET', KEYS[3], ARGV[1])
if not left or tonumber(ARGV[4]) > tonumber(left) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return redis.call('HGETALL', KEYS[2])
"""


@dataclass(frozen=True)
class Mark:
    user_id: int
    since: datetime


def _keys(subject):
    return f"presence:{subject}:seen", f"presence:{subject}:since", f"presence:{subject}:left"


def subject_of(obj):
    """The name of ``obj`` in presence keys: its model and primary key."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def mark(subject, user_id, drawn=None):
    """Mark ``user_id`` present on ``subject`` now, from a form drawn at the timestamp
    ``drawn`` (now, if None); everyone present, earliest first. A form drawn before its
    editor last saved and left marks nobody."""
    now = timezone.now().timestamp()
    drawn = now if drawn is None else drawn
    try:
        client = shared_redis.client()
        pairs = client.eval(MARK, 3, *_keys(subject), str(user_id), now, MARK_SECONDS, drawn)
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
    seen, since, left = _keys(subject)
    now = timezone.now().timestamp()
    try:
        pipeline = shared_redis.client().pipeline()
        pipeline.zrem(seen, user_id).hdel(since, user_id)
        pipeline.hset(left, user_id, now).expire(left, MARK_SECONDS)
        pipeline.execute()
    except REDIS_ERRORS as error:
        logger.warning("Redis unavailable (%s): a mark on %s expires by itself", error, subject)
