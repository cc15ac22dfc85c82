"""Has the crowd moved since a reader's forecast? Pure arithmetic, no database.

The community forecast a reader saw is the median stored for the day they
forecast (predictions.AggregatePoint keeps one per day); it has "moved" when
today's median differs from it by more than a threshold in percentage points
(``FORECAST_CHANGE_THRESHOLD``), so that rounding and small drift stay quiet.
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
