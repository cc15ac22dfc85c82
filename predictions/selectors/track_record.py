"""A reader's track record, its CSV export, and the leaderboard.

``calibration`` returns predictions/calibration.py's ``CalibrationBucket``s,
``summarise_scores`` a frozen ``ScoreSummary``, ``leaderboard`` a frozen
``Leaderboard`` of ``Ranked`` rows and ``export_table`` a frozen ``Table`` (the CSV
header beside its rows). ``track_record`` returns a dict, the whole track-record
template context, which the view extends with the reader's handle.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, ExpressionWrapper, FloatField, Sum, Value
from django.utils import timezone

from accounts.models import Account
from accounts.selectors import handles_for
from articles import meters
from articles.models import Topic
from predictions import changes, scoring
from predictions.calibration import Outcome, reliability
from predictions.models import AggregatePoint, Forecast, Question, Score
from predictions.selectors.crowd import has_quorum, shown_points


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

    The crowd's history is shown once the crowd has a quorum, as the question's page shows
    it to a reader who forecast (predictions/selectors/crowd.py), from the days it had one.
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
        if has_quorum(forecasts[0].question.forecasters)
    ]
    crowds = defaultdict(list)
    points = AggregatePoint.objects.filter(question__in=shown).order_by("day")
    for point in shown_points(points):
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


@dataclass(frozen=True)
class Ranked:
    """A reader on the leaderboard: their account's handle, how many of their questions
    resolved, their mean scores, and the shrunk score they are ranked by."""

    handle: str
    questions: int
    mean_brier: float
    mean_log: float
    ranking_score: float
    mine: bool


@dataclass(frozen=True)
class Leaderboard:
    rows: list[Ranked]
    # The handle of the reader looking, when they have an account.
    viewer_handle: str | None


# scoring.ranking_score, in SQL, to order and cut the list in the database.
RANKING_SCORE = ExpressionWrapper(
    (Sum("brier") + Value(scoring.PRIOR_QUESTIONS * scoring.BASELINE_BRIER))
    / (Count("pk") + Value(scoring.PRIOR_QUESTIONS)),
    output_field=FloatField(),
)


def leaderboard(viewer=None, limit=50):
    """Readers with an account and at least LEADERBOARD_MIN_RESOLVED scored questions, by
    their ranking score (predictions/scoring.py: the mean Brier score shrunk toward the
    baseline), in two queries: the ranking, and the handles of the ranked and of
    ``viewer`` (a reader id). Without an account a person with many browsers cannot be
    told from many people, so identities without one are not ranked."""
    ranked = list(
        Score.objects.filter(reader_id__in=Account.objects.values("reader_id"))
        .values("reader_id")
        .annotate(
            questions=Count("pk"),
            mean_brier=Avg("brier"),
            mean_log=Avg("log_score"),
            ranking=RANKING_SCORE,
        )
        .filter(questions__gte=settings.LEADERBOARD_MIN_RESOLVED)
        .order_by("ranking", "-questions", "reader_id")[:limit]
    )
    handles = handles_for([row["reader_id"] for row in ranked] + ([viewer] if viewer else []))
    rows = [
        Ranked(
            handle=handles[row["reader_id"]],
            questions=row["questions"],
            mean_brier=row["mean_brier"],
            mean_log=row["mean_log"],
            ranking_score=scoring.ranking_score(row["questions"], row["mean_brier"]),
            mine=row["reader_id"] == viewer,
        )
        for row in ranked
        # An account deleted between the two queries is ranked no more.
        if row["reader_id"] in handles
    ]
    return Leaderboard(rows, handles.get(viewer))


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
