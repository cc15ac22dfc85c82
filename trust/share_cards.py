"""A story's share card: the picture a link preview, a feed reader or a search engine
shows for a story that has no lead picture of its own.

It says what a reader would want from a shared link before they click: the headline,
the reality score on the same gauge the story page draws, its band and the evidence
stage, and whose site it is. 1200 by 630 pixels (Open Graph's large preview), PNG, drawn
with Pillow in DejaVu (fonts-dejavu-core, tools/system-deps.sh); right-to-left headlines
are shaped and set flush right through Pillow's Raqm layout when the machine has it.
The positions and the wrapping are trust/card_layout.py's; this module only draws.

The card is served from trust/views.py as a shared page under the story's surrogate
key, so the HTTP cache keeps it until the story or its score changes (both purge that
key) and it is drawn again on the next request.
"""

import io
import logging
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from django.conf import settings
from django.utils.text import Truncator
from PIL import Image, ImageDraw, ImageFont

from trust import card_layout as layout
from trust import rubric
from trust.models import band_of
from trust.selectors import assessment_of

logger = logging.getLogger(__name__)

MIME_TYPE = "image/png"
# As templates/base.html words it for link previews of the site's own pages.
TAGLINE = "Science news, with the evidence"
# Twitter reads at most 420 characters of an image's alt text.
MAX_ALT = 420
# The site's light palette (static/css/site.css: --bg, --surface, --text, --muted,
# --rule, --accent, and the band colours of .gauge--<band>).
BACKGROUND, SURFACE, INK, MUTED, RULE, ACCENT = (
    "#fdfcf9",
    "#f3f1ea",
    "#1c1b19",
    "#55524b",
    "#d9d5ca",
    "#0b5a8a",
)
BAND_COLOURS = {
    "established": "#1d6b32",
    "likely": "#0b5a8a",
    "plausible": "#8a5300",
    "early-signal": "#a3271b",
    "speculative": "#a3271b",
}
TEXT_FONT, TEXT_BOLD_FONT = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
# The headline is set in the site's serif when it has every letter; DejaVu Sans has more
# scripts (Hebrew and Arabic among them), so a headline in one of those is set in it.
HEADLINE_FONTS = ("DejaVuSerif-Bold.ttf", TEXT_BOLD_FONT)
SITE_NAME_FONT = HEADLINE_FONTS[0]
# A code point no font maps (plane 15, private use): what a missing glyph looks like.
_UNMAPPED = "\U000f0000"
# The gauge is drawn this many times larger and scaled down, so its curves are smooth.
GAUGE_SUPERSAMPLE = 3
# FreeType faces are not safe to share between threads (gunicorn runs eight a process):
# cards are drawn one at a time. The HTTP cache keeps them, so a draw is rare.
_drawing = threading.Lock()


@dataclass(frozen=True)
class ShareCard:
    """What a card shows: ``score`` None and ``stage`` empty while the story has none."""

    headline: str
    score: int | None
    stage: str
    site_name: str

    @property
    def band(self):
        return band_of(self.score, rubric.REALITY_BANDS)


def card_for(article):
    """The card of ``article``, from its assessment (a query, unless it is loaded)."""
    assessment = assessment_of(article)
    return ShareCard(
        headline=article.headline,
        score=assessment.score if assessment else None,
        stage=assessment.get_stage_display() if assessment else "",
        site_name=settings.SITE_NAME,
    )


def alt_text(*, headline, score):
    """What the card shows, for someone who cannot see it."""
    band = band_of(score, rubric.REALITY_BANDS)
    rating = "not scored yet" if band is None else f"reality score {score} out of 100, {band.label}"
    site = settings.SITE_NAME
    return Truncator(f"{site} share card: “{headline}” — {rating}.").chars(MAX_ALT)


@cache
def _font(name, size):
    try:
        return ImageFont.truetype(name, size)
    except OSError:
        # Never a broken card: Pillow's own font, plain but complete.
        logger.warning("Font %s is not installed (fonts-dejavu-core); drawing with Pillow's.", name)
        return ImageFont.load_default(size)


@lru_cache(maxsize=8192)
def _has_glyph(name, char):
    """Whether font ``name`` draws ``char`` as itself rather than its missing-glyph box."""
    font = _font(name, 24)
    drawn, missing = font.getmask(char), font.getmask(_UNMAPPED)
    return (drawn.size, bytes(drawn)) != (missing.size, bytes(missing))


def _headline_font_and_text(headline):
    """The first headline font that has every character of ``headline``, and the text to
    set: symbols neither font has (emoji, mostly) are left out rather than drawn as boxes.
    A letter neither has stays, as a box: the headline keeps its length and its sense."""
    text = layout.clean(headline)
    letters = {char for char in text if not char.isspace()}
    for name in HEADLINE_FONTS:
        if all(_has_glyph(name, char) for char in letters):
            return name, text
    name = HEADLINE_FONTS[-1]
    missing = {
        char
        for char in letters
        if unicodedata.category(char).startswith("S") and not _has_glyph(name, char)
    }
    return name, layout.clean("".join(char for char in text if char not in missing))


