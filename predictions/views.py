import csv

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from articles.models import Article, story_cache_key
from core import csvsafe, httpcache, personal_answers
from core.crossorigin import same_origin_only
from core.errors import bad_request_response, wants_json
from core.origins import origin_of
from core.ratelimit import body_limited, rate_limited
from core.readers import reader_action
from predictions import cache_keys, landings, panels, scoring, services
from predictions.forms import ForecastForm, ReadForm
from predictions.handles import handle_for
from predictions.models import Question
from predictions.selectors import mine, questions, reads
from predictions.selectors import track_record as records


def reader_write(view):
    """The guards every reader write passes: POST, same origin, size, rate, then identity."""
    return require_POST(
        same_origin_only(
            body_limited(settings.READER_WRITE_MAX_BYTES)(
                rate_limited("reader-write")(reader_action(view))
            )
        )
    )


@reader_write
def read(request, slug):
    article = Article.objects.public_for_reader_write(slug)
    if article is None:
        raise Http404("No story by that address takes reads.")
    form = ReadForm(request.POST)
    if not form.is_valid():
        return bad_request_response(
            request, " ".join(form.errors.get("__all__", [])) or "That is not one of the reads."
        )
    try:
        if form.cleaned_data["withdraw"]:
            services.withdraw_read(article=article, reader_id=request.reader_id)
        else:
            services.cast_read(
                article=article,
                reader_id=request.reader_id,
                choice=form.cleaned_data["choice"],
                origin=origin_of(request),
            )
    except ValidationError as error:
        return bad_request_response(request, " ".join(error.messages))
    if wants_json(request):
        context = panels.community_read_context(article, request.reader_id, saved=True)
        return JsonResponse(
            {"html": render_to_string(panels.COMMUNITY_TEMPLATE, context, request=request)}
        )
    return landings.land(article, landings.READ, "community")


@reader_write
def forecast(request, slug):
    question = Question.objects.public_for_reader_write(slug)
    if question is None:
        raise Http404("No question by that address takes forecasts.")
    form = ForecastForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["withdraw"]:
                services.withdraw_forecast(question=question, reader_id=request.reader_id)
            else:
                services.submit_forecast(
                    question=question,
                    reader_id=request.reader_id,
                    probability=form.cleaned_data["probability"],
                    origin=origin_of(request),
                )
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        if wants_json(request):
            errors = [message for messages in form.errors.values() for message in messages]
            return bad_request_response(request, " ".join(errors))
        return landings.refuse_forecast(request, question.article, form)
    if wants_json(request):
        # The story afresh: question.article's cached question predates this forecast.
        article = Article.objects.get(pk=question.article_id)
        context = panels.prediction_panel_context(article, request.reader_id, saved=True)
        return JsonResponse(
            {"html": render_to_string(panels.FORECAST_TEMPLATE, context, request=request)}
        )
    return landings.land(question.article, landings.FORECAST, "forecast")


def my_panels(request, slug):
    """The per-reader endpoint: the parts of a story's reader panels that are this
    reader's own, by the ids of the elements they replace on the shared page. One Redis
    read when the answer is kept (core/personal_answers.py), else one query
    (predictions/selectors/mine.py), and the answer is kept. A browser without a reader
    has none, and its answer asks nothing of either."""
    if request.reader_id is None:
        return httpcache.mark_private(JsonResponse({"panels": {}}))
    kept = personal_answers.find(
        request.path, keys=[story_cache_key(slug)], reader_id=request.reader_id
    )
    if kept is not None and kept.body is not None:
        return httpcache.mark_private(HttpResponse(kept.body, content_type="application/json"))
    found = mine.for_reader(slug, request.reader_id)
    if found is None:
        raise Http404("No story by that address.")
    response = JsonResponse({"panels": panels.personal_parts(request, found)})
    if kept is not None:
        personal_answers.keep(
            kept, response.content, read_from=found.article._state.db, until=found.changes_by()
        )
    return httpcache.mark_private(response)


def activity_seconds(request, **kwargs):
    """Pages of many questions are kept no longer than until one of them opens or closes."""
    return min(httpcache.ACTIVITY_SECONDS, questions.seconds_until_a_question_changes())


def questions_keys(request, **kwargs):
    return ["questions", "topics", cache_keys.CROWD, cache_keys.INTEREST]


def question_keys(request, slug):
    return ["questions", "topics", cache_keys.question(slug)]


@httpcache.shared_page(keys=questions_keys, seconds=activity_seconds)
def question_list(request):
    return render(request, "predictions/question_list.html", questions.question_lists())


@httpcache.shared_page(keys=question_keys, seconds=httpcache.ACTIVITY_SECONDS)
def question_detail(request, slug):
    question = get_object_or_404(Question.objects.public().select_related("article"), slug=slug)
    httpcache.expires_by(request, question.next_change_at(httpcache.rendering_since(request)))
    view = questions.prediction_view(question, request.reader_id)
    return render(
        request,
        "predictions/question_detail.html",
        {
            "question": question,
            "view": view,
            "forecast_form": panels.standing_form(view),
            **landings.drawn_for(request, landings.FORECAST),
        },
    )


@httpcache.private_page
def track_record(request):
    reader_id = request.reader_id
    context = records.track_record(reader_id) if reader_id else {}
    context["handle"] = handle_for(reader_id) if reader_id else None
    context["change_threshold"] = settings.FORECAST_CHANGE_THRESHOLD
    return render(request, "predictions/track_record.html", context)


@httpcache.private_page
def track_record_csv(request):
    reader_id = request.reader_id
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsroom-forecasts.csv"'
    table = records.export_table(reader_id)
    writer = csv.writer(response)
    writer.writerow(table.header)
    writer.writerows(csvsafe.safe_row(row) for row in table.rows)
    return response


def _record(questions, mean_brier):
    """A record and its ranking score, for the leaderboard's worked example."""
    score = scoring.ranking_score(questions, mean_brier)
    return {"questions": questions, "mean_brier": mean_brier, "score": score}


@httpcache.private_page
def leaderboard(request):
    """The ranking; the rule it states comes with every page's context
    (predictions/context_processors.py), its worked example from here."""
    return render(
        request,
        "predictions/leaderboard.html",
        {
            "board": records.leaderboard(request.reader_id),
            "short_record": _record(settings.LEADERBOARD_MIN_RESOLVED, 0.0),
            "long_record": _record(30, 0.15),
        },
    )


@httpcache.shared_page(keys=questions_keys, seconds=activity_seconds)
def community(request):
    return render(
        request,
        "predictions/community.html",
        {
            "directions": reads.community_direction(),
            "half_life": settings.TOPIC_INTEREST_HALF_LIFE_DAYS,
        },
    )
