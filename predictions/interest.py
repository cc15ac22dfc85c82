"""Topic interest with exponential time decay, stored so that it never needs updating.

A read at time t is worth 2^(-(now - t) / h) now, for a half-life h. Written
as 2^((t - EPOCH) / h) x 2^(-(now - EPOCH) / h), the first factor is fixed
when the read is cast and the second is the same for every topic. So each
TopicInterest keeps the sum of the first factors (``amount``): ordering by it
orders by current weight, adding or withdrawing a read is one increment, and
the current weight is that sum times the common decay factor. Floats hold
2^1000, about 80 years of 30-day half-lives past the epoch.
"""

from collections import defaultdict
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SECONDS_PER_DAY = 86400


def _half_lives_since_epoch(moment):
    half_life = settings.TOPIC_INTEREST_HALF_LIFE_DAYS * SECONDS_PER_DAY
    return (moment - EPOCH).total_seconds() / half_life


def read_interest(cast_at):
    """What one read cast at ``cast_at`` adds to each of its story's topics."""
    return 2.0 ** _half_lives_since_epoch(cast_at)


def current_weight(reader_interest, now=None):
    """A topic's stored interest as its weight now: reads decayed to this moment."""
    return reader_interest * 2.0 ** -_half_lives_since_epoch(now or timezone.now())


def topic_interest(reads):
    """Every topic's stored interest from (topic, cast_at) pairs: one per read and topic
    of the read's story. Topics without reads are absent (their interest is 0)."""
    totals = defaultdict(float)
    for topic, cast_at in reads:
        totals[topic] += read_interest(cast_at)
    return dict(totals)
