"""What the API and the exports say: plain dicts built from the apps' own selectors.

The pages and these documents read the same values through the same functions
(``trust.selectors.reality_meter`` gives both the page's "Why this score?" and
the exported contributions), so an export cannot disagree with its page.
Nothing here names a reader: no reader ids, handles or individual forecasts,
only the community aggregate the public pages show.
"""

from fractions import Fraction

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from api import citation, selectors
from articles.models import Article, Topic
from predictions.models import Question
from predictions.selectors import questions as question_selectors
from trust import rubric
from trust import selectors as trust_selectors
from trust.models import CriterionResult, Source

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


def _band(band):
    return None if band is None else {"slug": band.slug, "label": band.label}


def _percent(value):
    """Whole per cent as the pages print them (Django's floatformat rounds half up)."""
    return None if value is None else int(rubric.round_half_up(Fraction(value)))


def _topic(topic):
    return {"slug": topic.slug, "name": topic.name}


# Stories ---------------------------------------------------------------------------------


def story_listing():
    return (
        Article.objects.published()
        .latest_first()
        .defer(*BODY_FIELDS)
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
        "topics": [_topic(topic) for topic in article.topics.all()],
        "reality_score": score,
        "band": _band(assessment.band if assessment else None),
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
            "band": _band(change.band),
            "evidence_stage": _stage(change.stage, change.get_stage_display()),
            "reason": change.reason,
            "changes": list(change.changes),
        }
        for change in trust_selectors.score_history(article).changes
    ]


def score_inputs(article):
    """The reality score with every input (components, values, weights, contributions,
    whys) and the history of the score."""
    meter = trust_selectors.reality_meter(article)
    assessment = meter.assessment
    return {
        "reality_score": meter.score,
        "band": _band(meter.band),
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
                "grade_reasons": [
                    {"code": code, "label": label}
                    for code, label in zip(
                        row.score.concerns, row.score.concern_labels, strict=True
                    )
                ],
            }
            for row in meter.rows
        ],
        "history": score_history(article),
    }


def _criteria_by_source(sources):
    results = CriterionResult.objects.filter(source__in=sources).select_related("criterion")
    by_source = {}
    for result in results:
        by_source.setdefault(result.source_id, []).append(result)
    return by_source


def _verdict(result):
    return {
        "slug": result.criterion.slug,
        "name": result.criterion.name,
        "weight": result.criterion.weight,
        "met": result.met,
        "note": result.note,
    }


def _source_brief(request, source, results):
    return {
        "slug": source.slug,
        "name": source.name,
        "kind": source.get_kind_display(),
        "trust_score": source.trust_score,
        "band": _band(source.band),
        "criteria": [_verdict(result) for result in results],
        "api_url": request.build_absolute_uri(reverse("api:source", args=[source.slug])),
    }


def cited_sources(request, article):
    sources = trust_selectors.cited_sources(article)
    results = _criteria_by_source(sources)
    return [_source_brief(request, source, results.get(source.pk, [])) for source in sources]


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
    }


def story_inputs(request, article):
    """The story's score inputs and cited sources: the per-story export."""
    return {
        "story": article.slug,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "score": score_inputs(article),
        "sources": cited_sources(request, article),
    }


def story_document(request, article):
    question = question_selectors.question_of(article)
    return {
        **story_summary(request, article),
        "score": score_inputs(article),
        "sources": cited_sources(request, article),
        "citations": [_citation(row) for row in trust_selectors.citations(article)],
        "question": question_with_crowd(request, question)[0] if question else None,
        "cite": citation_formats(request, article),
        "inputs": {
            "json": request.build_absolute_uri(reverse("api:story_inputs", args=[article.slug])),
            "csv": request.build_absolute_uri(reverse("api:story_inputs_csv", args=[article.slug])),
        },
    }


INPUTS_CSV_HEADER = (
    "part",
    "name",
    "value",
    "weight",
    "contribution",
    "met",
    "explanation",
    "grade_reasons",
    "changed_at",
    "band",
    "evidence_stage",
    "what_moved",
)


def _label(band):
    return band["label"] if band else ""


