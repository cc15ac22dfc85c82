"""The calibration page's reads: each resolved question with the meter's score and the
crowd's forecast as they stood when the question closed.

The meter's score at the close comes from the story's score history
(``trust.ScoreChange``), which dates each move of the score, fixture stories' first
entries at their publication: the last entry at or before the close is the score
readers saw then.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from articles import meters
from predictions import calibration
from predictions.models import AggregatePoint, Question


@dataclass(frozen=True)
class ResolvedClaim:
    question: Question
    happened: bool
    meter: int | None
    # True when the story's history holds no score from before the close (a story first
    # scored later) and a later one stands in: the page says so.
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


def _meter_at_close(readings, question):
    """The score of the story's last scored history entry at or before the close; else
    that of the earliest later one, or the current score with no history at all
    (flagged)."""
    scored = [reading for reading in readings if reading.score is not None]
    at_close = meters.reading_at(scored, question.closes_at)
    if at_close:
        return at_close.score, False
    if scored:
        return scored[0].score, True
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
    histories = meters.readings([question.article_id for question in questions])
    claims = []
    for question in questions:
        meter, after_close = _meter_at_close(histories.get(question.article_id, []), question)
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
