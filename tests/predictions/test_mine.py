"""The per-reader endpoint (/articles/<slug>/mine/): the parts of a story's panels that are
one reader's own, in one query for a known reader and none for a browser without one,
and each part what the reader's own page shows in its place."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from articles.models import Article
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import AggregatePoint, Question
from tests import query_budgets
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db

READER = "r" * 32


def as_reader(client, reader_id=READER):
    client.cookies[COOKIE_NAME] = signed_reader_cookie(reader_id)
    return client


def mine_url(article):
    return reverse("predictions:mine", kwargs={"slug": article.slug})


def parts(client, article):
    response = client.get(mine_url(article))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["panels"]


@pytest.fixture
def busy_question():
    """An open question on a story with enough rows that a query per row would show: 40
    reads, 12 forecasters and two weeks of the crowd's history."""
    question = make_question(opens_at=timezone.now() - timedelta(days=15))
    for number in range(40):
        services.cast_read(article=question.article, reader_id=f"r{number}", choice="overhyped")
    for number in range(12):
        services.submit_forecast(question=question, reader_id=f"r{number}", probability=20)
    for days in range(14):
        AggregatePoint.objects.update_or_create(
            question=question,
            day=timezone.localdate() - timedelta(days=days),
            defaults={"forecasters": 12, "median": 20 + days},
        )
    return Question.objects.select_related("article").get(pk=question.pk)


def resolved_with_a_score(reader_id):
    """A resolved question on which ``reader_id`` holds a score among other readers'."""
    question = make_question()
    for number in range(8):
        services.submit_forecast(question=question, reader_id=f"reader{number}", probability=60)
    services.submit_forecast(question=question, reader_id=reader_id, probability=70)
    services.resolve_question(question=question, resolution="yes", note="It happened.")
    return Question.objects.select_related("article").get(pk=question.pk)


def test_a_browser_without_a_reader_gets_nothing_and_asks_the_database_nothing(
    client, busy_question, django_assert_num_queries
):
    with django_assert_num_queries(query_budgets.READER_PANELS_WITHOUT_A_READER):
        assert parts(client, busy_question.article) == {}
        # Nothing to say to nobody, about any address: it would cost a query to ask.
        assert parts(client, Article(slug="no-such-story")) == {}


def test_a_known_reader_with_nothing_on_the_story_gets_nothing_in_one_query(
    client, busy_question, django_assert_num_queries
):
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS):
        assert parts(client, busy_question.article) == {}


def test_a_readers_read_comes_as_the_whole_community_panel_in_one_query(
    client, busy_question, django_assert_num_queries
):
    services.cast_read(article=busy_question.article, reader_id=READER, choice="promising")
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS):
        found = parts(client, busy_question.article)
    assert set(found) == {"community"}
    assert "41 reads so far. Your read: <strong>Promising</strong>." in found["community"]
    assert 'value="promising" aria-pressed="true"' in found["community"]
    assert "Withdraw my read" in found["community"]


def test_a_scored_forecast_comes_with_the_score_in_one_query(client, django_assert_num_queries):
    question = resolved_with_a_score(READER)
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS):
        found = parts(client, question.article)
    assert set(found) == {"forecast-yours"}
    assert "Your score: Brier <strong>0.090</strong>" in found["forecast-yours"]
    assert "Your forecast: <strong>70%</strong>" in found["forecast-yours"]
    assert "This question is closed: no new forecasts." in found["forecast-yours"]


def test_a_standing_forecast_adds_only_the_meters_history(
    client, busy_question, django_assert_num_queries
):
    services.submit_forecast(question=busy_question, reader_id=READER, probability=70)
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        found = parts(client, busy_question.article)
    # Thirteen forecasters: the crowd shows on the shared page already.
    assert set(found) == {"forecast-yours"}
    yours = found["forecast-yours"]
    assert "Your forecast: <strong>70%</strong>" in yours
    assert 'inputmode="numeric" required value="70"' in yours
    assert "Update forecast" in yours and "Withdraw my forecast" in yours


def test_a_read_and_a_forecast_come_together_in_the_same_queries(
    client, busy_question, django_assert_num_queries
):
    services.cast_read(article=busy_question.article, reader_id=READER, choice="promising")
    services.submit_forecast(question=busy_question, reader_id=READER, probability=70)
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        found = parts(client, busy_question.article)
    assert set(found) == {"community", "forecast-yours"}


def test_the_crowd_comes_where_the_readers_forecast_is_what_shows_it(
    client, django_assert_num_queries, settings
):
    settings.CROWD_MIN_INDEPENDENT = 1  # the quorum: tests/predictions/test_signals_crowd.py
    question = make_question(opens_at=timezone.now() - timedelta(days=5))
    for days in range(5):
        AggregatePoint.objects.create(
            question=question,
            day=timezone.localdate() - timedelta(days=days),
            forecasters=1,
            median=40 - days,
        )
    services.submit_forecast(question=question, reader_id=READER, probability=40)
    shared = Client().get(question.article.get_absolute_url()).content.decode()
    assert "The community forecast appears once you forecast" in shared
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        found = parts(client, question.article)
    assert set(found) == {"forecast-yours", "forecast-crowd"}
    assert 'Median <strong class="crowd__median">40%</strong>' in found["forecast-crowd"]
    assert found["forecast-crowd"].count('class="history__point"') == 5


def test_each_part_is_what_the_readers_own_page_shows_in_its_place(client, busy_question):
    """The page a reader's script assembles (the shared page with these parts in place)
    is the page drawn for them: the no-JavaScript landing, and what /mine/ sent whole
    before it sent parts."""
    question = make_question(opens_at=timezone.now() - timedelta(days=3))
    for story in (busy_question.article, question.article):
        services.cast_read(article=story, reader_id=READER, choice="too_early")
    services.submit_forecast(question=busy_question, reader_id=READER, probability=70)
    services.submit_forecast(question=question, reader_id=READER, probability=35)
    shared = Client().get(busy_question.article.get_absolute_url()).content.decode()
    as_reader(client)
    for story in (busy_question.article, question.article):
        own = client.get(story.get_absolute_url() + "?saved=yours").content.decode()
        found = parts(client, story)
        assert len(found) in (2, 3)
        for element_id, html in found.items():
            assert f'id="{element_id}"' in shared
            assertInHTML(html, own)


def test_the_answer_follows_the_readers_latest_choice(
    client, busy_question, django_capture_on_commit_callbacks
):
    as_reader(client)
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_read(article=busy_question.article, reader_id=READER, choice="promising")
        services.submit_forecast(question=busy_question, reader_id=READER, probability=70)
    assert (
        "Your read: <strong>Promising</strong>" in parts(client, busy_question.article)["community"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_read(article=busy_question.article, reader_id=READER)
        services.withdraw_forecast(question=busy_question, reader_id=READER)
    assert parts(client, busy_question.article) == {}


def test_a_known_reader_asking_of_no_public_story_gets_404(client):
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    as_reader(client)
    for story in (draft, scheduled, Article(slug="no-such-story")):
        assert client.get(mine_url(story)).status_code == 404
