"""The read-only JSON API (``/api/v1/``) and the per-story exports of the score's inputs.

Plain Django views and ``JsonResponse``: the API is read-only, a handful of
resources whose shape the documents module fixes, so a framework's
serializers, routers and permission layers would add a dependency and change
nothing readers get. Every answer goes through the shared cache like the
pages, with the pages' surrogate keys, so an editor's change purges both.
"""

import csv
from functools import wraps

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from api import documents, selectors
from api.forms import ListParameters, StoryListParameters
from articles.models import Article, story_cache_key
from articles.selectors import next_scheduled_change
from core import csvsafe, httpcache
from predictions import cache_keys, calibration
from predictions.selectors import questions

PAGE_SIZE = 20


def json_answer(request, status=200, **content):
    return JsonResponse(
        documents.envelope(request, **content),
        status=status,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def error_answer(request, message, status=400):
    return json_answer(request, status=status, error=message)


def story_keys(request, slug):
    return [story_cache_key(slug), "sources", "questions"]


def list_keys(request, **kwargs):
    return ["stories", "topics", "sources", cache_keys.CROWD]


def activity_seconds(request, **kwargs):
    """Answers with questions' crowds and states: purged when readers move them
    (predictions/cache_keys.py), and kept no longer than until a question opens or closes."""
    return min(httpcache.ACTIVITY_SECONDS, questions.seconds_until_a_question_changes())


def story_list_seconds(request, **kwargs):
    """The story list changes as well when a scheduled story goes live or one is taken
    down, and is not served stale past that moment (as the site's listings)."""
    since = httpcache.rendering_since(request)
    httpcache.expires_by(request, next_scheduled_change(since), strictly=True)
    return activity_seconds(request)


# Stories carry the crowd forecast: as fresh as the story page is.
story_answer = httpcache.shared_page(keys=story_keys, seconds=activity_seconds)


def _page_of(request, items, parameters):
    """One page of ``items`` as the list's envelope; None when the page is past the end."""
    paginator = Paginator(items, PAGE_SIZE)
    try:
        page = paginator.page(parameters.cleaned_data["page"] or 1)
    except EmptyPage:
        return None, paginator

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
    }, page


def _past_the_end(request, paginator):
    pages = paginator.num_pages
    return error_answer(
        request, f"There {'is' if pages == 1 else 'are'} only {pages} page{'s' * (pages != 1)}."
    )


# The lists check their own query parameters (api/forms.py): an unknown or repeated one
# is a JSON 400 that says so, not a redirect.
@httpcache.shared_page(keys=list_keys, seconds=story_list_seconds, parameters=None)
def story_list(request):
    parameters = StoryListParameters(request.GET)
    if not parameters.is_valid():
        return error_answer(request, parameters.sentence())
    stories = documents.filter_stories(
        documents.story_listing(),
        topic=parameters.cleaned_data["topic"],
        band=parameters.band_range(),
    )
    meta, page = _page_of(request, stories, parameters)
    if meta is None:
        return _past_the_end(request, page)
    results = [documents.story_summary(request, article) for article in page.object_list]
    return json_answer(request, **meta, results=results)


def story_view(view):
    """A view of one published story: the shared-cache answer, or a JSON 404."""

    @story_answer
    @wraps(view)
    def wrapper(request, slug):
        article = (
            Article.objects.published().filter(slug=slug).defer(*documents.BODY_FIELDS).first()
        )
        if article is None:
            return error_answer(request, f"No published story has the slug “{slug}”.", status=404)
        httpcache.expires_by(request, article.unpublish_at, strictly=True)
        return view(request, article)

    return wrapper


@story_view
def story_detail(request, article):
    return json_answer(request, story=documents.story_document(request, article))


@story_view
def story_inputs(request, article):
    return json_answer(request, inputs=documents.story_inputs(request, article))


@story_view
def story_inputs_csv(request, article):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{article.slug}-score-inputs.csv"'
    response["Link"] = f'<{documents.LICENCE["url"]}>; rel="license"'
    writer = csv.DictWriter(response, fieldnames=documents.INPUTS_CSV_HEADER, restval="")
    writer.writeheader()
    rows = documents.inputs_rows(documents.story_inputs(request, article))
    writer.writerows(csvsafe.safe_row(row) for row in rows)
    return response


def question_keys(request, **kwargs):
    return ["questions", cache_keys.CROWD]


question_answer = httpcache.shared_page(keys=question_keys, seconds=activity_seconds)


@httpcache.shared_page(keys=question_keys, seconds=activity_seconds, parameters=None)
def question_list(request):
    parameters = ListParameters(request.GET)
    if not parameters.is_valid():
        return error_answer(request, parameters.sentence())
    meta, page = _page_of(request, documents.question_listing(), parameters)
    if meta is None:
        return _past_the_end(request, page)
    results = [documents.question_summary(request, question) for question in page.object_list]
    return json_answer(request, **meta, results=results)


@question_answer
def question_detail(request, slug):
    question = documents.question_listing().filter(slug=slug).first()
    if question is None:
        return error_answer(request, f"No public question has the slug “{slug}”.", status=404)
    return json_answer(request, question=documents.question_document(request, question))


@httpcache.shared_page(keys=lambda request, **kwargs: ["sources"])
def source_detail(request, slug):
    source = documents.source_lookup().filter(slug=slug).first()
    if source is None:
        return error_answer(request, f"No source has the slug “{slug}”.", status=404)
    return json_answer(request, source=documents.source_document(request, source))


calibration_answer = httpcache.shared_page(
    keys=lambda request, **kwargs: ["questions", "sources", "stories"]
)


@calibration_answer
def calibration_page(request):
    report = selectors.meter_calibration()
    context = {
        "report": report,
        "flagged": any(claim.meter_after_close for claim in report.claims),
        "small_sample": calibration.SMALL_SAMPLE,
    }
    return render(request, "api/calibration.html", context)


@calibration_answer
def calibration_data(request):
    return json_answer(request, calibration=documents.calibration_document(request))


@httpcache.shared_page(keys=lambda request, **kwargs: ["stories"])
def index(request):
    def absolute(name):
        return request.build_absolute_uri(reverse(name))

    return json_answer(
        request,
        resources={
            "stories": absolute("api:stories"),
            "questions": absolute("api:questions"),
            "story": absolute("api:stories") + "{slug}/",
            "story_inputs": absolute("api:stories") + "{slug}/inputs.json",
            "story_inputs_csv": absolute("api:stories") + "{slug}/inputs.csv",
            "question": absolute("api:questions") + "{slug}/",
            "source": absolute("api:index") + "sources/{slug}/",
            "calibration": absolute("api:calibration_data"),
        },
    )


@httpcache.private_page
def not_found(request, rest):
    return error_answer(
        request, "There is nothing at this address in the API; see /api/v1/.", status=404
    )
