"""The reality score on every story card and feed item (the hook is articles/cards.py)."""

from django.db.models import F

from articles.cards import CardExtension
from trust import rubric
from trust.models import band_of


def _band(story):
    return band_of(story.reality_score, rubric.REALITY_BANDS)


def _feed_text(story):
    band = _band(story)
    if band is None:
        return "Reality score: not scored yet."
    return f"Reality score: {story.reality_score}/100 ({band.label})."


def _feed_categories(story):
    band = _band(story)
    return [] if band is None else [f"Reality: {band.label}"]


REALITY_SCORE_CARD = CardExtension(
    annotations=lambda: {"reality_score": F("assessment__score")},
    template="trust/components/score_badge.html",
    context=lambda story: {"score": story.reality_score, "band": _band(story)},
    feed_text=_feed_text,
    feed_categories=_feed_categories,
)
