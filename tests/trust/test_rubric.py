"""The evidence layer's arithmetic: rounding that adds up, bands at their edges."""

from fractions import Fraction

import pytest

from trust import rubric


@pytest.mark.parametrize(
    ("rows", "score", "shares"),
    [
        # 13.5 + 14.25 + 2 + 5 + 3 = 37.75 -> 38; the extra point goes to the 0.5 remainder.
        ([(45, 30), (95, 15), (10, 20), (25, 20), (20, 15)], 38, [14, 14, 2, 5, 3]),
        # Three thirds of 100: 33.33 x 3 = 100, shares 34 + 33 + 33.
        ([(100, 33), (100, 33), (100, 34)], 100, [33, 33, 34]),
        ([(50, 50), (51, 50)], 51, [25, 26]),  # 25 + 25.5 = 50.5 rounds half up to 51
        ([(0, 100)], 0, [0]),
        ([(100, 60), (100, 40)], 100, [60, 40]),
    ],
)
def test_contributions_are_whole_points_that_add_up_to_the_score(rows, score, shares):
    assert rubric.weighted_contributions(rows) == (score, shares)


def test_contributions_always_add_up_to_the_score_they_round_to():
    for a in range(0, 101, 7):
        for b in range(0, 101, 11):
            score, shares = rubric.weighted_contributions([(a, 33), (b, 45), (77, 22)])
            assert sum(shares) == score
            exact = Fraction(a * 33 + b * 45 + 77 * 22, 100)
            assert abs(score - exact) <= Fraction(1, 2)


def test_rounding_is_half_up_not_to_even():
    assert rubric.round_half_up(Fraction(5, 2)) == 3
    assert rubric.round_half_up(Fraction(161, 2)) == 81
    assert rubric.round_half_up(Fraction(249, 100)) == 2


def test_mean_of_nothing_is_none():
    assert rubric.mean([]) is None
    assert rubric.mean([95, 40]) == Fraction(135, 2)


@pytest.mark.parametrize(
    ("score", "trust", "reality"),
    [
        (0, "Low", "Speculative"),
        (19, "Low", "Speculative"),
        (20, "Low", "Early signal"),
        (39, "Low", "Early signal"),
        (40, "Use with caution", "Plausible"),
        (60, "Generally reliable", "Likely"),
        (79, "Generally reliable", "Likely"),
        (80, "High", "Established"),
        (100, "High", "Established"),
    ],
)
def test_bands_cover_0_to_100_at_their_edges(score, trust, reality):
    assert rubric.band_for(score, rubric.TRUST_BANDS).label == trust
    assert rubric.band_for(score, rubric.REALITY_BANDS).label == reality


def test_a_score_outside_0_to_100_has_no_band():
    with pytest.raises(ValueError):
        rubric.band_for(101, rubric.TRUST_BANDS)


def test_a_source_earns_the_weights_of_the_criteria_it_meets():
    assert rubric.source_trust([(25, True), (15, False), (10, True)]) == 35
    assert rubric.source_trust([]) == 0


def test_the_sources_component_is_the_mean_trust_rounded_half_up():
    assert rubric.sources_component([80, 65]) == 73  # 72.5
    assert rubric.sources_component([80, 64]) == 72
    assert rubric.sources_component([]) is None


def test_a_story_is_scored_only_when_every_component_has_a_value():
    rows = [(45, 30), (95, 15), (10, 20), (25, 20), (20, 15)]
    assert rubric.story_score(rows) == 38  # 37.75, as the contributions above
    assert rubric.story_score([(45, 30), (None, 70)]) is None
    assert rubric.story_score([]) is None
