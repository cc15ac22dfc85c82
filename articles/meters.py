"""A story's rating over time, which the articles app cannot know: the readings of the
extension that rates stories (articles/extensions.py; trust's score history).

predictions (which must not import trust) asks what the meter said when a reader
forecast and what it says now; the calibration page asks what it said when a question
closed. Without a registered source every story has no readings, and nothing is said
of them.
"""

from dataclasses import dataclass
from datetime import datetime

from articles import extensions


@dataclass(frozen=True)
class Reading:
    """The meter as it stood from ``at``: a 0–100 score (None while unscored) and the
    name of its band as readers see it."""

    at: datetime
    score: int | None
    band: str = ""


def readings(story_ids):
    """{story id: [Reading, …]}, oldest first, in one query; {} without a source."""
    source = extensions.readings_source()
    story_ids = list(story_ids)
    if source is None or not story_ids:
        return {}
    return source(story_ids)


def reading_at(readings, moment):
    """The reading standing at ``moment`` (the last at or before it); None before the first."""
    earlier = [reading for reading in readings if reading.at <= moment]
    return earlier[-1] if earlier else None


def then_and_now(moments):
    """For {story id: moment}, {story id: (reading at that moment, latest reading)}, in one
    query; a story with no readings (or no source registered) is left out."""
    return {
        story_id: (reading_at(story_readings, moments[story_id]), story_readings[-1])
        for story_id, story_readings in readings(moments).items()
        if story_readings
    }
