"""The front page's evidence (articles/front_page.html's ``front_modules`` and
``front_lead_art`` slots, filled by trust/extension.py): {% load trust_front %}."""

from django import template

from core import httpcache
from trust import rubric, selectors
from trust.models import band_of

register = template.Library()


@register.inclusion_tag("trust/components/front_evidence_moves.html", takes_context=True)
def evidence_moves(context):
    """The score changes of the week with their reasons. A score change purges the
    listings' key ("stories"), which the front page shows, so the module can be kept with
    the page's other parts; the oldest of the week's moves leaves it by the clock."""
    moves = selectors.evidence_moves()
    httpcache.expires_by(context["request"], moves.shown_until)
    return {"moves": moves}


@register.inclusion_tag("trust/components/front_lead_gauge.html")
def lead_gauge(story):
    """The lead story's score drawn large, as the art of a lead without a picture: read
    from the score every listing annotates (trust/extension.py), so it costs no query."""
    score = getattr(story, "reality_score", None)
    return {"score": score, "band": band_of(score, rubric.REALITY_BANDS)}
