"""Proper scores for a resolved question, averaged over the time each forecast stood.

Brier score: (p - o)^2, 0 is perfect, 0.25 is what 50 % always earns, lower
is better (Brier 1950). Log score: ln(p) for the outcome that happened, 0 is
perfect, lower (more negative) is worse. Each of a reader's forecasts counts
for the time it stood inside the question's window [opens_at, closes_at];
time after a withdrawal counts for nothing.

The leaderboard ranks by ``ranking_score``: a reader's mean Brier score shrunk toward
the baseline by how few questions they have resolved.
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


# What always answering 50 % earns on every question: the score a reader is presumed to
# have before their record says otherwise.
BASELINE_BRIER = 0.25
# How many resolved questions that presumption weighs: with n of their own, a reader's
# record counts for n / (n + PRIOR_QUESTIONS) of their ranking score.
PRIOR_QUESTIONS = 10


def ranking_score(questions, mean_brier, *, prior=PRIOR_QUESTIONS, baseline=BASELINE_BRIER):
    """A reader's mean Brier score over ``questions`` resolved questions, shrunk toward
    ``baseline`` as if they had answered ``prior`` more questions at it:

        (n × mean_brier + k × baseline) / (n + k)

    The credibility weighting of Bühlmann (1967, "Experience rating and credibility"),
    Z = n / (n + k), which is also the empirical-Bayes shrinkage of Efron and Morris
    (1975): a few answers, lucky or hedged over many identities, move the score little;
    a long record moves it all the way. Lower is better, as for the Brier score."""
    return (questions * mean_brier + prior * baseline) / (questions + prior)
