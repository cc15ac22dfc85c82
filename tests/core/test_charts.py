"""The charts' arithmetic (core/charts.py): ticks, scales and the steps of a score."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import charts


def at(*args, zone=UTC):
    return datetime(*args, tzinfo=zone)


def labels(ticks):
    return [(tick.label, tick.year) for tick in ticks]


# Scales and linear ticks


def test_a_scale_puts_0_and_100_at_the_ends_and_an_empty_range_in_the_middle():
    assert charts.position(0, 0, 100) == 0
    assert charts.position(100, 0, 100) == 100
    assert charts.position(37, 0, 100) == 37
    assert charts.position(5, 5, 5) == 50


def test_score_ticks_run_0_to_100_with_the_end_labels_leaning_inwards():
    ticks = charts.linear_ticks(0, 100, 20)
    assert [(t.label, t.at) for t in ticks] == [
        ("0", 0),
        ("20", 20),
        ("40", 40),
        ("60", 60),
        ("80", 80),
        ("100", 100),
    ]
    assert [t.anchor for t in ticks] == ["start"] + ["middle"] * 4 + ["end"]
    # On an upright axis 100 is at the top of the plot, 0 at its bottom.
    assert (ticks[-1].from_top, ticks[0].from_top) == (0, 100)


@pytest.mark.parametrize(("low", "high", "step"), [(0, 100, 0), (0, 100, -5), (10, 10, 1)])
def test_ticks_refuse_a_step_or_range_that_cannot_be_drawn(low, high, step):
    with pytest.raises(ValueError):
        charts.linear_ticks(low, high, step)


# Time axes


def test_months_apart_get_quarters_with_each_year_once():
    axis = charts.time_axis(at(2023, 3, 10, 8), at(2023, 11, 8, 9))
    assert (axis.start, axis.end) == (at(2023, 1, 1), at(2024, 1, 1))
    assert labels(axis.ticks) == [
        ("Jan", "2023"),
        ("Apr", ""),
        ("Jul", ""),
        ("Oct", ""),
        ("Jan", "2024"),
    ]
    assert axis.has_years
    assert [t.anchor for t in axis.ticks] == ["start", "middle", "middle", "middle", "end"]
    assert axis.at(at(2023, 7, 2, 12)) == 50


def test_three_weeks_get_a_tick_each_monday():
    axis = charts.time_axis(at(2023, 7, 26, 8), at(2023, 8, 16, 12))
    assert labels(axis.ticks) == [
        ("24 Jul", "2023"),
        ("31 Jul", ""),
        ("7 Aug", ""),
        ("14 Aug", ""),
        ("21 Aug", ""),
    ]
    assert [t.at for t in axis.ticks] == [0, 25, 50, 75, 100]


def test_one_moment_gets_the_day_it_falls_in():
    axis = charts.time_axis(at(2023, 7, 26, 6), at(2023, 7, 26, 6))
    assert labels(axis.ticks) == [("26 Jul", "2023"), ("27 Jul", "")]
    assert axis.at(at(2023, 7, 26, 6)) == 25


def test_years_apart_are_labelled_by_year_alone_in_few_ticks():
    axis = charts.time_axis(at(2021, 7, 26), at(2026, 12, 16))
    assert labels(axis.ticks) == [(str(year), "") for year in (2020, 2022, 2024, 2026, 2028)]
    assert not axis.has_years


@pytest.mark.parametrize("days", [0, 1, 6, 20, 45, 100, 400, 1000, 5000, 40000])
def test_an_axis_never_needs_more_ticks_than_it_has_room_for(days):
    first = at(2023, 3, 10, 8)
    axis = charts.time_axis(first, first + timedelta(days=days), max_ticks=4)
    assert 2 <= len(axis.ticks) <= 4
    assert axis.at(first) >= 0 and axis.at(first + timedelta(days=days)) <= 100


def test_ticks_fall_on_the_days_of_the_readers_zone():
    sydney = ZoneInfo("Australia/Sydney")
    # 20:00 UTC on 31 March is already 1 April in Sydney.
    first = at(2023, 3, 31, 20).astimezone(sydney)
    axis = charts.time_axis(first, first + timedelta(days=2))
    assert axis.ticks[0].label == "1 Apr" and axis.start == at(2023, 4, 1, zone=sydney)


def test_centuries_apart_still_make_an_axis():
    axis = charts.time_axis(at(1, 1, 1), at(2026, 1, 1))
    assert axis.start.year == 1 and axis.ticks[-1].label == "2101"


# A score's steps


def test_no_history_has_no_chart():
    assert charts.step_chart([]) is None
    assert charts.step_chart([(at(2023, 1, 1), None)]) is None


def test_one_score_is_one_numbered_dot_and_no_line():
    chart = charts.step_chart([(at(2023, 7, 26, 6), 40)])
    [mark] = chart.marks
    assert (mark.number, mark.x, mark.y, mark.side) == (1, 25, 60, "above")
    assert chart.segments == []
    assert [t.label for t in chart.y_ticks] == ["0", "20", "40", "60", "80", "100"]


def test_a_score_holds_until_its_next_change_then_steps():
    chart = charts.step_chart([(at(2023, 7, 24), 60), (at(2023, 8, 7), 40), (at(2023, 8, 21), 70)])
    assert [(m.number, m.x, m.y) for m in chart.marks] == [(1, 0, 40), (2, 50, 60), (3, 100, 30)]
    assert [(s.x1, s.y1, s.x2, s.y2) for s in chart.segments] == [
        (0, 40, 50, 40),  # held at 60
        (50, 40, 50, 60),  # down to 40
        (50, 60, 100, 60),  # held at 40
        (100, 60, 100, 30),  # up to 70
    ]
    # Each number sits where no line runs: the first above its dot, the second below
    # (the line comes down into it), the third above (the line comes up into it).
    assert [m.side for m in chart.marks] == ["above", "below", "above"]


def test_scores_of_0_and_100_keep_their_numbers_inside_the_chart():
    chart = charts.step_chart([(at(2023, 1, 2), 100), (at(2023, 1, 3), 0), (at(2023, 1, 4), 100)])
    assert [(m.y, m.side) for m in chart.marks] == [(0, "below"), (100, "left"), (0, "left")]


def test_an_unscored_spell_is_a_gap_and_keeps_the_numbering_of_the_list():
    chart = charts.step_chart(
        [(at(2023, 7, 24), 50), (at(2023, 7, 31), None), (at(2023, 8, 7), 60)]
    )
    assert [(m.number, m.x) for m in chart.marks] == [(1, 0), (3, 100)]
    # Held until the score was withdrawn, then nothing until the next score.
    assert [(s.x1, s.y1, s.x2, s.y2) for s in chart.segments] == [(0, 50, 50, 50)]
