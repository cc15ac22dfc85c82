"""The reader panels' contexts, for the template tags on shared and personal pages, for
the answers to a panel's form posted by the page's script, and for the per-reader
endpoint, which renders only the parts of the panels that are one reader's own.

A context says whom the panel is drawn for and why: ``saved`` (the reader's choice was
just saved), ``returning`` (the reader asked to see their choices: predictions/landings.py)
and ``shared`` (drawn for nobody, so it offers readers without JavaScript the way to
their own choices).
"""

from django.template.loader import render_to_string

from predictions.forms import ForecastForm
from predictions.selectors import questions, reads

COMMUNITY_TEMPLATE = "predictions/components/community_read.html"
FORECAST_TEMPLATE = "predictions/components/prediction_panel.html"
# The parts of the prediction panel that are the reader's own, by their element ids.
YOURS_TEMPLATE = "predictions/components/forecast_yours.html"
CROWD_TEMPLATE = "predictions/components/crowd.html"


def community_read_context(article, reader_id, *, saved=False, returning=False, shared=False):
    return {
        "article": article,
        "reads": reads.community_read(article, reader_id),
        "saved": saved,
        "returning": returning,
        "shared": shared,
    }


def standing_form(view):
    """The forecast form, filled with the reader's standing forecast if they have one."""
    standing = view.mine.probability if view and view.mine else None
    return ForecastForm(initial={"probability": standing})


def prediction_panel_context(
    article, reader_id, *, form=None, saved=False, returning=False, shared=False
):
    question = questions.question_of(article)
    view = questions.prediction_view(question, reader_id) if question else None
    return {
        "article": article,
        "question": question,
        "view": view,
        "forecast_form": form or standing_form(view),
        "on_story": True,
        "saved": saved,
        "returning": returning,
        "shared": shared,
    }


def personal_parts(request, mine):
    """The parts of a story's panels that differ for the reader of ``mine``
    (predictions.selectors.mine), by the ids of the elements they replace: the community
    panel once they have read the story (the whole of it shows their read: the pressed
    choice, their bar, the total line, the withdraw button), their part of the
    prediction panel once they have forecast or been scored, and the crowd where their
    forecast is what shows it to them. Nothing for a reader who has done neither."""
    parts = {}
    if mine.reads.mine:
        context = {"article": mine.article, "reads": mine.reads}
        parts["community"] = render_to_string(COMMUNITY_TEMPLATE, context, request=request)
    view = mine.view
    if view and (view.mine or view.score):
        context = {
            "article": mine.article,
            "question": view.question,
            "view": view,
            "forecast_form": standing_form(view),
        }
        parts["forecast-yours"] = render_to_string(YOURS_TEMPLATE, context, request=request)
        if mine.crowd_revealed:
            context = {"question": view.question, "view": view}
            parts["forecast-crowd"] = render_to_string(CROWD_TEMPLATE, context, request=request)
    return parts
