"""The calibration page's reads: each resolved question with the meter's score and the
crowd's forecast as they stood when the question closed."""

from dataclasses import dataclass

from django.db.models import Prefetch

from predictions import calibration
from predictions.models import AggregatePoint, Question
from trust.models import Assessment


@dataclass(frozen=True)
class ResolvedClaim:
    question: Question
    happened: bool
    meter: int | None
    # True when no score was on file before the close (a story scored later, or loaded
    # from fixtures without history) and a later one stands in: the page says so.
    meter_after_close: bool
    crowd: float | None


@dataclass(frozen=True)
class Calibration:
    claims: list[ResolvedClaim]
    meter_buckets: list[calibration.CalibrationBucket]
    meter_brier: float | None
    crowd_brier: float | None
    crowd_count: int
    baseline_brier: float | None
    small_sample: bool

    @property
    def count(self):
        return len(self.claims)


def _meter_at_close(versions, question):
    """The last score on file at the close; else the earliest later one (flagged)."""
    before = [v for v in versions if v.history_date <= question.closes_at]
    if before:
        return before[-1].score, False
    if versions:
        return versions[0].score, True
    assessment = getattr(question.article, "assessment", None)
    return (assessment.score if assessment else None), True


def _crowd_at_close(question):
    day = question.closes_at.date()
    points = [p for p in question.aggregate_history.all() if p.day <= day and p.median is not None]
    if points:
        return points[-1].median
    return question.median


def meter_calibration():
    """Every public question resolved yes or no, its story's meter and its crowd, scored."""
    questions = list(
        Question.objects.public()
        .filter(resolution__in=[Question.Resolution.YES, Question.Resolution.NO])
        .select_related("article__assessment")
        .prefetch_related(Prefetch("aggregate_history", queryset=AggregatePoint.objects.all()))
        .order_by("-resolved_at", "pk")
    )
    versions = {}
    for version in Assessment.history.filter(
        article_id__in=[q.article_id for q in questions], score__isnull=False
    ).order_by("history_date", "history_id"):
        versions.setdefault(version.article_id, []).append(version)
    claims = []
    for question in questions:
        meter, after_close = _meter_at_close(versions.get(question.article_id, []), question)
        claims.append(
            ResolvedClaim(
                question=question,
                happened=question.resolution == Question.Resolution.YES,
                meter=meter,
                meter_after_close=after_close,
                crowd=_crowd_at_close(question),
            )
        )
    scored = [c for c in claims if c.meter is not None]
    meter_outcomes = [calibration.Outcome(c.meter, c.happened) for c in scored]
    crowd_outcomes = [
        calibration.Outcome(c.crowd, c.happened) for c in scored if c.crowd is not None
    ]
    return Calibration(
        claims=scored,
        meter_buckets=calibration.reliability(meter_outcomes),
        meter_brier=calibration.mean_brier(meter_outcomes),
        crowd_brier=calibration.mean_brier(crowd_outcomes),
        crowd_count=len(crowd_outcomes),
        baseline_brier=calibration.baseline_brier(meter_outcomes),
        small_sample=len(scored) < calibration.SMALL_SAMPLE,
    )
