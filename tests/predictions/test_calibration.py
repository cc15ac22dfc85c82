"""predictions/calibration.py: reliability buckets and Brier scores, pure arithmetic."""

import pytest

from predictions.calibration import Outcome, baseline_brier, mean_brier, reliability


def test_reliability_puts_each_forecast_in_its_ten_point_band():
    buckets = reliability(
        [Outcome(5, False), Outcome(67, True), Outcome(61, False), Outcome(100, True)]
    )
    assert len(buckets) == 10
    assert (buckets[0].forecasts, buckets[0].observed) == (1, 0)
    assert (buckets[6].forecasts, buckets[6].mean_forecast, buckets[6].observed) == (2, 64, 50)
    assert (buckets[9].low, buckets[9].high, buckets[9].forecasts) == (90, 99, 1)
    assert [b.forecasts for b in buckets].count(0) == 7
    assert buckets[3].mean_forecast is None and buckets[3].observed is None


def test_bucket_plot_coordinates_put_yes_at_the_top():
    [bucket] = [b for b in reliability([Outcome(81, True), Outcome(85, True)]) if b.forecasts]
    assert (bucket.x, bucket.y) == (83, 0)


def test_mean_brier_is_the_mean_squared_gap_to_the_outcome():
    outcomes = [Outcome(67, True), Outcome(10, False), Outcome(77, True), Outcome(81, True)]
    expected = (0.33**2 + 0.10**2 + 0.23**2 + 0.19**2) / 4
    assert mean_brier(outcomes) == pytest.approx(expected)
    assert mean_brier([Outcome(100, True), Outcome(0, False)]) == 0
    assert mean_brier([Outcome(0, True)]) == 1


def test_the_baseline_is_what_fifty_per_cent_always_earns():
    outcomes = [Outcome(90, True), Outcome(20, False), Outcome(3, True)]
    assert baseline_brier(outcomes) == pytest.approx(0.25)


def test_no_outcomes_have_no_scores():
    assert mean_brier([]) is None and baseline_brier([]) is None
    assert all(bucket.forecasts == 0 for bucket in reliability([]))
