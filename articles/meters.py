"""A story's rating at a given time, which the articles app cannot know: a hook for the
app above that rates stories.

The reality meter and its history belong to trust, which articles must not import,
and predictions (which must not import trust either) asks what the meter said when a
reader forecast and what it says now. The project registers a provider at start-up
(newsroom/apps.py): given story ids, each story's readings, oldest first, in one
query. Without a provider every story has no readings, and nothing is said of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Reading:
    """The meter as it stood from ``at``: a 0–100 score (None while unscored) and the
    name of its band as readers see it."""

    at: datetime
    score: int | None
    band: str = ""


Provider = Callable[[Iterable[int]], dict[int, list[Reading]]]

_provider: Provider | None = None


def register(provider):
    """Make ``provider`` the source of every story's readings."""
    global _provider
    _provider = provider


def reading_at(readings, moment):
    """The reading standing at ``moment`` (the last at or before it); None before the first."""
    earlier = [reading for reading in readings if reading.at <= moment]
    return earlier[-1] if earlier else None


def then_and_now(moments):
    """For {story id: moment}, {story id: (reading at that moment, latest reading)}, in one
    query; a story with no readings (or no provider registered) is left out."""
    if _provider is None or not moments:
        return {}
    histories = _provider(list(moments))
    return {
        story_id: (reading_at(readings, moments[story_id]), readings[-1])
        for story_id, readings in histories.items()
        if readings
    }
