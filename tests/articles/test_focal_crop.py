"""Where a fixed-shape crop goes around a picture's focal point (articles/focal_crop.py)."""

import pytest

from articles.focal_crop import Box, crop_box
from articles.images import variant_widths


def test_a_wide_picture_cropped_to_a_narrower_shape_keeps_its_full_height():
    assert crop_box(1000, 600, 3 / 2) == Box(left=50, top=0, width=900, height=600)


def test_a_tall_picture_cropped_to_a_wider_shape_keeps_its_full_width():
    assert crop_box(600, 1000, 1200 / 630) == Box(left=0, top=342, width=600, height=315)


def test_the_crop_is_centred_on_the_focal_point():
    box = crop_box(2000, 1000, 1, focal_x=0.4)
    assert box == Box(left=300, top=0, width=1000, height=1000)
    assert box.left + box.width / 2 == 0.4 * 2000


@pytest.mark.parametrize(
    ("focus", "expected_left"),
    [((0.0, 0.5), 0), ((0.05, 0.5), 0), ((1.0, 0.5), 1000), ((0.98, 0.5), 1000)],
    ids=["left edge", "near the left", "right edge", "near the right"],
)
def test_a_focal_point_near_an_edge_puts_the_crop_against_that_edge(focus, expected_left):
    box = crop_box(2000, 1000, 1, *focus)
    assert box.left == expected_left
    assert 0 <= box.left and box.left + box.width <= 2000


def test_a_focal_point_in_a_corner_keeps_the_corner():
    box = crop_box(1000, 1000, 1200 / 630, focal_x=1.0, focal_y=1.0)
    assert box.pillow == (0, 475, 1000, 1000)


def test_a_focal_point_outside_the_picture_is_held_at_its_edge():
    assert crop_box(2000, 1000, 1, focal_x=7.0) == crop_box(2000, 1000, 1, focal_x=1.0)
    assert crop_box(2000, 1000, 1, focal_x=-3.0) == crop_box(2000, 1000, 1, focal_x=0.0)


def test_a_picture_already_in_the_shape_is_kept_whole():
    assert crop_box(1200, 800, 3 / 2, 0.1, 0.9) == Box(0, 0, 1200, 800)


def test_no_crop_of_nothing():
    with pytest.raises(ValueError, match="larger than nothing"):
        crop_box(0, 600, 3 / 2)


@pytest.mark.parametrize(
    ("width", "steps", "expected"),
    [
        (1350, (480, 800, 1200), [480, 800, 1200]),
        (2400, (480, 800, 1200, 1600), [480, 800, 1200, 1600]),
        (1000, (480, 800, 1200, 1600), [480, 800, 1000]),
        (400, (480, 800), [400]),
    ],
    ids=["crop wider than its widest step", "original wider", "between steps", "narrow"],
)
def test_each_width_is_made_once_and_never_enlarged(width, steps, expected):
    assert variant_widths(width, steps) == expected
