"""The prediction panel and the question pages.

``prediction_view`` returns a frozen ``PredictionView`` (the panel's values);
``question_lists`` returns a dict, the whole /predictions/ template context.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from articles import meters
from predictions import changes
from predictions.models import SYNTHETIC_READER_PREFIX, AggregatePoint, Forecast, Question, Score
from predictions.selectors import crowd
from predictions.selectors.track_record import ScoreSummary, summarise_scores


@dataclass(frozen=True)
class PredictionView:
    """What the prediction panel shows one reader. ``crowd_visible``: whether they see the
    crowd (predictions/selectors/crowd.py says when)."""

    question: Question
    status: str
    mine: Forecast | None
    score: Score | None
    crowd_visible: bool
    history: list[AggregatePoint] = field(default_factory=list)
    scores: ScoreSummary | None = None
    crowd_change: changes.Change | None = None
    meter_change: changes.MeterChange | None = None

    @property
    def independent_needed(self):
        """How many independent forecasters the crowd waits for, while it waits for them;
        else None."""
        if crowd.has_quorum(self.question.forecasters):
            return None
        return settings.CROWD_MIN_INDEPENDENT


def seconds_until_a_question_changes(now=None):
    """Seconds until the next question opens or closes by the clock (inf when none will):
    one query."""
    now = now or timezone.now()
    moments = Question.objects.filter(resolution="").aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(opens_at__lte=now, closes_at__gt=now)),
    )
    found = [moment for moment in moments.values() if moment is not None]
    return min((moment - now).total_seconds() for moment in found) if found else float("inf")


def question_of(article):
    try:
        return article.question
    except Question.DoesNotExist:
        return None


def prediction_view(question, reader_id):
    status = question.status
    mine = (
        Forecast.objects.current().filter(question=question, reader_id=reader_id).first()
        if reader_id
        else None
    )
    score = (
        Score.objects.filter(question=question, reader_id=reader_id).first()
        if reader_id and question.is_scored
        else None
    )
    crowd_visible = crowd.visible_to(question, status, has_forecast=mine is not None)
    history = crowd.shown_points(question.aggregate_history.all()) if crowd_visible else []
    scores = (
        summarise_scores(
            Score.objects.filter(question=question),
            synthetic=Count("pk", filter=Q(reader_id__startswith=SYNTHETIC_READER_PREFIX)),
        )
        if question.is_scored
        else None
    )
    return PredictionView(
        question,
        status,
        mine,
        score,
        crowd_visible,
        history,
        scores,
        crowd_change(question, mine, history),
        meter_change(question, mine),
    )


def crowd_change(question, mine, history):
    """How far the crowd median has moved since the reader's standing forecast, if far."""
    if mine is None:
        return None
    then = changes.median_on(history, timezone.localdate(mine.made_at))
    return changes.moved(then, question.median, settings.FORECAST_CHANGE_THRESHOLD)


def meter_change(question, mine):
    """How far the story's reality score has moved since the reader's standing forecast,
    if far; one query, and none without a standing forecast on an unresolved question."""
    if mine is None or question.resolution:
        return None
    readings = meters.then_and_now({question.article_id: mine.made_at})
    then, now = readings.get(question.article_id, (None, None))
    return changes.meter_moved(then, now, settings.FORECAST_CHANGE_THRESHOLD)


def question_lists(now=None):
    """/predictions/: open questions, those closing within 30 days, and resolved ones.

    "Within 30 days" counts calendar days, as the page's dates do: on 1 December a
    question closing any time on 31 December is closing soon.
    """
    now = now or timezone.now()
    public = Question.objects.public().select_related("article")
    open_questions = list(public.open_now(now).order_by("closes_at"))
    last_day = timezone.localdate(now) + timedelta(days=30)

    def closes_soon(question):
        return timezone.localdate(question.closes_at) <= last_day

    return {
        "closing_soon": [q for q in open_questions if closes_soon(q)],
        "open": [q for q in open_questions if not closes_soon(q)],
        "resolved": list(public.resolved().order_by("-resolved_at")),
        "awaiting": list(public.filter(resolution="", closes_at__lte=now).order_by("resolve_by")),
    }
