"""The SQL of a question's community forecast: marking it stale, and settling it in three
statements.

A write that changes a question's standing forecasts marks the question stale holding the
question's advisory lock shared until it commits, so that writes never wait for each
other. predictions/services/settling.py settles holding that lock alone: it reads only
once every write that found the question already marked has committed, and a write that
comes after it took the mark leaves a mark of its own. Settling runs: take the
stale mark; read the standing forecasts, oldest first, with the time of the
question's newest forecast of any kind; store the aggregate on the question and
the day's point of history in one statement. Written as SQL because a forecast
spread over many questions settles one on nearly every request, and building
the same five querysets each time cost more CPU than PostgreSQL took to run
them. Table and column names come from the models; every value is a parameter.
"""

import json

from django.db import connection

from predictions.models import AggregatePoint, Forecast, Question, StaleAggregate

FORECASTS = Forecast._meta.db_table
POINT_COLUMNS = ("forecasters", "median", "lower_quartile", "upper_quartile")

QUESTION_LOCK_BASE = 7_002

MARK_STALE = f"""
INSERT INTO {StaleAggregate._meta.db_table} (question_id)
SELECT question_id FROM unnest(%(questions)s::bigint[]) AS question_id,
    LATERAL (SELECT pg_advisory_xact_lock_shared({QUESTION_LOCK_BASE} + question_id)) AS held
ON CONFLICT DO NOTHING
"""

TAKE_STALE_MARK = f"DELETE FROM {StaleAggregate._meta.db_table} WHERE question_id = %(question)s"

# One row, however many forecasts: a withdrawal stands too (it ends the reader's
# forecast) but adds no probability. A forecast made by an account, or by the site
# itself, has no origin and counts for its reader alone (ORIGIN_KEY;
# predictions/aggregation.py: one_per_origin).
ORIGIN_KEY = "COALESCE(NULLIF(origin, ''), 'reader:' || reader_id)"
STANDING = f"""
SELECT
    max(made_at),
    array_agg(probability ORDER BY made_at, id)
        FILTER (WHERE superseded_at IS NULL AND NOT withdrawn),
    array_agg({ORIGIN_KEY} ORDER BY made_at, id)
        FILTER (WHERE superseded_at IS NULL AND NOT withdrawn)
FROM {FORECASTS}
WHERE question_id = %(question)s
"""

STORE = f"""
WITH point AS (
    INSERT INTO {AggregatePoint._meta.db_table} (question_id, day, {", ".join(POINT_COLUMNS)})
    VALUES (%(question)s, %(day)s, {", ".join(f"%({column})s" for column in POINT_COLUMNS)})
    ON CONFLICT (question_id, day) DO UPDATE SET {
    ", ".join(f"{column} = EXCLUDED.{column}" for column in POINT_COLUMNS)
}
)
UPDATE {Question._meta.db_table}
SET {", ".join(f"{column} = %({column})s" for column in POINT_COLUMNS)},
    histogram = %(histogram)s::jsonb
WHERE id = %(question)s
"""


def mark_stale(question_ids):
    """Mark the questions' aggregates stale, in the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(MARK_STALE, {"questions": list(question_ids)})


def take_stale_mark(question_id):
    """Remove the question's stale mark: True when there was one."""
    with connection.cursor() as cursor:
        cursor.execute(TAKE_STALE_MARK, {"question": question_id})
        return cursor.rowcount > 0


def origin_key(origin, reader_id):
    """What a forecast counts under in the crowd, as ORIGIN_KEY computes it in SQL."""
    return origin or f"reader:{reader_id}"


def standing(question_id):
    """The standing forecasts as (origin key, probability), oldest first, and the time of
    the question's newest forecast (None when it has none)."""
    with connection.cursor() as cursor:
        cursor.execute(STANDING, {"question": question_id})
        latest, probabilities, origins = cursor.fetchone()
    return list(zip(origins or [], probabilities or [], strict=True)), latest


def store(question_id, day, stored):
    """Write ``stored`` (an aggregation.Aggregate as a dict: the question's aggregate
    fields) and the point of ``day``."""
    with connection.cursor() as cursor:
        cursor.execute(
            STORE,
            {
                **stored,
                "question": question_id,
                "day": day,
                "histogram": json.dumps(stored["histogram"]),
            },
        )
