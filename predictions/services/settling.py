"""Reader activity folded into the stored aggregates, off the path of each write.

A read appends its topics' interest (PendingInterest) and a forecast marks its
question's aggregate stale (StaleAggregate, predictions/services/crowd.py); neither waits
for another write.
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

# Advisory lock keys: one for the fold of topic interest, one per question above
# crowd.QUESTION_LOCK_BASE (which writes hold shared while they mark a question stale).
TOPIC_INTEREST_LOCK = 7_001
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


def _lock(key, wait):
    """Take the transaction's advisory lock ``key``: waiting for it, or False at once if
    another process holds it."""
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
        return cursor.fetchone()[0]


def fold_topic_interest(*, wait=False):
    """Move every pending interest into its topic, exactly once; nothing if another
    process is doing it now (unless told to wait for it)."""
    with transaction.atomic():
        if _lock(TOPIC_INTEREST_LOCK, wait):
            with connection.cursor() as cursor:
                cursor.execute(FOLD_INTEREST)


def settle_question(question_id, *, wait=False):
    """Recompute one question's stored aggregate if it is stale. False if another process
    holds the question now (it will include everything committed before it read), unless
    told to wait for it."""
    with transaction.atomic():
        if not _lock(crowd.QUESTION_LOCK_BASE + question_id, wait):
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


def settle(*, wait=True):
    """Fold everything pending now. Waiting (the default), it returns once every stored
    aggregate includes every write committed before it was called, including those another
    process was folding at that moment; otherwise it leaves to that process what it holds."""
    fold_topic_interest(wait=wait)
    for question_id in StaleAggregate.objects.values_list("question_id", flat=True):
        settle_question(question_id, wait=wait)


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
                        settle(wait=False)
                    else:
                        idle += 1
                except Exception:  # the next round, or the next write, tries again
                    logger.exception("Settling reader activity failed")
                    # On a connection the database dropped (a restart), with a fresh one.
                    connection.close()
        finally:
            connection.close()


settler = _Settler()
