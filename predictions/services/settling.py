"""Reader activity folded into the stored aggregates, off the path of each write.

A read appends its topics' interest (PendingInterest) and a forecast marks its
question's aggregate stale (StaleAggregate); neither waits on a shared row.
``settle()`` folds the interest into TopicInterest in one statement and
recomputes each stale question's community forecast, under a PostgreSQL
advisory lock so that one process at a time does it. It runs in the write that
finds the question not recomputed within the last AGGREGATE_DEBOUNCE_SECONDS,
and in a small background thread of each process that writes, which wakes
about once a second while anything is pending and then goes to sleep. Once
writes stop, a second later every stored aggregate equals the one recomputed
from the raw rows (the consistency check, ``manage.py check_consistency``,
settles first and then compares).
"""

import dataclasses
import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import shared_redis
from core.shared_redis import REDIS_ERRORS
from predictions import aggregation
from predictions.models import (
    AggregatePoint,
    PendingInterest,
    Question,
    StaleAggregate,
    TopicInterest,
)
from predictions.services import crowd

logger = logging.getLogger(__name__)

# Advisory lock keys: one for the fold of topic interest, one per question above it.
TOPIC_INTEREST_LOCK = 7_001
QUESTION_LOCK_BASE = 7_002
IDLE_ROUNDS_BEFORE_SLEEP = 10

FOLD_INTEREST = f"""
WITH moved AS (DELETE FROM {PendingInterest._meta.db_table} RETURNING topic_id, amount)
INSERT INTO {TopicInterest._meta.db_table} AS stored (topic_id, amount)
SELECT topic_id, sum(amount) FROM moved GROUP BY topic_id
ON CONFLICT (topic_id) DO UPDATE SET amount = stored.amount + EXCLUDED.amount
"""


def recompute_aggregate(*, question, now=None):
    """Store the community forecast from the standing forecasts, and a point of history."""
    standing, _ = crowd.standing(question.pk)
    _store(question, standing, now)


def _store(question, standing, now):
    stored = dataclasses.asdict(aggregation.aggregate(aggregation.one_per_origin(standing)))
    # An UPDATE, not save(): a derived aggregate is not an editor's change, so it fires no
    # re-render of the criteria and writes no history row per forecast.
    crowd.store(question.pk, timezone.localdate(now or timezone.now()), stored)
    for name, value in stored.items():
        setattr(question, name, value)


def aggregate_point(question, day, result):
    """The history row of one day: the aggregate as it stood at the end of it."""
    return AggregatePoint(
        question=question,
        day=day,
        forecasters=result.forecasters,
        median=result.median,
        lower_quartile=result.lower_quartile,
        upper_quartile=result.upper_quartile,
    )


def _try_lock(key):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def fold_topic_interest():
    """Move every pending interest into its topic, exactly once. False if another process
    is doing it now."""
    with transaction.atomic():
        if not _try_lock(TOPIC_INTEREST_LOCK):
            return False
        with connection.cursor() as cursor:
            cursor.execute(FOLD_INTEREST)
    return True


def settle_question(question_id):
    """Recompute one question's stored aggregate if it is stale. False if another process
    holds the question now (it will include everything committed before it read)."""
    with transaction.atomic():
        if not _try_lock(QUESTION_LOCK_BASE + question_id):
            return False
        # The stale mark cascades with its question, so a question that had one exists.
        if crowd.take_stale_mark(question_id):
            standing, latest = crowd.standing(question_id)
            _store(Question(pk=question_id), standing, latest)
    return True


def due(question_id):
    """True at most once per AGGREGATE_DEBOUNCE_SECONDS per question, across processes."""
    seconds = settings.AGGREGATE_DEBOUNCE_SECONDS
    if seconds <= 0:
        return True
    try:
        mark = f"settled:question:{question_id}"
        return bool(shared_redis.client().set(mark, 1, px=int(seconds * 1000), nx=True))
    except REDIS_ERRORS:
        return True


def pending():
    return PendingInterest.objects.exists() or StaleAggregate.objects.exists()


def settle():
    """Fold everything pending now. True when nothing was left to another process."""
    complete = fold_topic_interest()
    for question_id in StaleAggregate.objects.values_list("question_id", flat=True):
        complete = settle_question(question_id) and complete
    return complete


class _Settler:
    """One background thread per process, started by the first write that needs it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.thread = None

    def wake(self):
        if not settings.SETTLE_IN_BACKGROUND:
            return
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="settler", daemon=True)
                self.thread.start()

    def run(self):
        idle = 0
        try:
            while idle < IDLE_ROUNDS_BEFORE_SLEEP:
                time.sleep(settings.AGGREGATE_DEBOUNCE_SECONDS or 1)
                try:
                    if pending():
                        idle = 0
                        settle()
                    else:
                        idle += 1
                except Exception:  # the next round, or the next write, tries again
                    logger.exception("Settling reader activity failed")
                    # On a connection the database dropped (a restart), with a fresh one.
                    connection.close()
        finally:
            connection.close()


settler = _Settler()
