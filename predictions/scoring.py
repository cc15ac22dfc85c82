"""Proper scores for a resolved question, averaged over the time each forecast stood.

Brier score: (p - o)^2, 0 is perfect, 0.25 is what 50 % always earns, lower
is better (Brier 1950). Log score: ln(p) for the outcome that happened, 0 is
perfect, lower (more negative) is worse. Each of a reader's forecasts counts
for the time it stood inside the question's window [opens_at, closes_at];
time after a withdrawal counts for nothing.
"""

import math
from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Standing:
    """A forecast (probability in per cent, None for a withdrawal) and when it stood."""

    probability: int | None
    start: object
    end: object | None  # None: still standing at the close


@dataclass(frozen=True)
class ReaderScore:
    brier: float
    log_score: float
    final_probability: int


def brier(probability, happened):
    return (probability / 100 - (1.0 if happened else 0.0)) ** 2


def log_score(probability, happened):
    return math.log(probability / 100 if happened else 1 - probability / 100)


def time_averaged(standings, *, opens_at, closes_at, happened):
    """The reader's score, or None if none of their forecasts stood for any time."""
    weighted_brier = weighted_log = total = 0.0
    final = None
    for standing in standings:
        if standing.probability is None:
            continue
        start = max(standing.start, opens_at)
        end = min(standing.end or closes_at, closes_at)
        seconds = (end - start).total_seconds()
        if seconds <= 0:
            continue
        weighted_brier += seconds * brier(standing.probability, happened)
        weighted_log += seconds * log_score(standing.probability, happened)
        total += seconds
        final = standing.probability
    if not total:
        return None
    return ReaderScore(weighted_brier / total, weighted_log / total, final)


def score_readers(forecasts, *, opens_at, closes_at, happened):
    """Each reader's score on a resolved question, as {reader: ReaderScore}.

    ``forecasts`` are (reader, probability, made_at, superseded_at) in the order they
    were made (probability None for a withdrawal); readers none of whose forecasts stood
    inside the window get no score.
    """
    by_reader = defaultdict(list)
    for reader, probability, made_at, superseded_at in forecasts:
        by_reader[reader].append(Standing(probability, made_at, superseded_at))
    scores = {}
    for reader, standings in by_reader.items():
        result = time_averaged(standings, opens_at=opens_at, closes_at=closes_at, happened=happened)
        if result is not None:
            scores[reader] = result
    return scores
