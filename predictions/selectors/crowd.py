"""Who sees a question's crowd (its community forecast), and from when: one rule for the
prediction panel, the question pages, the front page's modules, the reader's own panels
and track record, and the API.

The crowd is shown to nobody, not even after the close, until CROWD_MIN_INDEPENDENT
independent forecasters have spoken: accounts, and the addresses of readers without one
(``Question.forecasters`` counts them so, predictions/aggregation.py). A few identities
from one address, or a handful of people, are not a crowd, and a crowd of one would let
a script write the headline figure. Past that, while the question is open, a reader who
has not forecast sees it once FORECAST_REVEAL_MIN_FORECASTERS have, so that they form
their own view first; a reader who has forecast sees it at once. The crowd's history
shows the days on which it had spoken so.
"""

from django.conf import settings

from predictions.models import Question


def has_quorum(forecasters):
    """Whether ``forecasters`` independent forecasters are enough for a crowd."""
    return forecasters >= settings.CROWD_MIN_INDEPENDENT


def shown_to_everyone(question, status):
    """Whether the shared pages show the question's crowd (see above)."""
    return has_quorum(question.forecasters) and (
        question.forecasters >= settings.FORECAST_REVEAL_MIN_FORECASTERS
        or status != Question.Status.OPEN
    )


def visible_to(question, status, *, has_forecast):
    """Whether a reader sees the question's crowd, given whether they have a standing
    forecast on it."""
    return has_quorum(question.forecasters) and (
        has_forecast or shown_to_everyone(question, status)
    )


def shown_points(points):
    """The days of the crowd's history (AggregatePoints) on which it had a quorum."""
    return [point for point in points if has_quorum(point.forecasters)]
