"""The evidence panels the article template places: {% load trust_tags %}."""

from django import template
from django.urls import reverse

from core.jsonld import jsonld_script
from trust import selectors

register = template.Library()


@register.inclusion_tag("trust/components/reality_meter.html")
def reality_meter(article):
    return {"meter": selectors.reality_meter(article), "article": article}


@register.inclusion_tag("trust/components/trust_layer.html")
def trust_layer(article):
    return {"summary": selectors.source_summary(article)}


@register.inclusion_tag("trust/components/time_horizon.html")
def time_horizon(article):
    return {"assessment": selectors.assessment_of(article)}


@register.inclusion_tag("trust/components/source_list.html")
def source_list(article):
    return {"citations": selectors.citations(article)}


@register.inclusion_tag("trust/components/score_history.html")
def score_history(article):
    return {"history": selectors.score_history(article)}


@register.inclusion_tag("trust/components/citation_notices.html")
def citation_notices(article):
    return {"citations": selectors.citations_with_notices(article)}


@register.inclusion_tag("trust/components/trust_badge.html")
def trust_badge(source):
    return {"source": source}


@register.simple_tag(takes_context=True)
def rating_jsonld(context, article):
    """A ClaimReview-style rating of the story's claim with its reality score."""
    meter = selectors.reality_meter(article)
    if meter.score is None:
        return ""
    request = context["request"]
    return jsonld_script(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": request.build_absolute_uri(article.get_absolute_url()) + "#reality",
            "claimReviewed": article.dek,
            "itemReviewed": {
                "@type": "Claim",
                "appearance": request.build_absolute_uri(article.get_absolute_url()),
            },
            "author": {"@type": "Organization", "name": "Newsroom"},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": meter.score,
                "bestRating": 100,
                "worstRating": 0,
                "alternateName": meter.band.label,
                "ratingExplanation": request.build_absolute_uri(reverse("trust:methodology")),
            },
        }
    )
