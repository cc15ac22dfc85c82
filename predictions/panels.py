"""The reader panels' contexts, for the template tags on shared pages and for the
per-reader endpoint, which renders the same templates for one reader."""

from django.template.loader import render_to_string

from predictions.forms import ForecastForm
from predictions.selectors import questions, reads

COMMUNITY_TEMPLATE = "predictions/components/community_read.html"
FORECAST_TEMPLATE = "predictions/components/prediction_panel.html"


def community_read_context(article, reader_id, *, saved=False):
    return {
        "article": article,
        "reads": reads.community_read(article, reader_id),
        "saved": saved,
    }


def prediction_panel_context(article, reader_id, *, form=None, saved=False):
    question = questions.question_of(article)
    view = questions.prediction_view(question, reader_id) if question else None
    if form is None:
        standing = view.mine.probability if view and view.mine else None
        form = ForecastForm(initial={"probability": standing})
    return {
        "article": article,
        "question": question,
        "view": view,
        "forecast_form": form,
        "on_story": True,
        "saved": saved,
    }


def render_panels(request, article, reader_id, *, saved=""):
    """Both reader panels of a story as one reader sees them, by their element ids."""
    return {
        "community": render_to_string(
            COMMUNITY_TEMPLATE,
            community_read_context(article, reader_id, saved=saved == "read"),
            request=request,
        ),
        "forecast": render_to_string(
            FORECAST_TEMPLATE,
            prediction_panel_context(article, reader_id, saved=saved == "forecast"),
            request=request,
        ),
    }
