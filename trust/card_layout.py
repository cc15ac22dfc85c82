"""The arithmetic of a story's share card: where things go, how a headline is cleaned,
wrapped and cut to its box, and how far the gauge turns. No Pillow and no database here:
trust/share_cards.py draws with these numbers, measuring text with the font it draws in
(``measure(text) -> width in pixels``), and the tests measure with anything they like.

Every headline fits, whatever it holds: it is cut to ``MAX_TEXT`` characters before it is
measured (so a long one costs no more than a short one), broken between words where it
can and inside a word where it must, and ended with an ellipsis when lines run out.
"""

import math
import unicodedata
from dataclasses import dataclass

# Open Graph's and Twitter's large preview: 1.91 to 1. Positions are the tops of texts
# (or their baselines where it says so), in pixels; sizes are font sizes.
WIDTH, HEIGHT = 1200, 630
MARGIN = 64
# The left column: the site's name over a rule, the headline, the tagline at the foot.
PANEL_LEFT = 800
COLUMN_WIDTH = PANEL_LEFT - 2 * MARGIN + 16
SITE_NAME_TOP, SITE_NAME_SIZE, RULE_AT = 56, 34, 112
HEADLINE_TOP, HEADLINE_BOTTOM = 150, 540
HEADLINE_SIZES = (64, 58, 52, 46, 40)
LINE_SPACING = 1.18
TAGLINE_TOP, TAGLINE_SIZE = 566, 22
# More than enough for any headline the form takes (160 characters) in the smallest size.
MAX_TEXT = 400
ELLIPSIS = "…"
# The score panel on the right, its texts centred: "Reality score", the gauge (a half
# circle standing on its diameter) with the score inside, "out of 100", the band, and
# the evidence stage in up to three lines.
PANEL_CENTRE = (PANEL_LEFT + WIDTH) // 2
PANEL_LABEL_TOP, PANEL_LABEL_SIZE = 58, 24
GAUGE_CENTRE = (PANEL_CENTRE, 300)
GAUGE_RADIUS, GAUGE_STROKE = 150, 26
SCORE_BASELINE, SCORE_SIZE = GAUGE_CENTRE[1] - 8, 80
OUT_OF_TOP, OUT_OF_SIZE = GAUGE_CENTRE[1] + 12, 22
BAND_TOP, BAND_SIZE = GAUGE_CENTRE[1] + 70, 38
STAGE_TOP, STAGE_SIZE, STAGE_LINE_HEIGHT = GAUGE_CENTRE[1] + 136, 22, 30
STAGE_WIDTH, STAGE_LINES = WIDTH - PANEL_LEFT - 80, 3
# The band's colour along the foot of the card.
STRIPE_HEIGHT = 14
# Categories dropped before drawing: control characters, surrogates, unassigned code points.
_DROPPED = {"Cc", "Cs", "Cn"}
# Explicit bidirectional embeddings, overrides and isolates are dropped too: left open, one
# turns the rest of a line around, and the bidi algorithm orders a headline without them.
_BIDI_CONTROLS = {chr(code) for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
# What draws nothing on its own: a word made only of these (a joiner left behind by an
# emoji that was not drawn) is dropped.
_INVISIBLE = {"Cf", "Mn", "Me"}
_RIGHT_TO_LEFT = {"R", "AL"}


@dataclass(frozen=True)
class Headline:
    size: int
    line_height: int
    lines: tuple[str, ...]


def clean(text, limit=MAX_TEXT):
    """``text`` on one line, without control characters or words that draw nothing, at
    most ``limit`` characters (by whole words when one ends near the cut)."""
    kept = (
        " " if char.isspace() else char
        for char in text
        if char.isspace()
        or (unicodedata.category(char) not in _DROPPED and char not in _BIDI_CONTROLS)
    )
    words = " ".join(
        word
        for word in "".join(kept).split()
        if any(unicodedata.category(char) not in _INVISIBLE for char in word)
    )
    if len(words) <= limit:
        return words
    cut = words[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + ELLIPSIS


def is_right_to_left(text):
    """Whether the first letter with a direction is Hebrew, Arabic or another
    right-to-left script: the headline is then set flush right."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RIGHT_TO_LEFT:
            return True
        if direction == "L":
            return False
    return False


def _longest_fitting_prefix(text, measure, width):
    """How many leading characters of ``text`` fit in ``width`` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsize(line, measure, width):
    """``line`` shortened until it fits in ``width`` with an ellipsis after it: by whole
    words while it has more than one, then by characters."""
    line = line.rstrip(ELLIPSIS)
    while line and measure(line + ELLIPSIS) > width:
        head, space, _ = line.rpartition(" ")
        line = head.rstrip() if space else line[:-1]
    return line + ELLIPSIS


def wrap(text, *, measure, width, max_lines):
    """``text`` broken into at most ``max_lines`` (one or more) lines no wider than
    ``width``, and whether anything was left out (the last line then ends with an
    ellipsis)."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        # A word wider than the line (a pasted address, a long compound) is broken.
        while measure(word) > width and len(lines) < max_lines:
            cut = _longest_fitting_prefix(word, measure, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
        if len(lines) == max_lines:
            # Lines ran out: this word, and those after it, are left out.
            lines[-1] = _ellipsize(lines[-1], measure, width)
            return tuple(lines), True
    if current:
        lines.append(current)
    return tuple(lines), False


def fit_headline(text, *, measure_at, sizes=HEADLINE_SIZES, width=COLUMN_WIDTH):
    """The largest size at which the whole of ``text`` fits the headline's box, or the
    smallest, cut with an ellipsis. ``measure_at(size)`` is the measure at that size."""
    height = HEADLINE_BOTTOM - HEADLINE_TOP
    for size in sizes:
        line_height = round(size * LINE_SPACING)
        lines, left_out = wrap(
            text, measure=measure_at(size), width=width, max_lines=height // line_height
        )
        if not left_out or size == sizes[-1]:
            return Headline(size=size, line_height=line_height, lines=lines)
    raise ValueError("No headline sizes to try.")


def gauge_angles(score):
    """Where the gauge's filled arc starts and ends, in degrees clockwise from three
    o'clock (as Pillow draws arcs): from nine o'clock, half a turn for 100."""
    share = min(max(score, 0), 100) / 100
    return 180.0, 180.0 + 180.0 * share


def arc_point(angle):
    """The middle of the gauge's stroke at ``angle`` (degrees, as ``gauge_angles``): where
    a round cap goes."""
    x, y = GAUGE_CENTRE
    radius = GAUGE_RADIUS - GAUGE_STROKE / 2
    return x + radius * math.cos(math.radians(angle)), y + radius * math.sin(math.radians(angle))
