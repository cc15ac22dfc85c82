"""The evidence panels the article template places: {% load trust_tags %}."""

from django import template
from django.urls import reverse
from django.utils import timezone

from core import charts
from core.jsonld import jsonld_script
from trust import selectors, study_labels, study_rubric
from trust.models import Citation

register = template.Library()


@register.inclusion_tag("trust/components/reality_meter.html")
def reality_meter(article):
    return {"meter": selectors.reality_meter(article), "article": article}


@register.inclusion_tag("trust/components/evidence_strip.html")
def evidence_strip(article, part=None):
    """The evidence at a glance, in the story's header. On a part read on its own
    (?part=) that is not the evidence, its links lead to the evidence part."""
    return {
        "glance": selectors.glance(article),
        "evidence_page": "" if part in (None, "", "evidence") else "?part=evidence",
    }


@register.inclusion_tag("trust/components/trust_layer.html")
def trust_layer(article):
    return {"summary": selectors.source_summary(article)}


@register.inclusion_tag("trust/components/time_horizon.html")
def time_horizon(article):
    return {"assessment": selectors.assessment_of(article)}


@register.inclusion_tag("trust/components/source_list.html")
def source_list(article):
    """The story's sources, each with the labels that describe it as a study, and what
    the labels used here mean."""
    cited = [(citation, study_labels.labels(citation)) for citation in selectors.citations(article)]
    return {
        "cited": cited,
        "glossary": study_labels.glossary(labels for _, labels in cited),
    }


@register.inclusion_tag("trust/components/study_rule.html")
def study_rule():
    """The methodology page's list of study designs, strongest first, and the study rule's
    table."""
    ranked = sorted(
        Citation.Design.choices, key=lambda choice: -(study_rubric.best_value(choice[0]) or -1)
    )
    designs = [
        {
            "name": label,
            "short": study_labels.DESIGNS[code][0],
            "meaning": study_labels.DESIGNS[code][1],
            "values": study_labels.values_by_size(study_rubric.DESIGN_VALUES.get(code, ())),
        }
        for code, label in ranked
    ]
    return {
        "designs": designs,
        "terms": study_labels.every_term(),
        "discount": study_rubric.UNREVIEWED_DISCOUNT,
        "tolerance": study_rubric.STUDY_TOLERANCE,
    }


@register.inclusion_tag("trust/components/score_history.html")
def score_history(article):
    """The list of the score's moves, and its chart: a step from each move to the next,
    dated in the site's time zone, numbered as the list is."""
    history = selectors.score_history(article)
    oldest_first = history.changes[::-1]
    return {
        "history": history,
        "oldest_first": oldest_first,
        "chart": charts.step_chart(
            [(timezone.localtime(change.changed_at), change.score) for change in oldest_first]
        ),
    }


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
