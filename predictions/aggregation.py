"""The community forecast: a recency-weighted median of readers' standing forecasts.

Following Metaculus's community prediction (the method page describes it too):
order the N standing forecasts oldest first; the n-th weighs
e^(sqrt(n) - sqrt(N)), so the newest weighs 1 and older ones fade. A quantile
q is the smallest forecast whose cumulative weight (forecasts sorted by
probability) reaches q of the total weight; at an exact half the lower value
is taken. Quantiles are therefore always one of the forecasts made.

Identities without an account are cheap (such a reader is a cookie), so the crowd
counts forecasters, not cookies: the standing forecasts made without an account from one
origin (core/origins.py: one network address) count as one forecaster, whose forecast is
the lower median of theirs, in the place of the newest of them (``one_per_origin``).
Twenty identities from one address move the crowd as one reader does. An account's
forecasts carry no origin, so each account counts on its own, even from an address it
shares (a university's, an office's): an account is the cost that makes an identity
count apart (predictions/services/forecasts.py).
"""

import math
from dataclasses import dataclass

HISTOGRAM_BUCKETS = 10  # 1–9 %, 10–19 %, …, 90–99 %


@dataclass(frozen=True)
class Aggregate:
    forecasters: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    histogram: list[int]


def recency_weights(count):
    return [math.exp(math.sqrt(n) - math.sqrt(count)) for n in range(1, count + 1)]


def weighted_quantile(values, weights, q):
    pairs = sorted(zip(values, weights, strict=True))
    target = q * sum(weights)
    cumulative = 0.0
    for value, weight in pairs:
        cumulative += weight
        # A relative tolerance so that an exact half is not lost to float rounding.
        if cumulative >= target * (1 - 1e-12):
            return value
    return pairs[-1][0]


def histogram(probabilities):
    counts = [0] * HISTOGRAM_BUCKETS
    for probability in probabilities:
        counts[min(probability // 10, HISTOGRAM_BUCKETS - 1)] += 1
    return counts


def lower_median(values):
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def one_per_origin(standing_oldest_first):
    """One probability per origin, oldest first: the lower median of the origin's standing
    forecasts, placed at its newest. ``standing_oldest_first`` holds (origin, probability)."""
    by_origin = {}
    for origin, probability in standing_oldest_first:
        # Popped and put back: an origin stands where its newest forecast does.
        by_origin[origin] = [*by_origin.pop(origin, []), probability]
    return [lower_median(probabilities) for probabilities in by_origin.values()]


def aggregate(probabilities_oldest_first):
    """The stored aggregate of standing forecasts (one per origin), given oldest first."""
    probabilities = list(probabilities_oldest_first)
    if not probabilities:
        return Aggregate(0, None, None, None, histogram([]))
    weights = recency_weights(len(probabilities))
    return Aggregate(
        forecasters=len(probabilities),
        median=weighted_quantile(probabilities, weights, 0.5),
        lower_quartile=weighted_quantile(probabilities, weights, 0.25),
        upper_quartile=weighted_quantile(probabilities, weights, 0.75),
        histogram=histogram(probabilities),
    )


def replay(forecasts):
    """The aggregate at the end of each day on which forecasts were made, oldest day first.

    ``forecasts`` are (reader, origin, probability, day) in the order they were made, with
    probability None for a withdrawal. A reader's newer forecast replaces their older one
    and moves them to the newest place, as the standing forecasts are ordered; each
    origin then counts once (``one_per_origin``).
    """
    standing, by_day = {}, {}
    for reader, origin, probability, day in forecasts:
        standing.pop(reader, None)
        if probability is not None:
            standing[reader] = (origin, probability)  # newest last: dicts keep their order
        by_day[day] = aggregate(one_per_origin(standing.values()))
    return by_day


def latest(by_day):
    """The aggregate a replay ends on: the stored community forecast."""
    return next(reversed(by_day.values()), aggregate([]))
