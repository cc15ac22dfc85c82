"""The share card's arithmetic (trust/card_layout.py): headlines cleaned, wrapped and cut
to their box, whatever they hold; the gauge turned by the score. No fonts, no database:
text is measured here at a fixed width per character."""

from hypothesis import given
from hypothesis import strategies as st

from trust import card_layout as layout


def measure(text):
    return 10 * len(text)


def test_a_headline_is_broken_between_words_into_lines_that_fit():
    lines, left_out = layout.wrap(
        "Stem-like memory T cells put some patients into remission",
        measure=measure,
        width=200,
        max_lines=5,
    )

    assert lines == ("Stem-like memory T", "cells put some", "patients into", "remission")
    assert not left_out


def test_a_headline_too_long_for_its_lines_ends_with_an_ellipsis():
    lines, left_out = layout.wrap(
        "one two three four five six seven", measure=measure, width=100, max_lines=2
    )

    assert left_out
    assert lines == ("one two", "three…")


def test_a_word_wider_than_the_line_is_broken_inside():
    lines, left_out = layout.wrap(
        "see https://example.org/aaaaaaaaaa", measure=measure, width=100, max_lines=4
    )

    assert lines == ("see", "https://ex", "ample.org/", "aaaaaaaaaa")
    assert not left_out


def test_cleaning_drops_control_characters_and_keeps_one_line():
    assert layout.clean("Line one\nline\ttwo\x00\x1b[31m  end\u200f") == (
        "Line one line two[31m end\u200f"
    )


def test_cleaning_drops_bidi_overrides_and_words_that_draw_nothing():
    assert layout.clean("\u202eevil\u202c \u2067isolated\u2069 a \u200d\ufe0f b") == (
        "evil isolated a b"
    )


def test_cleaning_bounds_a_huge_headline_by_whole_words():
    cleaned = layout.clean("word " * 10_000)

    assert len(cleaned) <= layout.MAX_TEXT + 1
    assert cleaned.endswith("word…")


def test_cleaning_bounds_a_huge_headline_without_spaces():
    cleaned = layout.clean("x" * 10_000)

    assert cleaned == "x" * layout.MAX_TEXT + "…"


def test_a_headline_in_hebrew_or_arabic_is_set_flush_right():
    assert layout.is_right_to_left("مرحبا بالعالم LK-99")
    assert layout.is_right_to_left("2023: מוליך-על")
    assert not layout.is_right_to_left("LK-99 מוליך-על")
    assert not layout.is_right_to_left("123 🧪")


def test_the_largest_size_that_holds_the_whole_headline_is_chosen():
    def measure_at(size):
        return lambda text: size * len(text) // 2

    short = layout.fit_headline("A short headline", measure_at=measure_at)
    long = layout.fit_headline("word " * 60, measure_at=measure_at)

    assert short.size == layout.HEADLINE_SIZES[0]
    assert long.size == layout.HEADLINE_SIZES[-1]
    assert long.lines[-1].endswith("…")
    assert len(long.lines) * long.line_height <= layout.HEADLINE_BOTTOM - layout.HEADLINE_TOP


def test_the_gauge_turns_half_a_circle_from_nine_o_clock_for_a_hundred():
    assert layout.gauge_angles(0) == (180.0, 180.0)
    assert layout.gauge_angles(50) == (180.0, 270.0)
    assert layout.gauge_angles(100) == (180.0, 360.0)
    assert layout.gauge_angles(250) == (180.0, 360.0)


@given(
    text=st.text(max_size=600),
    width=st.integers(min_value=10, max_value=700),
    max_lines=st.integers(min_value=1, max_value=8),
)
def test_no_line_is_wider_than_its_box_and_there_are_never_too_many(text, width, max_lines):
    cleaned = layout.clean(text)

    lines, left_out = layout.wrap(cleaned, measure=measure, width=width, max_lines=max_lines)

    assert len(lines) <= max_lines
    assert all(measure(line) <= width for line in lines)
    if not left_out:
        assert " ".join(lines).replace(" ", "") == cleaned.replace(" ", "")
