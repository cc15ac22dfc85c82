"""A reader's track record, its CSV export, and the leaderboard.

``calibration`` returns predictions/calibration.py's ``CalibrationBucket``s,
``summarise_scores`` a frozen ``ScoreSummary`` and ``export_table`` a frozen
``Table`` (the CSV header beside its rows). ``track_record`` returns a dict, the
whole track-record template context, which the view extends with the reader's
handle. ``leaderboard`` rows stay the queryset's ``values()`` dicts, because the
view extends each with a handle too.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from articles import meters
from articles.models import Topic
from predictions import changes
from predictions.calibration import Outcome, reliability
from predictions.models import (
    SYNTHETIC_READER_PREFIX,
    AggregatePoint,
    Forecast,
    Question,
    Score,
)


@dataclass(frozen=True)
class ScoreSummary:
    count: int
    mean_brier: float | None
    mean_log: float | None
    synthetic: int = 0


def summarise_scores(scores, **extra):
    """Count and mean scores of a Score queryset, in one query; ``extra`` adds aggregates."""
    return ScoreSummary(
        **scores.aggregate(
            count=Count("pk"), mean_brier=Avg("brier"), mean_log=Avg("log_score"), **extra
        )
    )


def calibration(scores):
    """The reader's final forecasts against what happened, in 10-point bands."""
    return reliability(
        Outcome(score.final_probability, score.question.resolution == Question.Resolution.YES)
        for score in scores
    )


@dataclass(frozen=True)
class ForecastHistory:
    """One question the reader forecast: their forecasts, the crowd's when shown, and how
    far the crowd and the story's meter have moved since the standing forecast, if far."""

    question: Question
    forecasts: list[Forecast]
    crowd: list[AggregatePoint]
    change: changes.Change | None
    meter_change: changes.MeterChange | None = None


def forecast_histories(reader_id):
    """Every question the reader forecast, latest first, in three queries.

    The crowd's history is shown only once a question has enough forecasters, as a
    young question's crowd is hidden on its page (``FORECAST_REVEAL_MIN_FORECASTERS``).
    """
    by_question = defaultdict(list)
    for forecast in (
        Forecast.objects.filter(reader_id=reader_id)
        .select_related("question__article")
        .order_by("made_at", "pk")
    ):
        by_question[forecast.question_id].append(forecast)
    shown = [
        forecasts[0].question.pk
        for forecasts in by_question.values()
        if forecasts[0].question.forecasters >= settings.FORECAST_REVEAL_MIN_FORECASTERS
    ]
    crowds = defaultdict(list)
    for point in AggregatePoint.objects.filter(question__in=shown).order_by("day"):
        crowds[point.question_id].append(point)
    # A standing forecast on an unresolved question is the one the changes compare with.
    standings = {}
    for question_id, forecasts in by_question.items():
        standing = next((f for f in forecasts if _stands(f)), None)
        if standing and not standing.question.resolution:
            standings[question_id] = standing
    # The meter's history of every story with such a forecast, in one query.
    readings = meters.then_and_now(
        {standing.question.article_id: standing.made_at for standing in standings.values()}
    )
    histories = []
    for question_id, forecasts in by_question.items():
        question, crowd = forecasts[0].question, crowds[question_id]
        standing = standings.get(question_id)
        change = (
            changes.moved(
                changes.median_on(crowd, timezone.localdate(standing.made_at)),
                question.median,
                settings.FORECAST_CHANGE_THRESHOLD,
            )
            if standing and crowd
            else None
        )
        meter_change = changes.meter_moved(
            *readings.get(question.article_id, (None, None)), settings.FORECAST_CHANGE_THRESHOLD
        )
        histories.append(ForecastHistory(question, forecasts, crowd, change, meter_change))
    return sorted(histories, key=lambda history: history.forecasts[-1].made_at, reverse=True)


def _stands(forecast):
    return forecast.superseded_at is None and not forecast.withdrawn


def track_record(reader_id):
    # Standing: the question is open, or closed and awaiting its resolution.
    forecasts = list(
        Forecast.objects.current()
        .filter(reader_id=reader_id, question__resolution=Question.Resolution.UNRESOLVED)
        .select_related("question__article")
        .order_by("-made_at")
    )
    scores = list(
        Score.objects.filter(reader_id=reader_id)
        .select_related("question__article")
        .order_by("-question__resolved_at")
    )
    by_topic = (
        Topic.objects.filter(articles__question__scores__reader_id=reader_id)
        .annotate(
            questions=Count("articles__question__scores"),
            mean_brier=Avg("articles__question__scores__brier"),
        )
        .order_by("mean_brier")
    )
    return {
        "forecasts": forecasts,
        "scores": scores,
        "by_topic": list(by_topic),
        "calibration": calibration(scores),
        "summary": summarise_scores(Score.objects.filter(reader_id=reader_id)),
        "histories": forecast_histories(reader_id),
    }


def readers_sharing_an_origin():
    """Readers who forecast a question from an address from which another reader forecast
    it too: one person with several cookies can hedge every answer, and from here such
    identities cannot be told apart, so none of them is ranked (the crowd counts them as
    one; predictions/aggregation.py)."""
    someone_else_there = Forecast.objects.filter(
        question=OuterRef("question"), origin=OuterRef("origin")
    ).exclude(reader_id=OuterRef("reader_id"))
    return (
        Forecast.objects.exclude(origin="").filter(Exists(someone_else_there)).values("reader_id")
    )


def leaderboard(limit=50):
    """The best mean Brier scores; ``synthetic`` marks the demo readers, labelled on the page.
    Readers who shared an address with another reader on a question are not ranked."""
    return list(
        Score.objects.exclude(reader_id__in=readers_sharing_an_origin())
        .values("reader_id")
        .annotate(
            questions=Count("pk"),
            mean_brier=Avg("brier"),
            mean_log=Avg("log_score"),
            synthetic=Q(reader_id__startswith=SYNTHETIC_READER_PREFIX),
        )
        .filter(questions__gte=settings.LEADERBOARD_MIN_RESOLVED)
        .order_by("mean_brier", "-questions")[:limit]
    )


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[list]


EXPORT_HEADER = (
    "question",
    "story",
    "status",
    "resolution",
    "your_forecast_percent",
    "forecast_at",
    "brier_score",
    "log_score",
)


def export_table(reader_id):
    """The reader's track record for the CSV export: every question they forecast."""
    if not reader_id:
        return Table(EXPORT_HEADER, [])
    latest = {}
    for forecast in (
        Forecast.objects.filter(reader_id=reader_id, withdrawn=False)
        .select_related("question__article")
        .order_by("made_at", "pk")
    ):
        latest[forecast.question_id] = forecast
    scores = {s.question_id: s for s in Score.objects.filter(reader_id=reader_id)}
    rows = []
    for question_id, forecast in latest.items():
        question, score = forecast.question, scores.get(question_id)
        rows.append(
            [
                question.text,
                question.article.headline,
                question.status.label,
                question.get_resolution_display() if question.resolution else "",
                forecast.probability,
                forecast.made_at.isoformat(),
                # Numbers, not text: a negative log score stays a number (core/csvsafe.py).
                Decimal(f"{score.brier:.4f}") if score else "",
                Decimal(f"{score.log_score:.4f}") if score else "",
            ]
        )
    return Table(EXPORT_HEADER, rows)
