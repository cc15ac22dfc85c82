"""Calibration of probabilities against outcomes: reliability buckets and Brier scores.

No database here. A forecast is a probability in per cent and whether the event
happened. Forecasts are grouped in ten 10-point bands (0–9 %, …, 90–100 %); a
well-calibrated forecaster's band mean sits on the diagonal of a reliability
diagram (Murphy and Winkler 1977). The Brier score is predictions/scoring.py's;
a forecaster who always says 50 % earns 0.25 on every question, the baseline.
"""

from dataclasses import dataclass

from predictions.scoring import brier

BANDS = 10
BASELINE_PROBABILITY = 50
# Below this many resolved questions a Brier score says little: the page says so.
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Outcome:
    probability: float  # per cent, 0–100
    happened: bool


@dataclass(frozen=True)
class CalibrationBucket:
    low: int
    high: int
    forecasts: int
    mean_forecast: float | None
    observed: float | None

    @property
    def x(self):
        """Across the 100-unit plot: the band's mean forecast."""
        return round(self.mean_forecast, 1)

    @property
    def y(self):
        """Down the 100-unit plot (SVG's y grows downward): how often it happened."""
        return round(100 - self.observed, 1)


def band_of(probability):
    return min(int(probability // (100 // BANDS)), BANDS - 1)


def reliability(outcomes):
    """Ten buckets, empty ones included: what was said on average against what happened."""
    members = [[] for _ in range(BANDS)]
    for outcome in outcomes:
        members[band_of(outcome.probability)].append(outcome)
    width = 100 // BANDS
    return [
        CalibrationBucket(
            low=index * width,
            high=index * width + width - 1,
            forecasts=len(group),
            mean_forecast=sum(o.probability for o in group) / len(group) if group else None,
            observed=100 * sum(o.happened for o in group) / len(group) if group else None,
        )
        for index, group in enumerate(members)
    ]


def mean_brier(outcomes):
    """The mean Brier score of the forecasts; None when there are none."""
    outcomes = list(outcomes)
    if not outcomes:
        return None
    return sum(brier(o.probability, o.happened) for o in outcomes) / len(outcomes)


def baseline_brier(outcomes):
    """What saying 50 % every time would have scored: 0.25, or None without outcomes."""
    return mean_brier(Outcome(BASELINE_PROBABILITY, o.happened) for o in outcomes)
