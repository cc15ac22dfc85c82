"""Every stored aggregate of the predictions app against the one recomputed from raw rows.

``differences()`` reads each kind of raw row once (reads, forecasts) and recomputes
with the functions the services use, so that a tally, a topic's interest, a question's
community forecast and history, or a score that drifted from its rows shows up as a
line of text. ``manage.py check_consistency``, tools/faults/ and the tests call it.
"""

import math
from collections import defaultdict
from itertools import groupby

from django.db.models import Count, Q, Sum
from django.utils import timezone

from articles.models import Article
from predictions import aggregation, interest, models, scoring
from predictions.services import crowd

AGGREGATE_FIELDS = ("forecasters", "median", "lower_quartile", "upper_quartile")
# What a question stores until its first forecast (the model's defaults).
NEVER_FORECAST = (0, None, None, None, [])


def differences():
    """Human-readable lines, one per stored value that its raw rows do not give."""
    return [
        *tally_differences(),
        *interest_differences(),
        *forecast_differences(),
    ]


def _close(stored, expected):
    # Float sums in another order differ in the last bits, nothing more.
    return math.isclose(stored, expected, rel_tol=1e-9, abs_tol=1e-12)


def tally_differences():
    """Each story's tally against its counted reads (predictions/services/reads.py)."""
    counted = {
        row.pop("article_id"): row
        for row in models.Read.objects.filter(counted=True)
        .values("article_id")
        .annotate(
            **{choice: Count("pk", filter=Q(choice=choice)) for choice in models.ReadChoice.values}
        )
    }
    stored = {
        row.pop("article_id"): row
        for row in models.ReadTally.objects.values("article_id", *models.ReadChoice.values)
    }
    nothing = dict.fromkeys(models.ReadChoice.values, 0)
    wrong = sorted(
        article_id
        for article_id in counted.keys() | stored.keys()
        if stored.get(article_id, nothing) != counted.get(article_id, nothing)
        or (article_id in counted and article_id not in stored)
    )
    slugs = dict(Article.objects.filter(pk__in=wrong).values_list("pk", "slug"))
    return [
        f"read tally of story {slugs.get(article_id, article_id)}: stored "
        f"{stored.get(article_id, 'none')}, the reads give {counted.get(article_id, nothing)}"
        for article_id in wrong
    ]


def interest_differences():
    """Each topic's interest, stored plus what is pending (predictions/services/settling.py folds it
    in within a second), against its counted reads."""
    expected = interest.topic_interest(
        models.Read.objects.filter(counted=True, article__topics__isnull=False)
        .values_list("article__topics", "cast_at")
        .iterator(chunk_size=10_000)
    )
    pending = dict(
        models.PendingInterest.objects.values("topic")
        .annotate(sum=Sum("amount"))
        .values_list("topic", "sum")
    )
    return [
        f"interest of topic {slug}: stored {stored!r}, the reads give {expected.get(pk, 0.0)!r}"
        for pk, slug, stored in models.TopicInterest.of_topics()
        .order_by("slug")
        .values_list("pk", "slug", "interest_amount")
        if not _close(stored + pending.get(pk, 0.0), expected.get(pk, 0.0))
    ]


def forecast_differences():
    """Each question's aggregate, daily history and scores against its forecasts."""
    forecasts = defaultdict(list)
    rows = (
        models.Forecast.objects.order_by("question_id", "made_at", "pk")
        .values_list(
            "question_id", "reader_id", "probability", "made_at", "superseded_at", "origin"
        )
        .iterator(chunk_size=10_000)
    )
    for question_id, group in groupby(rows, key=lambda row: row[0]):
        forecasts[question_id] = [row[1:] for row in group]
    points = defaultdict(dict)
    for question_id, day, *values in models.AggregatePoint.objects.values_list(
        "question_id", "day", *AGGREGATE_FIELDS
    ):
        points[question_id][day] = tuple(values)
    scores = defaultdict(dict)
    for question_id, reader_id, *values in models.Score.objects.values_list(
        "question_id", "reader_id", "brier", "log_score", "final_probability"
    ):
        scores[question_id][reader_id] = values
    found = []
    for question in models.Question.objects.order_by("slug"):
        found += _question_differences(
            question, forecasts[question.pk], points[question.pk], scores[question.pk]
        )
    return found


def _question_differences(question, forecasts, points, scores):
    by_day = aggregation.replay(
        (
            reader_id,
            crowd.origin_key(origin, reader_id),
            probability,
            timezone.localdate(made_at),
        )
        for reader_id, probability, made_at, _, origin in forecasts
    )
    found = []
    expected = aggregation.latest(by_day)
    stored = tuple(getattr(question, name) for name in (*AGGREGATE_FIELDS, "histogram"))
    if stored != (*_values(expected), expected.histogram) and (
        forecasts or stored != NEVER_FORECAST
    ):
        found.append(
            f"community forecast of question {question.slug}: stored {stored}, "
            f"its standing forecasts give {(*_values(expected), expected.histogram)}"
        )
    replayed = {day: _values(result) for day, result in by_day.items()}
    for day in sorted(points.keys() | replayed.keys()):
        if points.get(day) != replayed.get(day):
            found.append(
                f"history of question {question.slug} on {day}: stored {points.get(day)}, "
                f"its forecasts give {replayed.get(day)}"
            )
    found += _score_differences(question, [row[:4] for row in forecasts], scores)
    return found


def _values(result):
    return tuple(getattr(result, name) for name in AGGREGATE_FIELDS)


def _score_differences(question, forecasts, stored):
    expected = {}
    if question.is_scored:
        expected = scoring.score_readers(
            forecasts,
            opens_at=question.opens_at,
            closes_at=question.closes_at,
            happened=question.resolution == models.Question.Resolution.YES,
        )
    found = []
    for reader_id in sorted(stored.keys() | expected.keys()):
        result = expected.get(reader_id)
        want = (
            None if result is None else (result.brier, result.log_score, result.final_probability)
        )
        have = stored.get(reader_id)
        if want is None or have is None or not _same_score(have, want):
            found.append(
                f"score of reader {reader_id} on question {question.slug}: stored {have}, "
                f"the resolution gives {want}"
            )
    return found


def _same_score(have, want):
    return _close(have[0], want[0]) and _close(have[1], want[1]) and have[2] == want[2]