def inputs_rows(inputs):
    """The export as CSV rows, {column: value}: the score, each component, each source and
    its criteria, then the score's history, newest first. A row leaves out the columns
    that do not apply to its part, which the CSV writes empty (README, "Open data")."""
    score = inputs["score"]
    rows = [
        {
            "part": "component",
            "name": component["name"],
            "value": component["value"],
            "weight": component["weight"],
            "contribution": component["contribution"],
            "explanation": component["rationale"],
            "grade_reasons": "; ".join(reason["label"] for reason in component["grade_reasons"]),
        }
        for component in score["components"]
    ]
    rows.append(
        {
            "part": "reality score",
            "name": "Reality score",
            "value": score["reality_score"],
            "weight": 100,
            "band": _label(score["band"]),
        }
    )
    for source in inputs["sources"]:
        band = _label(source["band"])
        rows.append(
            {
                "part": "source",
                "name": source["name"],
                "value": source["trust_score"],
                "explanation": band,
                "band": band,
            }
        )
        rows += [
            {
                "part": "criterion",
                "name": f"{source['name']}: {verdict['name']}",
                "weight": verdict["weight"],
                "contribution": verdict["weight"] if verdict["met"] else 0,
                "met": "yes" if verdict["met"] else "no",
                "explanation": verdict["note"],
            }
            for verdict in source["criteria"]
        ]
    rows += [
        {
            "part": "score change",
            "name": "Reality score",
            "value": change["reality_score"],
            "explanation": change["reason"],
            "changed_at": change["changed_at"],
            "band": _label(change["band"]),
            "evidence_stage": change["evidence_stage"]["label"] if change["evidence_stage"] else "",
            "what_moved": "; ".join(change["changes"]),
        }
        for change in score["history"]
    ]
    return rows


# Questions -------------------------------------------------------------------------------


def question_listing():
    return Question.objects.public().select_related("article").order_by("closes_at", "pk")


def _crowd(question, view):
    if not view.crowd_visible:
        return {
            "visible": False,
            "shown_from_forecasters": settings.FORECAST_REVEAL_MIN_FORECASTERS,
        }
    return {
        "visible": True,
        "forecasters": question.forecasters,
        "median_percent": _percent(question.median),
        "lower_quartile_percent": _percent(question.lower_quartile),
        "upper_quartile_percent": _percent(question.upper_quartile),
    }


def _resolution(question):
    if not question.resolution:
        return None
    return {
        "outcome": question.resolution,
        "label": question.get_resolution_display(),
        "note": question.resolution_note,
        "resolved_at": question.resolved_at.isoformat() if question.resolved_at else None,
    }


def question_summary(request, question):
    return {
        "slug": question.slug,
        "text": question.text,
        "status": {"slug": question.status, "label": question.status.label},
        "opens_at": question.opens_at.isoformat(),
        "closes_at": question.closes_at.isoformat(),
        "resolve_by": question.resolve_by.isoformat(),
        "resolution": _resolution(question),
        "story": question.article.slug,
        "url": request.build_absolute_uri(question.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:question", args=[question.slug])),
    }


def question_with_crowd(request, question):
    """The question as the story shows it to a reader who has not forecast."""
    view = question_selectors.prediction_view(question, None)
    return {**question_summary(request, question), "crowd": _crowd(question, view)}, view


def question_document(request, question):
    summary, view = question_with_crowd(request, question)
    return {
        **summary,
        "criteria_html": question.criteria_html,
        "daily_history": [
            {
                "day": point.day.isoformat(),
                "forecasters": point.forecasters,
                "median_percent": _percent(point.median),
                "lower_quartile_percent": _percent(point.lower_quartile),
                "upper_quartile_percent": _percent(point.upper_quartile),
            }
            for point in view.history
        ],
    }


# Sources ---------------------------------------------------------------------------------


def source_lookup():
    return Source.objects.prefetch_related("results__criterion", "score_changes")


def source_document(request, source):
    return {
        "slug": source.slug,
        "name": source.name,
        "kind": source.get_kind_display(),
        "home_url": source.home_url,
        "description": source.description,
        "trust_score": source.trust_score,
        "band": _band(source.band),
        "criteria": [_verdict(result) for result in source.results.all()],
        "trust_history": [
            {
                "changed_at": change.changed_at.isoformat(),
                "old_score": change.old_score,
                "new_score": change.new_score,
                "reason": change.reason,
            }
            for change in source.score_changes.all()
        ],
        "stories": [
            request.build_absolute_uri(reverse("api:story", args=[slug]))
            for slug in trust_selectors.stories_citing(source).values_list("slug", flat=True)
        ],
        "url": request.build_absolute_uri(source.get_absolute_url()),
    }


# Calibration -----------------------------------------------------------------------------


def _rounded(value):
    return None if value is None else round(value, 4)


def calibration_document(request):
    report = selectors.meter_calibration()
    return {
        "n": report.count,
        "small_sample": report.small_sample,
        "meter_brier": _rounded(report.meter_brier),
        "crowd_brier": _rounded(report.crowd_brier),
        "crowd_n": report.crowd_count,
        "baseline_brier": _rounded(report.baseline_brier),
        "bands": [
            {
                "low": bucket.low,
                "high": bucket.high,
                "questions": bucket.forecasts,
                "mean_score": _rounded(bucket.mean_forecast),
                "resolved_yes_percent": _rounded(bucket.observed),
            }
            for bucket in report.meter_buckets
        ],
        "questions": [
            {
                "question": claim.question.slug,
                "story": claim.question.article.slug,
                "outcome": claim.question.resolution,
                "reality_score_at_close": claim.meter,
                "score_recorded_after_close": claim.meter_after_close,
                "community_median_at_close": _rounded(claim.crowd),
            }
            for claim in report.claims
        ],
    }
