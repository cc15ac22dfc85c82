"""A question's documents: its summary in lists, and the question with its crowd."""

from django.conf import settings
from django.urls import reverse

from api.documents import common
from predictions.models import Question
from predictions.selectors import questions as question_selectors


def question_listing():
    return Question.objects.public().select_related("article").order_by("closes_at", "pk")


def _crowd(question, view):
    if not view.crowd_visible:
        return {
            "visible": False,
            "shown_from_forecasters": max(
                settings.FORECAST_REVEAL_MIN_FORECASTERS, settings.CROWD_MIN_INDEPENDENT
            ),
        }
    return {
        "visible": True,
        "forecasters": question.forecasters,
        "median_percent": common.percent(question.median),
        "lower_quartile_percent": common.percent(question.lower_quartile),
        "upper_quartile_percent": common.percent(question.upper_quartile),
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
                "median_percent": common.percent(point.median),
                "lower_quartile_percent": common.percent(point.lower_quartile),
                "upper_quartile_percent": common.percent(point.upper_quartile),
            }
            for point in view.history
        ],
    }
