"""What every API answer shares: the envelope with the version and the data's licence, and
the small shapes (a band, a percentage, a topic) the documents spell alike."""

from fractions import Fraction

from django.conf import settings

from trust import rubric

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": f"{settings.SITE_NAME} (name the story or source you use)",
}
VERSION = "v1"
# The story's long text fields: no listing needs them.
BODY_FIELDS = ("explanation", "technical", "explanation_html", "technical_html", "search_terms")


def envelope(request, **content):
    """Every answer carries the API version and the data's licence."""
    return {"api_version": VERSION, "licence": LICENCE, **content}


def band(band):
    return None if band is None else {"slug": band.slug, "label": band.label}


def percent(value):
    """Whole per cent as the pages print them (Django's floatformat rounds half up)."""
    return None if value is None else int(rubric.round_half_up(Fraction(value)))


def topic(topic):
    return {"slug": topic.slug, "name": topic.name}
