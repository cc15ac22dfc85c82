"""The community forecast against hand-computed cases (weights e^(sqrt(n) - sqrt(N)))."""

import math

import pytest

from predictions.aggregation import (
    aggregate,
    histogram,
    latest,
    one_per_origin,
    recency_weights,
    replay,
    weighted_quantile,
)


def test_weights_favour_the_newest_forecast():
    assert recency_weights(3) == pytest.approx(
        [math.exp(1 - math.sqrt(3)), math.exp(math.sqrt(2) - math.sqrt(3)), 1.0]
    )
    assert recency_weights(3) == pytest.approx([0.480922, 0.727721, 1.0], abs=1e-6)


def test_no_forecasts_no_aggregate():
    result = aggregate([])
    assert (result.forecasters, result.median, result.histogram) == (0, None, [0] * 10)


def test_one_forecaster_is_the_whole_crowd():
    result = aggregate([30])
    assert (result.median, result.lower_quartile, result.upper_quartile) == (30, 30, 30)


def test_two_forecasters_the_newer_one_carries_the_median():
    # Weights 0.661 (older) and 1 (newer): total 1.661, half 0.830.
    assert aggregate([20, 80]).median == 80  # 20 reaches only 0.661
    assert aggregate([80, 20]).median == 20  # 20 alone (weight 1) passes half
    assert aggregate([20, 80]).lower_quartile == 20


def test_three_forecasters_by_hand():
    # Oldest first 10, 90, 40 weigh 0.481, 0.728, 1. Sorted: 10 (.481), 40 (1), 90 (.728).
    # Total 2.209: the median (1.104) and lower quartile (0.552) fall on 40,
    # the upper quartile (1.656) on 90.
    result = aggregate([10, 90, 40])
    assert (result.lower_quartile, result.median, result.upper_quartile) == (40, 40, 90)
    assert result.forecasters == 3


def test_ties_give_the_tied_value():
    assert aggregate([50, 50, 50]).median == 50


def test_an_exact_half_takes_the_lower_value():
    assert weighted_quantile([30, 70], [1.0, 1.0], 0.5) == 30


def test_histogram_counts_forecasts_in_ten_point_bands():
    assert histogram([1, 9, 10, 55, 99]) == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]


def test_replay_keeps_the_aggregate_at_the_end_of_each_day():
    forecasts = [
        ("a", "origin a", 20, "day 1"),
        ("b", "origin b", 80, "day 1"),  # [20, 80]: the newer 80 carries the median
        ("a", "origin a", 90, "day 2"),  # a's 90 replaces their 20, now the newest: [80, 90]
        ("b", "origin b", None, "day 3"),  # b withdraws: [90]
    ]
    by_day = replay(forecasts)
    assert list(by_day) == ["day 1", "day 2", "day 3"]
    assert [(point.forecasters, point.median) for point in by_day.values()] == [
        (2, 80),
        (2, 90),
        (1, 90),
    ]
    assert latest(by_day) == aggregate([90])


def test_a_question_never_forecast_ends_on_the_empty_aggregate():
    assert replay([]) == {}
    assert latest({}) == aggregate([])


def test_forecasts_from_one_origin_count_as_one_forecaster_at_its_newest_place():
    standing = [("home", 10), ("lab", 60), ("home", 90), ("home", 99), ("cafe", 40)]
    # home's 10, 90 and 99 are one forecaster at 90 (their lower median), placed where
    # home's newest stands, after the lab's.
    assert one_per_origin(standing) == [60, 90, 40]


def test_twenty_identities_from_one_address_move_the_crowd_as_one_reader_does():
    independent = [(f"reader {n}", 30 + n) for n in range(20)]
    stuffed = independent + [("one address", 99)] * 20
    honest = aggregate(one_per_origin(independent))
    with_stuffing = aggregate(one_per_origin(stuffed))
    assert with_stuffing.forecasters == 21
    assert abs(with_stuffing.median - honest.median) <= 5
    # Counted one per cookie, as before, the twenty would have carried the crowd.
    assert aggregate([probability for _, probability in stuffed]).median == 99


def test_replay_counts_each_origin_once():
    forecasts = [
        ("a", "home", 20, "day 1"),
        ("b", "home", 99, "day 1"),
        ("c", "lab", 70, "day 1"),
    ]
    point = latest(replay(forecasts))
    assert point.forecasters == 2
    assert point.histogram == histogram([20, 70])
