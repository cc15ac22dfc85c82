"""Writes with rules, one module per kind: a reader's read (reads.py) and forecast
(forecasts.py), each with the SQL it runs; the crowd's SQL (crowd.py) and the settler
that folds reader activity into the stored aggregates (settling.py); editors'
resolutions and the rebuilds from raw rows (editorial.py).

Reader writes never queue behind one row: a read is one statement (two for a change)
that holds the story's tally row only while it runs, and both reads and forecasts leave
the shared aggregates (topic interest, the community forecast) to the settler, which
folds them in about once a second. Editors' writes lock the question for their
transaction.
"""

from predictions.services.editorial import (
    rebuild_community_forecasts,
    rebuild_topic_interest,
    replay_history,
    resolve_question,
)
from predictions.services.forecasts import SUBMIT_ATTEMPTS, submit_forecast, withdraw_forecast
from predictions.services.reads import cast_read, withdraw_read

__all__ = [
    "SUBMIT_ATTEMPTS",
    "cast_read",
    "rebuild_community_forecasts",
    "rebuild_topic_interest",
    "replay_history",
    "resolve_question",
    "submit_forecast",
    "withdraw_forecast",
    "withdraw_read",
]
