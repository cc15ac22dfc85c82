"""Reads for the reader panels and pages; a small, fixed number of queries each."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from articles.models import Topic
from predictions import interest
from predictions.models import (
    SYNTHETIC_READER_PREFIX,
    AggregatePoint,
    Forecast,
    Question,
    Read,
    ReadChoice,
    ReadTally,
    Score,
)


@dataclass(frozen=True)
class Bar:
    choice: str
    label: str
    count: int
    percent: int
    mine: bool


@dataclass(frozen=True)
class Distribution:
    bars: list[Bar]
    total: int
    mine: str | None = None

    @property
    def mine_label(self):
        return ReadChoice(self.mine).label if self.mine else None


def distribution(counts, mine=None):
    """Bars for each read with counts and whole percentages of the total."""
    total = sum(counts.get(choice, 0) for choice in ReadChoice.values)
    bars = [
        Bar(
            choice=choice,
            label=label,
            count=counts.get(choice, 0),
            percent=round(100 * counts.get(choice, 0) / total) if total else 0,
            mine=choice == mine,
        )
        for choice, label in ReadChoice.choices
    ]
    return Distribution(bars=bars, total=total, mine=mine)


def community_read(article, reader_id):
    """The story's read distribution (stored tally) and this reader's own read."""
    tally = ReadTally.objects.filter(article=article).first()
    counts = tally.counts() if tally else {}
    mine = (
        Read.objects.filter(article=article, reader_id=reader_id)
        .values_list("choice", flat=True)
        .first()
        if reader_id
        else None
    )
    return distribution(counts, mine)


@dataclass
class PredictionView:
    """What the prediction panel shows one reader."""

    question: Question
    status: str
    mine: Forecast | None
    score: Score | None
    crowd_visible: bool
    history: list[AggregatePoint] = field(default_factory=list)
    scores: dict | None = None


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
    crowd_visible = (
        mine is not None
        or question.forecasters >= settings.FORECAST_REVEAL_MIN_FORECASTERS
        or status != Question.Status.OPEN
    )
    history = list(question.aggregate_history.all()) if crowd_visible else []
    scores = (
        Score.objects.filter(question=question).aggregate(
            count=Count("pk"),
            mean_brier=Avg("brier"),
            mean_log=Avg("log_score"),
            synthetic=Count("pk", filter=Q(reader_id__startswith=SYNTHETIC_READER_PREFIX)),
        )
        if question.is_scored
        else None
    )
    return PredictionView(question, status, mine, score, crowd_visible, history, scores)


def question_lists(now=None):
    """/predictions/: open questions, those closing within 30 days, and resolved ones."""
    now = now or timezone.now()
    public = Question.objects.public().select_related("article")
    open_questions = list(public.open_now().order_by("closes_at"))
    soon = now + timedelta(days=30)
    return {
        "closing_soon": [q for q in open_questions if q.closes_at <= soon],
        "open": [q for q in open_questions if q.closes_at > soon],
        "resolved": list(public.resolved().order_by("-resolved_at")),
        "awaiting": list(public.filter(resolution="", closes_at__lte=now).order_by("resolve_by")),
    }


@dataclass(frozen=True)
class CalibrationBucket:
    low: int
    high: int
    forecasts: int
    mean_forecast: float | None
    observed: float | None

    @property
    def x(self):
        return round(self.mean_forecast, 1)

    @property
    def y(self):
        return round(100 - self.observed, 1)


def calibration(scores):
    """Final forecasts grouped in 10-point buckets: what was said against what happened."""
    buckets = defaultdict(list)
    for score in scores:
        buckets[min(score.final_probability // 10, 9)].append(score)
    result = []
    for index in range(10):
        members = buckets[index]
        result.append(
            CalibrationBucket(
                low=index * 10,
                high=index * 10 + 9,
                forecasts=len(members),
                mean_forecast=(
                    sum(s.final_probability for s in members) / len(members) if members else None
                ),
                observed=(
                    100
                    * sum(s.question.resolution == Question.Resolution.YES for s in members)
                    / len(members)
                    if members
                    else None
                ),
            )
        )
    return result


def track_record(reader_id):
    forecasts = list(
        Forecast.objects.current()
        .filter(reader_id=reader_id)
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
    summary = Score.objects.filter(reader_id=reader_id).aggregate(
        mean_brier=Avg("brier"), mean_log=Avg("log_score"), count=Count("pk")
    )
    return {
        "forecasts": forecasts,
        "scores": scores,
        "by_topic": list(by_topic),
        "calibration": calibration(scores),
        "summary": summary,
    }


def leaderboard(limit=50):
    return list(
        Score.objects.values("reader_id")
        .annotate(questions=Count("pk"), mean_brier=Avg("brier"), mean_log=Avg("log_score"))
        .filter(questions__gte=settings.LEADERBOARD_MIN_RESOLVED)
        .order_by("mean_brier", "-questions")[:limit]
    )


@dataclass(frozen=True)
class TopicDirection:
    topic: Topic
    weight: float
    reads: Distribution
    weekly: list[int]


def _tallies_by_topic():
    """Each topic's read counts: the stored tallies of its stories, summed."""
    fields = ReadTally.count_fields()
    rows = ReadTally.objects.values("article__topics").annotate(
        **{f"sum_{choice}": Sum(field) for choice, field in fields.items()}
    )
    return {
        row["article__topics"]: {choice: row[f"sum_{choice}"] for choice in fields}
        for row in rows
        if row["article__topics"] is not None
    }


def _week_starts(weeks, now):
    this_week = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    return [this_week - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]


def community_direction(weeks=8, now=None):
    """/community/: topics by current weight, how readers read them, and their trend."""
    now = now or timezone.now()
    starts = _week_starts(weeks, now)
    tallies = _tallies_by_topic()
    weekly = defaultdict(lambda: [0] * weeks)
    recent = (
        Read.objects.filter(cast_at__date__gte=starts[0])
        .annotate(week=TruncWeek("cast_at"))
        .values("article__topics", "week")
        .annotate(reads=Count("pk"))
    )
    for row in recent:
        week = timezone.localdate(row["week"])  # TruncWeek of a datetime is a datetime
        if row["article__topics"] is not None and week in starts:
            weekly[row["article__topics"]][starts.index(week)] += row["reads"]
    return [
        TopicDirection(
            topic=topic,
            weight=interest.current_weight(topic.reader_interest, now),
            reads=distribution(tallies.get(topic.pk, {})),
            weekly=weekly[topic.pk],
        )
        for topic in Topic.objects.order_by("-reader_interest", "name")
    ]


def export_rows(reader_id):
    """The reader's track record as CSV rows: every question they forecast."""
    latest = {}
    for forecast in (
        Forecast.objects.filter(reader_id=reader_id, withdrawn=False)
        .select_related("question__article")
        .order_by("made_at", "pk")
    ):
        latest[forecast.question_id] = forecast
    scores = {s.question_id: s for s in Score.objects.filter(reader_id=reader_id)}
    for question_id, forecast in latest.items():
        question, score = forecast.question, scores.get(question_id)
        yield [
            question.text,
            question.article.headline,
            question.status.label,
            question.get_resolution_display() if question.resolution else "",
            forecast.probability,
            forecast.made_at.isoformat(),
            f"{score.brier:.4f}" if score else "",
            f"{score.log_score:.4f}" if score else "",
        ]


def most_wanted_topics(limit):
    now = timezone.now()
    topics = Topic.objects.filter(reader_interest__gt=0).order_by("-reader_interest")[:limit]
    return [(topic, interest.current_weight(topic.reader_interest, now)) for topic in topics]
