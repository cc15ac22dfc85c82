"""The SQL of a reader's new forecast: one statement, so no lock outlives it.

It ends the reader's standing forecast, inserts the new one and marks the
question's aggregate stale (StaleAggregate, which predictions/settling.py
folds), in that order: the insert reads the time the standing forecast ended,
so the update has run before it.

A forecast never ends before it was made. When another of the reader's
forecasts was stored after this one's time was taken, that one ends, and this
one starts, at that one's time: each forecast stands until the next one starts,
as time-averaged scoring needs. Two forecasts of one reader at the same moment
(a double submit) meet at the one-standing-forecast constraint: the later insert
does nothing and returns no row, and the caller runs the statement again, which
now ends the forecast that stood first.

Table and column names come from the models; every value is a parameter.
"""

from django.db import connection

from predictions.models import Forecast, StaleAggregate

FORECASTS = Forecast._meta.db_table

SUBMIT = f"""
WITH ended AS (
    UPDATE {FORECASTS} SET superseded_at = GREATEST(%(now)s, made_at)
    WHERE question_id = %(question)s AND reader_id = %(reader)s AND superseded_at IS NULL
    RETURNING superseded_at
), stale AS (
    INSERT INTO {StaleAggregate._meta.db_table} (question_id) VALUES (%(question)s)
    ON CONFLICT DO NOTHING
)
INSERT INTO {FORECASTS}
    (question_id, reader_id, probability, withdrawn, made_at, superseded_at, origin)
SELECT %(question)s, %(reader)s, %(probability)s, false, COALESCE(done.until, %(now)s), NULL,
    %(origin)s
FROM (SELECT max(superseded_at) AS until FROM ended) AS done
ON CONFLICT (question_id, reader_id) WHERE superseded_at IS NULL DO NOTHING
RETURNING id, made_at
"""


def submit(*, question, reader, probability, now, origin):
    """The new forecast's id and time, or None when another of the reader's forecasts
    stood first."""
    with connection.cursor() as cursor:
        cursor.execute(
            SUBMIT,
            {
                "question": question,
                "reader": reader,
                "probability": probability,
                "now": now,
                "origin": origin,
            },
        )
        return cursor.fetchone()
