"""Has the crowd, or the story's meter, moved since a reader's forecast? Pure
arithmetic, no database.

The community forecast a reader saw is the median stored for the day they
forecast (predictions.AggregatePoint keeps one per day); it has "moved" when
today's median differs from it by more than a threshold in percentage points
(``FORECAST_CHANGE_THRESHOLD``), so that rounding and small drift stay quiet.
The story's reality score (0–100) is read from its history at the moment of the
forecast (articles/meters.py) and has moved when today's differs from it by more
than the same number of points.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    old: int
    new: int

    @property
    def points(self):
        return abs(self.new - self.old)


@dataclass(frozen=True)
class MeterChange(Change):
    """A move of the story's reality score, with the names of its bands then and now."""

    old_band: str = ""
    new_band: str = ""


def median_on(points, day):
    """The median stored for ``day`` or the last day before it; None if there is none."""
    earlier = [point for point in points if point.day <= day and point.median is not None]
    return earlier[-1].median if earlier else None


def whole_percent(value):
    """Rounded half up, as the pages print a median (Django's floatformat)."""
    return math.floor(value + 0.5)


def moved(old, new, threshold):
    """A Change when ``old`` and ``new`` (per cent) differ by more than ``threshold``."""
    if old is None or new is None:
        return None
    change = Change(whole_percent(old), whole_percent(new))
    return change if change.points > threshold else None


def meter_moved(then, now, threshold):
    """A MeterChange when two readings of the story's meter (articles.meters.Reading)
    differ by more than ``threshold`` points; None while either is missing or unscored."""
    if then is None or now is None or then.score is None or now.score is None:
        return None
    change = MeterChange(then.score, now.score, then.band, now.band)
    return change if change.points > threshold else None
