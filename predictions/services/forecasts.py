"""A reader's forecast: the rules (an open question on a public story, a probability
from 1 to 99) and the SQL that stores it.

A new forecast is one statement, so no lock outlives it. It ends the reader's
standing forecast, inserts the new one and marks the question's aggregate stale
(predictions/services/crowd.py; predictions/services/settling.py folds it): the insert
reads the time the standing forecast ended, so the update has run before it.

A forecast never ends before it was made. When another of the reader's forecasts was
stored after this one's time was taken, that one ends, and this one starts, at that
one's time: each forecast stands until the next one starts, as time-averaged scoring
needs. Two forecasts of one reader at the same moment (a double submit) meet at the
one-standing-forecast constraint: the later insert does nothing and returns no row,
and the statement runs again, which now ends the forecast that stood first.

The forecast keeps its origin (core/origins.py), with which the crowd counts the
forecasts of readers without an account from one address as one
(predictions/aggregation.py); an account's forecasts keep none and count one per
account: the statement looks the reader up among accounts itself. A forecast counts as
it was made: one made before its reader had an account keeps its origin.

Table and column names come from the models; every value is a parameter.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account
from articles.models import story_cache_key
from core import activity_purges, personal_answers
from predictions import cache_keys
from predictions.models import Forecast, Question
from predictions.services import crowd, settling

FORECASTS = Forecast._meta.db_table

SUBMIT = f"""
WITH ended AS (
    UPDATE {FORECASTS} SET superseded_at = GREATEST(%(now)s, made_at)
    WHERE question_id = %(question)s AND reader_id = %(reader)s AND superseded_at IS NULL
    RETURNING superseded_at
), stale AS ({crowd.MARK_STALE})
INSERT INTO {FORECASTS}
    (question_id, reader_id, probability, withdrawn, made_at, superseded_at, origin)
SELECT %(question)s, %(reader)s, %(probability)s, false, COALESCE(done.until, %(now)s), NULL,
    CASE WHEN EXISTS (
        SELECT 1 FROM {Account._meta.db_table} WHERE reader_id = %(reader)s
    ) THEN '' ELSE %(origin)s END
FROM (SELECT max(superseded_at) AS until FROM ended) AS done
ON CONFLICT (question_id, reader_id) WHERE superseded_at IS NULL DO NOTHING
RETURNING id, made_at
"""


def _store(*, question, reader, probability, now, origin):
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
                "questions": [question],
            },
        )
        return cursor.fetchone()


def _check_open(question, now):
    status = question.status_at(now)
    if status != Question.Status.OPEN:
        raise ValidationError(f"This question is not taking forecasts: {status.label.lower()}.")
    if not question.article.is_public:
        raise ValidationError("This question's story is not published.")


def _end_standing(question, reader_id, now):
    """End the reader's standing forecast, if any; the number of forecasts ended."""
    return Forecast.objects.filter(
        question=question, reader_id=reader_id, superseded_at__isnull=True
    ).update(superseded_at=now)


def _forecast_changed(question):
    """The question's aggregate is stale: mark it, and settle it (below)."""
    crowd.mark_stale([question.pk])
    _settle_soon(question)


def _settle_soon(question):
    """Recompute the question's aggregate in this write if that is due (at most once a
    second per question), else the settler does within a second; the pages that show
    the crowd follow soon after."""
    if not (settling.due(question.pk) and settling.settle_question(question.pk)):
        settling.settler.wake()
    activity_purges.purge_soon(
        story_cache_key(question.article.slug),
        cache_keys.question(question.slug),
        cache_keys.CROWD,
    )


# A double submit's later forecast meets the one that stood first: it runs again and
# ends that one. Each round stores at least one of a reader's racing forecasts, so n at
# once need at most n tries: this many keeps a burst of ten, far past what hands send.
SUBMIT_ATTEMPTS = 10


def submit_forecast(*, question, reader_id, probability, origin="", now=None):
    """A reader's new forecast: it ends their standing one, in one statement
    (predictions/services/forecasts.py); the crowd follows within a second
    (predictions/services/settling.py), so forecasts on one question never queue. ``origin`` is
    where it came from (core/origins.py), kept unless the reader has an account; the site's
    own forecasts have none."""
    now = now or timezone.now()
    _check_open(question, now)
    Forecast._meta.get_field("probability").run_validators(probability)
    for _ in range(SUBMIT_ATTEMPTS):
        stored = _store(
            question=question.pk, reader=reader_id, probability=probability, now=now, origin=origin
        )
        if stored is not None:
            break
    else:
        raise ValidationError(
            "Another forecast of yours on this question was being saved at the same moment. "
            "Send yours again."
        )
    _settle_soon(question)
    personal_answers.renew_reader(reader_id)
    forecast_id, made_at = stored
    return Forecast(
        pk=forecast_id, question=question, reader_id=reader_id, probability=probability,
        made_at=made_at, origin=origin,
    )  # fmt: skip


@transaction.atomic
def withdraw_forecast(*, question, reader_id, now=None):
    now = now or timezone.now()
    _check_open(question, now)
    if not _end_standing(question, reader_id, now):
        raise ValidationError("You have no forecast on this question to withdraw.")
    Forecast.objects.create(question=question, reader_id=reader_id, withdrawn=True, made_at=now)
    _forecast_changed(question)
    personal_answers.renew_reader(reader_id)
