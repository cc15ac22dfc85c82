"""The arithmetic of the site's charts: scales, ticks and marks. No database here.

The charts are inline SVG drawn without a viewBox: every position is a percentage of the
plot's box (0 at its left or top edge, 100 at its right or bottom, as SVG's own axes
run), so a plot stretches to any width while its dots, strokes and text keep the page's
sizes and stay readable on a phone. The templates put "%" after these numbers.
"""

from dataclasses import dataclass, replace
from datetime import MINYEAR, date, datetime, time, timedelta

from django.utils import dateformat


@dataclass(frozen=True)
class Tick:
    """A labelled point of an axis, ``at`` per cent along it from its low end. ``anchor``
    is how a label written along the axis sits on the tick: the end ticks' labels lean
    inwards so that neither overhangs the plot. On a time axis finer than years,
    ``year`` goes on a line of its own under the first label and wherever the year
    turns, so that the labels above stay short enough for a phone."""

    label: str
    at: float
    anchor: str = "middle"
    year: str = ""

    @property
    def from_top(self):
        """Where the tick sits on an upright axis, whose low end is at the bottom."""
        return round(100 - self.at, 2)


def position(value, low, high):
    """``value`` as per cent of the way from ``low`` to ``high``; the middle when the two
    are equal."""
    if high == low:
        return 50.0
    return round(100 * (value - low) / (high - low), 2)


def _anchored(ticks):
    """The ticks with the first label leaning right and the last leaning left."""
    last = len(ticks) - 1
    return [
        replace(tick, anchor="start" if i == 0 else "end" if i == last else "middle")
        for i, tick in enumerate(ticks)
    ]


def linear_ticks(low, high, step):
    """Ticks every ``step`` from ``low`` to ``high``, both ends included."""
    if step <= 0 or high <= low:
        raise ValueError("ticks need a positive step over a range that rises")
    count = int((high - low) // step)
    values = [low + index * step for index in range(count + 1)]
    return _anchored([Tick(f"{value:g}", position(value, low, high)) for value in values])


# Time: calendar steps from fine to coarse; an axis takes the finest that needs no more
# ticks than it has room for, and widens to whole steps so that it begins and ends on one.
CALENDAR_STEPS = (
    ("day", 1),
    ("week", 1),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    ("year", 1),
    ("year", 2),
    ("year", 5),
    ("year", 10),
    ("year", 20),
    ("year", 50),
    ("year", 100),
)
LABEL_FORMATS = {"day": "j M", "week": "j M", "month": "M", "year": "Y"}


def _floor(day, unit, count):
    """The step boundary at or before ``day``: weeks begin on Mondays, months and years
    on multiples of ``count`` (January, April, July, October for quarters)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return date(day.year, (day.month - 1) // count * count + 1, 1)
    return date(max(day.year // count * count, MINYEAR), 1, 1)


def _after(day, unit, count):
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    if unit == "month":
        months = day.year * 12 + day.month - 1 + count
        return date(months // 12, months % 12 + 1, 1)
    return date(day.year + count, 1, 1)


def _tick(day, at, unit, previous):
    turned = unit != "year" and (previous is None or previous.year != day.year)
    return Tick(
        dateformat.format(day, LABEL_FORMATS[unit]),
        at,
        year=dateformat.format(day, "Y") if turned else "",
    )


@dataclass(frozen=True)
class TimeAxis:
    """A time axis from ``start`` to ``end`` (whole calendar steps) and its ticks."""

    start: datetime
    end: datetime
    ticks: list[Tick]

    @property
    def has_years(self):
        """Whether some tick has its year on a line under its label."""
        return any(tick.year for tick in self.ticks)

    def at(self, moment):
        """Per cent of the way across for ``moment``."""
        span = (self.end - self.start).total_seconds()
        return position((moment - self.start).total_seconds(), 0, span)


def time_axis(first, last, *, max_ticks=5):
    """An axis over the moments ``first`` to ``last`` (timezone-aware, in the zone the
    labels should read in), widened to the finest calendar step that labels it in at
    most ``max_ticks`` ticks. Never fewer than two ticks, so a single moment gets the day
    it falls in."""
    if max_ticks < 2:
        raise ValueError("an axis needs room for two ticks")
    zone = first.tzinfo

    def moment(day):
        return datetime.combine(day, time(), tzinfo=zone)

    def boundaries(unit, count, limit):
        """The step's boundaries over the moments; None past ``limit`` of them."""
        days = [_floor(first.date(), unit, count)]
        while len(days) < 2 or moment(days[-1]) < last:
            if limit and len(days) == limit:
                return None
            try:
                days.append(_after(days[-1], unit, count))
            except (OverflowError, ValueError):  # past the calendar's last day
                break
        return days

    for unit, count in CALENDAR_STEPS[:-1]:
        days = boundaries(unit, count, max_ticks)
        if days:
            break
    else:  # centuries apart: the coarsest step, however many ticks it takes
        unit, count = CALENDAR_STEPS[-1]
        days = boundaries(unit, count, None)
    start, end = moment(days[0]), moment(days[-1])
    span = (end - start).total_seconds()
    ticks = [
        _tick(
            day,
            position((moment(day) - start).total_seconds(), 0, span),
            unit,
            days[index - 1] if index else None,
        )
        for index, day in enumerate(days)
    ]
    return TimeAxis(start=start, end=end, ticks=_anchored(ticks))


# A value that holds until it changes (a score between its moves), drawn as steps.
# A dot's number goes where no line runs: away from the step that arrives at it, and
# beside it when that side has no room (within LABEL_ROOM per cent of the plot's edge).
LABEL_ROOM = 12


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Mark:
    """A point with a value: its ``number`` counts every point from 1, valued or not,
    so that it matches a numbered list of them all. ``side`` is where the number goes:
    "above", "below" or "left" of the dot."""

    number: int
    x: float
    y: float
    side: str


@dataclass(frozen=True)
class StepChart:
    axis: TimeAxis
    y_ticks: list[Tick]
    segments: list[Segment]
    marks: list[Mark]


def _number_side(y, arriving_from):
    """Above the dot, unless the step arrives from above or the top is too near."""
    free = ["above", "below"]
    if arriving_from is not None and arriving_from < y:
        free = ["below"]
    elif arriving_from is not None and arriving_from > y:
        free = ["above"]
    room = {"above": y >= LABEL_ROOM, "below": y <= 100 - LABEL_ROOM}
    return next((side for side in free if room[side]), "left")


def step_chart(points, *, low=0, high=100, step=20):
    """Steps through (moment, value) points, oldest first; a value of None (nothing to
    show then) leaves a gap until the next value. None without a single value."""
    valued = [at for at, value in points if value is not None]
    if not valued:
        return None
    axis = time_axis(valued[0], points[-1][0])

    def down(value):
        return round(100 - position(value, low, high), 2)

    segments, marks = [], []
    previous = None  # (x, y) of the point before, while it had a value
    for number, (at, value) in enumerate(points, start=1):
        x = axis.at(at)
        if previous is not None:
            segments.append(Segment(previous[0], previous[1], x, previous[1]))
        if value is None:
            previous = None
            continue
        y = down(value)
        arriving_from = previous[1] if previous is not None else None
        if arriving_from is not None and arriving_from != y:
            segments.append(Segment(x, arriving_from, x, y))
        marks.append(Mark(number, x, y, _number_side(y, arriving_from)))
        previous = (x, y)
    return StepChart(
        axis=axis,
        y_ticks=linear_ticks(low, high, step),
        segments=segments,
        marks=marks,
    )