def _headline(draw, card):
    name, text = _headline_font_and_text(card.headline)
    fitted = layout.fit_headline(text, measure_at=lambda size: _font(name, size).getlength)
    font = _font(name, fitted.size)
    right_to_left = layout.is_right_to_left(text)
    x = layout.MARGIN + layout.COLUMN_WIDTH if right_to_left else layout.MARGIN
    for number, line in enumerate(fitted.lines):
        y = layout.HEADLINE_TOP + number * fitted.line_height
        draw.text((x, y), line, font=font, fill=INK, anchor="ra" if right_to_left else "la")


def _gauge(image, card, colour):
    """The half-circle gauge, as the story page draws it: the track, and the arc filled up
    to the score, both with round ends."""
    scale = GAUGE_SUPERSAMPLE
    left, width = layout.PANEL_LEFT, layout.WIDTH - layout.PANEL_LEFT
    height = layout.GAUGE_CENTRE[1] + layout.GAUGE_STROKE
    panel = Image.new("RGB", (width * scale, height * scale), SURFACE)
    draw = ImageDraw.Draw(panel)

    def scaled(point):
        return (point[0] - left) * scale, point[1] * scale

    cx, cy = scaled(layout.GAUGE_CENTRE)
    radius, cap = layout.GAUGE_RADIUS * scale, layout.GAUGE_STROKE * scale / 2
    box = (cx - radius, cy - radius, cx + radius, cy + radius)

    def stroke(start, end, fill):
        draw.arc(box, start, end, fill=fill, width=layout.GAUGE_STROKE * scale)
        for angle in (start, end):
            x, y = scaled(layout.arc_point(angle))
            draw.ellipse((x - cap, y - cap, x + cap, y + cap), fill=fill)

    stroke(180, 360, RULE)
    if card.score is not None:
        stroke(*layout.gauge_angles(card.score), colour)
    image.paste(panel.resize((width, height), Image.Resampling.LANCZOS), (left, 0))


def _centred(draw, y, text, font, fill, anchor="ma"):
    draw.text((layout.PANEL_CENTRE, y), text, font=font, fill=fill, anchor=anchor)


def _panel(image, draw, card):
    """The right-hand panel: "Reality score", the gauge with the number, the band, the
    evidence stage. Returns the band's colour."""
    band = card.band
    colour = BAND_COLOURS.get(band.slug, ACCENT) if band else MUTED
    draw.rectangle((layout.PANEL_LEFT, 0, layout.WIDTH, layout.HEIGHT), fill=SURFACE)
    _gauge(image, card, colour)
    label_font = _font(TEXT_BOLD_FONT, layout.PANEL_LABEL_SIZE)
    _centred(draw, layout.PANEL_LABEL_TOP, "REALITY SCORE", label_font, MUTED)
    number = "–" if card.score is None else str(card.score)
    score_font = _font(TEXT_BOLD_FONT, layout.SCORE_SIZE)
    _centred(draw, layout.SCORE_BASELINE, number, score_font, INK, anchor="ms")
    _centred(draw, layout.OUT_OF_TOP, "out of 100", _font(TEXT_FONT, layout.OUT_OF_SIZE), MUTED)
    band_font = _font(TEXT_BOLD_FONT, layout.BAND_SIZE)
    _centred(draw, layout.BAND_TOP, band.label if band else "Not scored yet", band_font, colour)
    if card.stage:
        stage_font = _font(TEXT_FONT, layout.STAGE_SIZE)
        lines, _ = layout.wrap(
            layout.clean(f"Evidence: {card.stage}"),
            measure=stage_font.getlength,
            width=layout.STAGE_WIDTH,
            max_lines=layout.STAGE_LINES,
        )
        for number, line in enumerate(lines):
            top = layout.STAGE_TOP + number * layout.STAGE_LINE_HEIGHT
            _centred(draw, top, line, stage_font, MUTED)
    return colour


def draw(card):
    """The card as PNG bytes."""
    with _drawing:
        image = Image.new("RGB", (layout.WIDTH, layout.HEIGHT), BACKGROUND)
        canvas = ImageDraw.Draw(image)
        colour = _panel(image, canvas, card)
        site_name = layout.clean(card.site_name, 40)
        site_font = _font(SITE_NAME_FONT, layout.SITE_NAME_SIZE)
        canvas.text((layout.MARGIN, layout.SITE_NAME_TOP), site_name, font=site_font, fill=ACCENT)
        rule = (layout.MARGIN, layout.RULE_AT, layout.MARGIN + layout.COLUMN_WIDTH, layout.RULE_AT)
        canvas.line(rule, fill=RULE, width=2)
        _headline(canvas, card)
        tagline_font = _font(TEXT_FONT, layout.TAGLINE_SIZE)
        canvas.text((layout.MARGIN, layout.TAGLINE_TOP), TAGLINE, font=tagline_font, fill=MUTED)
        stripe = (0, layout.HEIGHT - layout.STRIPE_HEIGHT, layout.WIDTH, layout.HEIGHT)
        canvas.rectangle(stripe, fill=colour)
        png = io.BytesIO()
        image.save(png, format="PNG")
    return png.getvalue()
