"""A story's documents: its summary in lists, and the whole story with its score's
inputs, its sources, its citations and its question."""

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from api import citation
from api.documents import common, questions, sources
from articles import previews
from articles.models import Article, Topic
from predictions.selectors import questions as question_selectors
from trust import selectors as trust_selectors
from trust import study_labels
from trust.models import CriterionResult


def story_listing():
    return (
        Article.objects.published()
        .latest_first()
        .defer(*common.BODY_FIELDS)
        .select_related("assessment")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("name", "slug")))
    )


def filter_stories(stories, *, topic=None, band=None):
    if topic is not None:
        stories = stories.filter(topics=topic)
    if band is not None:
        stories = stories.filter(assessment__score__gte=band.low, assessment__score__lte=band.high)
    return stories


def story_summary(request, article):
    assessment = trust_selectors.assessment_of(article)
    score = assessment.score if assessment else None
    return {
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.dek,
        "byline": article.byline,
        "published_at": article.published_at.isoformat(),
        "updated_at": article.updated_at.isoformat(),
        "topics": [common.topic(topic) for topic in article.topics.all()],
        "reality_score": score,
        "band": common.band(assessment.band if assessment else None),
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:story", args=[article.slug])),
    }


def cited(request, article):
    return citation.Cited(
        key=f"newsroom-{article.slug}",
        headline=article.headline,
        byline=article.byline,
        site=settings.SITE_NAME,
        published=article.published_at.date(),
        url=request.build_absolute_uri(article.get_absolute_url()),
        abstract=article.dek,
    )


def citation_formats(request, article):
    story = cited(request, article)
    return {
        "plain_text": citation.plain_text(story),
        "bibtex": citation.bibtex(story),
        "csl_json": citation.csl_data(story),
    }


def _stage(stage, label):
    return None if stage is None else {"trl": stage, "label": label}


def score_history(article):
    """ "How this score changed", newest first as the story page lists it: each move of the
    meter with its date, score, band, evidence stage, reason and what moved."""
    return [
        {
            "changed_at": change.changed_at.isoformat(),
            "reality_score": change.score,
            "band": common.band(change.band),
            "evidence_stage": _stage(change.stage, change.get_stage_display()),
            "reason": change.reason,
            "changes": list(change.changes),
        }
        for change in trust_selectors.score_history(article).changes
    ]


def study_proposal(meter, citations):
    """What the cited works propose for the evidence stage (the study rule), and from
    which work; None when none of them has a design the rule ranks."""
    proposal = meter.study_proposal
    if proposal is None:
        return None
    work = citations[proposal.index]
    return {
        "value": proposal.value,
        "low": proposal.low,
        "high": proposal.high,
        "unreviewed_discount": proposal.discounted,
        "from_citation": {"position": work.position, "title": work.title},
    }


def score_inputs(article):
    """The reality score with every input (components, values, weights, contributions,
    whys, departures from the stage and study rules), what the cited studies propose, what
    would change the score, and the history of the score."""
    meter = trust_selectors.reality_meter(article)
    assessment = meter.assessment
    return {
        "reality_score": meter.score,
        "band": common.band(meter.band),
        "evidence_stage": (
            _stage(assessment.stage, assessment.get_stage_display()) if assessment else None
        ),
        "time_horizon": (
            {
                "value": assessment.horizon,
                "label": assessment.get_horizon_display(),
                "note": assessment.horizon_note,
            }
            if assessment
            else None
        ),
        "components": [
            {
                "slug": row.score.component.slug,
                "name": row.score.component.name,
                "value": row.score.value,
                "weight": row.score.weight,
                "contribution": row.contribution,
                "from_sources": row.score.component.from_sources,
                "rationale": row.score.rationale,
                "stage_rule_departure": row.score.stage_rule_departure,
                "study_rule_departure": row.score.study_rule_departure,
                "grade_reasons": [
                    {"code": code, "label": label}
                    for code, label in zip(
                        row.score.concerns, row.score.concern_labels, strict=True
                    )
                ],
            }
            for row in meter.rows
        ],
        "study_proposal": study_proposal(meter, list(trust_selectors.citations(article))),
        "what_would_change_our_score": list(meter.statements),
        "history": score_history(article),
    }


def _criteria_by_source(sources):
    results = CriterionResult.objects.filter(source__in=sources).select_related("criterion")
    by_source = {}
    for result in results:
        by_source.setdefault(result.source_id, []).append(result)
    return by_source


def _source_brief(request, source, results):
    return {
        "slug": source.slug,
        "name": source.name,
        "kind": source.get_kind_display(),
        "trust_score": source.trust_score,
        "band": common.band(source.band),
        "criteria": [sources.verdict(result) for result in results],
        "api_url": request.build_absolute_uri(reverse("api:source", args=[source.slug])),
    }


def cited_sources(request, article):
    sources = trust_selectors.cited_sources(article)
    results = _criteria_by_source(sources)
    return [_source_brief(request, source, results.get(source.pk, [])) for source in sources]


def _choice(code, label):
    return {"code": code, "label": label} if code else None


def study(citation_row):
    """The cited work described as a study: each field as entered, and the labels the
    story's page shows beside it (trust/study_labels.py), with what each means."""
    registration = citation_row.preregistration
    return {
        "design": _choice(citation_row.study_design, citation_row.get_study_design_display()),
        "participants": citation_row.participants,
        "preregistration": (
            {"id": registration, "url": study_labels.registry_url(registration)}
            if registration
            else None
        ),
        "peer_review": _choice(citation_row.peer_review, citation_row.get_peer_review_display()),
        "funding": citation_row.funding,
        "conflicts": citation_row.conflicts,
        "labels": [
            {"kind": label.kind, "text": label.full_text, "meaning": label.meaning}
            | ({"url": label.url} if label.url else {})
            for label in study_labels.labels(citation_row)
        ],
    }


def _citation(citation_row):
    return {
        "title": citation_row.title,
        "url": citation_row.url,
        "doi": citation_row.doi,
        "published_on": (
            citation_row.published_on.isoformat() if citation_row.published_on else None
        ),
        "kind": citation_row.get_kind_display(),
        "source": citation_row.source.slug,
        "position": citation_row.position,
        "status": _choice(citation_row.status, citation_row.get_status_display()),
        "study": study(citation_row),
    }


def citations(article):
    return [_citation(row) for row in trust_selectors.citations(article)]


def story_inputs(request, article):
    """The story's score inputs and cited sources: the per-story export."""
    return {
        "story": article.slug,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "score": score_inputs(article),
        "sources": cited_sources(request, article),
        "citations": citations(article),
    }


def picture(request, article):
    """The story's picture, as its link previews show it: its lead picture, or the share
    card drawn for it (articles/previews.py)."""
    found = previews.picture_of(article)
    if found is None:
        return None
    return {
        "url": request.build_absolute_uri(found.url),
        "type": found.type,
        "width": found.width,
        "height": found.height,
        "alt": found.alt,
        "caption": found.caption,
        "credit": found.credit,
    }


def story_document(request, article):
    question = question_selectors.question_of(article)
    return {
        **story_summary(request, article),
        "image": picture(request, article),
        "score": score_inputs(article),
        "sources": cited_sources(request, article),
        "citations": citations(article),
        "question": questions.question_with_crowd(request, question)[0] if question else None,
        "cite": citation_formats(request, article),
        "inputs": {
            "json": request.build_absolute_uri(reverse("api:story_inputs", args=[article.slug])),
            "csv": request.build_absolute_uri(reverse("api:story_inputs_csv", args=[article.slug])),
        },
    }
