"""Brier and log scores, averaged over the time each forecast stood, and the leaderboard's
ranking score, by hand."""

import math
from datetime import UTC, datetime, timedelta

import pytest

from predictions.scoring import (
    BASELINE_BRIER,
    Standing,
    brier,
    log_score,
    ranking_score,
    score_readers,
    time_averaged,
)

OPENS = datetime(2025, 1, 1, tzinfo=UTC)
CLOSES = OPENS + timedelta(days=100)


def at(days):
    return OPENS + timedelta(days=days)


def test_brier_and_log_of_single_forecasts():
    assert brier(80, True) == pytest.approx(0.04)
    assert brier(80, False) == pytest.approx(0.64)
    assert log_score(80, True) == pytest.approx(math.log(0.8))
    assert log_score(80, False) == pytest.approx(math.log(0.2))


def test_a_forecast_changed_halfway_counts_half_each():
    standings = [Standing(80, at(0), at(50)), Standing(40, at(50), None)]
    result = time_averaged(standings, opens_at=OPENS, closes_at=CLOSES, happened=True)
    assert result.brier == pytest.approx((0.04 + 0.36) / 2)  # 0.20
    assert result.log_score == pytest.approx((math.log(0.8) + math.log(0.4)) / 2)  # -0.5697
    assert result.final_probability == 40


def test_unequal_spans_weigh_by_time():
    standings = [Standing(90, at(0), at(75)), Standing(10, at(75), None)]
    result = time_averaged(standings, opens_at=OPENS, closes_at=CLOSES, happened=False)
    assert result.brier == pytest.approx(0.75 * 0.81 + 0.25 * 0.01)  # 0.61


def test_time_outside_the_window_does_not_count():
    standings = [Standing(70, at(-10), at(20)), Standing(30, at(20), at(130))]
    result = time_averaged(standings, opens_at=OPENS, closes_at=CLOSES, happened=True)
    assert result.brier == pytest.approx(0.2 * 0.09 + 0.8 * 0.49)


def test_time_after_a_withdrawal_counts_for_nothing():
    standings = [Standing(60, at(0), at(25)), Standing(None, at(25), None)]
    result = time_averaged(standings, opens_at=OPENS, closes_at=CLOSES, happened=True)
    assert result.brier == pytest.approx(0.16)
    assert result.final_probability == 60


def test_a_reader_whose_forecasts_never_stood_has_no_score():
    standings = [Standing(None, at(0), None)]
    assert time_averaged(standings, opens_at=OPENS, closes_at=CLOSES, happened=True) is None


def test_each_reader_is_scored_on_their_own_forecasts():
    forecasts = [
        ("changed", 80, at(0), at(50)),
        ("withdrew", 60, at(0), at(25)),
        ("only-withdrew", None, at(10), None),
        ("withdrew", None, at(25), None),
        ("changed", 40, at(50), None),
    ]
    scores = score_readers(forecasts, opens_at=OPENS, closes_at=CLOSES, happened=True)
    assert set(scores) == {"changed", "withdrew"}  # a lone withdrawal never stood
    assert scores["changed"].brier == pytest.approx(0.20)  # (0.04 + 0.36) / 2
    assert scores["changed"].final_probability == 40
    assert scores["withdrew"].brier == pytest.approx(0.16)
    assert scores["withdrew"].log_score == pytest.approx(math.log(0.6))


def test_ranking_score_shrinks_a_short_record_toward_the_baseline():
    assert ranking_score(0, 0.0) == BASELINE_BRIER
    assert ranking_score(10, 0.05) == pytest.approx((10 * 0.05 + 10 * 0.25) / 20)
    # A perfect record on three questions ranks behind a steady one on thirty.
    assert ranking_score(3, 0.0) > ranking_score(30, 0.15)
    # A long record counts almost in full.
    assert ranking_score(10_000, 0.1) == pytest.approx(0.1, abs=1e-3)
