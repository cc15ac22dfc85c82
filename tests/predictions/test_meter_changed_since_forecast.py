""" "Changed since your forecast" when the story's reality meter moves, not only the crowd."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from articles import extensions, meters
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import changes, services
from predictions.models import Question
from tests import query_budgets
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)
from trust.models import CriterionResult
from trust.services import rescore_source

pytestmark = pytest.mark.django_db

READER = "m" * 32


@pytest.fixture
def criteria():
    """The trust rubric: two criteria weighing 60 and 40."""
    return make_criteria((60, 40))


def scored_question(criteria):
    """A question on a story whose whole score is the trust of its one source (100)."""
    source = make_source(meets=criteria)
    article = make_article(published_at=timezone.now() - timedelta(days=20))
    cite(article, source)
    make_meter(article, values=[None], weights=[100])
    question = make_question(article, opens_at=timezone.now() - timedelta(days=10))
    return question, source


def editors_find_a_criterion_unmet(source, criterion):
    """What an editor's change of a source's verdict does: the source and its stories rescored."""
    CriterionResult.objects.filter(source=source, criterion=criterion).update(met=False)
    rescore_source(source=source, reason="Its peer review turned out to be an editor's read.")


def as_reader(client):
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)
    return client


def forecast_panel(client, question):
    panels = as_reader(client).get(reverse("predictions:mine", args=[question.article.slug]))
    return panels.json()["panels"]["forecast-yours"]


def test_meter_moved_says_old_and_new_scores_and_bands_only_past_the_threshold():
    then = meters.Reading(at=timezone.now(), score=82, band="Established")
    now = meters.Reading(at=timezone.now(), score=45, band="Plausible")
    assert changes.meter_moved(then, now, 10) == changes.MeterChange(
        82, 45, "Established", "Plausible"
    )
    assert changes.meter_moved(then, meters.Reading(timezone.now(), 72), 10) is None
    assert changes.meter_moved(None, now, 10) is None
    assert changes.meter_moved(meters.Reading(timezone.now(), None), now, 10) is None


def test_the_reading_at_a_moment_is_the_last_one_made_by_then():
    start = timezone.now() - timedelta(days=3)
    readings = [meters.Reading(start, 50), meters.Reading(start + timedelta(days=2), 70)]
    assert meters.reading_at(readings, start - timedelta(seconds=1)) is None
    assert meters.reading_at(readings, start + timedelta(days=1)).score == 50
    assert meters.reading_at(readings, start + timedelta(days=2)).score == 70


def test_the_readers_panel_says_the_meter_moved_with_old_and_new_values(
    client, criteria, django_capture_on_commit_callbacks
):
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    assert "Changed since your forecast" not in forecast_panel(client, question)

    with django_capture_on_commit_callbacks(execute=True):  # the story's purge, on commit
        editors_find_a_criterion_unmet(source, criteria[0])

    panel = forecast_panel(client, question)
    assert "Changed since your forecast:" in panel
    assert (
        "the story’s reality score was 100/100 (Established) when you forecast "
        "and is 40/100 (Plausible) now (down 60 points)"
    ) in panel
    shared = client.get(question.article.get_absolute_url()).content.decode()
    assert "reality score was 100/100" not in shared


def test_a_small_move_of_the_meter_says_nothing(client):
    criteria = make_criteria((95, 5))
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    editors_find_a_criterion_unmet(source, criteria[1])
    assert question.article.score_changes.last().score == 95
    assert "Changed since your forecast" not in forecast_panel(client, question)
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "Changed since your forecast:" not in html


def test_a_move_before_the_forecast_is_not_a_change_since_it(client, criteria):
    question, source = scored_question(criteria)
    editors_find_a_criterion_unmet(source, criteria[0])
    services.submit_forecast(question=question, reader_id=READER, probability=30)
    assert "Changed since your forecast" not in forecast_panel(client, question)


def test_track_record_says_the_meter_moved_and_states_the_threshold(client, settings, criteria):
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    editors_find_a_criterion_unmet(source, criteria[1])

    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "reality score was 100/100 (Established) when you forecast and is 60/100" in html
    assert "(down 40 points)" in html
    assert (
        f"the story’s reality score (out of 100) by more than "
        f"{settings.FORECAST_CHANGE_THRESHOLD} points since the moment you made it"
    ) in html

    settings.FORECAST_CHANGE_THRESHOLD = 40
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "reality score was 100/100" not in html


def test_a_resolved_question_says_nothing_of_the_meter(client, criteria):
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    editors_find_a_criterion_unmet(source, criteria[0])
    question.closes_at = timezone.now() - timedelta(minutes=1)
    question.save(update_fields=["closes_at"])
    services.resolve_question(question=question, resolution="no", note="It did not.")
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "reality score was" not in html
    assert "reality score was" not in forecast_panel(client, question)


def forecasts_on_stories_whose_meter_moved(criteria, count):
    """``count`` questions the reader forecast, each with its crowd shown and its meter moved."""
    for _ in range(count):
        question, source = scored_question(criteria)
        services.submit_forecast(question=question, reader_id=READER, probability=70)
        Question.objects.filter(pk=question.pk).update(
            forecasters=django_settings.FORECAST_REVEAL_MIN_FORECASTERS
        )
        editors_find_a_criterion_unmet(source, criteria[0])


def test_track_record_reads_every_storys_meter_in_one_query(
    client, django_assert_num_queries, criteria
):
    forecasts_on_stories_whose_meter_moved(criteria, 2)
    as_reader(client)
    with django_assert_num_queries(query_budgets.TRACK_RECORD_PAGE):
        html = client.get(reverse("predictions:track_record")).content.decode()
    assert html.count("reality score was 100/100") == 2
    forecasts_on_stories_whose_meter_moved(criteria, 3)
    with django_assert_num_queries(query_budgets.TRACK_RECORD_PAGE):
        html = client.get(reverse("predictions:track_record")).content.decode()
    assert html.count("reality score was 100/100") == 5


def test_the_readers_panel_reads_the_meter_in_one_query(
    client, django_assert_num_queries, criteria
):
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    editors_find_a_criterion_unmet(source, criteria[0])
    as_reader(client)
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        panels = client.get(reverse("predictions:mine", args=[question.article.slug]))
    assert "reality score was 100/100" in panels.json()["panels"]["forecast-yours"]


@pytest.fixture
def without_the_projects_provider(monkeypatch):
    """The articles app on its own: no app above has registered the meter's history."""
    unrated = [known for known in extensions.registered() if known.readings is None]
    assert len(unrated) < len(extensions.registered())
    monkeypatch.setattr(extensions, "_registered", unrated)


def test_without_a_registered_provider_the_panel_says_nothing_of_the_meter(
    client, criteria, without_the_projects_provider
):
    question, source = scored_question(criteria)
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    editors_find_a_criterion_unmet(source, criteria[0])
    panel = forecast_panel(client, question)
    assert "Your forecast: <strong>70%</strong>" in panel
    assert "reality score was" not in panel
