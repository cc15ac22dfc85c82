"""Forecasters kept current: "Changed since your forecast" and the reader's forecast history."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import changes, services
from predictions.models import AggregatePoint, Question
from tests.factories import make_question

pytestmark = pytest.mark.django_db

READER = "k" * 32


def test_moved_says_old_and_new_only_past_the_threshold():
    assert changes.moved(40.4, 60.6, 10) == changes.Change(40, 61)
    assert changes.moved(40, 50, 10) is None
    assert changes.moved(None, 50, 10) is None
    assert changes.moved(70, 55, 10).points == 15


def test_median_on_takes_the_day_or_the_last_day_before_it():
    points = [
        AggregatePoint(day=date(2026, 1, 1), forecasters=3, median=30),
        AggregatePoint(day=date(2026, 1, 5), forecasters=6, median=45),
    ]
    assert changes.median_on(points, date(2026, 1, 4)) == 30
    assert changes.median_on(points, date(2026, 1, 5)) == 45
    assert changes.median_on(points, date(2025, 12, 31)) is None


def forecast_then_crowd_moves(*, then=40.0, now=62.0, forecasters=8):
    """The reader forecast five days ago when the crowd stood at ``then``; it is ``now``."""
    question = make_question(opens_at=timezone.now() - timedelta(days=10))
    made = timezone.now() - timedelta(days=5)
    services.submit_forecast(question=question, reader_id=READER, probability=35, now=made)
    for day, median in [(timezone.localdate(made), then), (timezone.localdate(), now)]:
        AggregatePoint.objects.update_or_create(
            question=question, day=day, defaults={"forecasters": forecasters, "median": median}
        )
    Question.objects.filter(pk=question.pk).update(forecasters=forecasters, median=now)
    return Question.objects.get(pk=question.pk)


def as_reader(client):
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)
    return client


def test_the_readers_panel_says_the_crowd_moved_with_old_and_new_values(client):
    question = forecast_then_crowd_moves()
    shared = client.get(question.article.get_absolute_url()).content.decode()
    assert "Changed since your forecast" not in shared

    panels = as_reader(client).get(reverse("predictions:mine", args=[question.article.slug]))
    forecast_panel = panels.json()["panels"]["forecast-yours"]
    assert "Changed since your forecast:" in forecast_panel
    assert "was 40% on the day you forecast and is 62% now (up 22 points)" in forecast_panel


def test_a_small_move_says_nothing(client):
    question = forecast_then_crowd_moves(then=50.0, now=56.0)
    panels = as_reader(client).get(reverse("predictions:mine", args=[question.article.slug]))
    assert "Changed since your forecast" not in panels.json()["panels"]["forecast-yours"]


def test_track_record_shows_the_change_and_each_questions_forecast_history(client):
    question = forecast_then_crowd_moves(then=70.0, now=45.0)
    services.submit_forecast(question=question, reader_id=READER, probability=50)
    # Other readers' forecasts, not modelled here, keep the crowd old enough to show.
    Question.objects.filter(pk=question.pk).update(forecasters=8)
    AggregatePoint.objects.filter(question=question).update(forecasters=8)
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "Your forecasts over time" in html
    # The standing forecast is today's, so the crowd is compared with today's median.
    assert "Changed since your forecast:" not in html
    assert "Your forecasts over time (solid line, 35%, 50%) against the community median" in html
    assert html.count('class="my-history__crowd"') == 1


def test_track_record_says_when_the_crowd_moved_since_the_standing_forecast(client):
    forecast_then_crowd_moves(then=70.0, now=45.0)
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "was 70% on the day you forecast and is 45% now (down 25 points)" in html


def test_a_young_questions_crowd_history_is_not_shown(client):
    forecast_then_crowd_moves(forecasters=3)
    html = as_reader(client).get(reverse("predictions:track_record")).content.decode()
    assert "my-history__crowd" not in html
    assert "the community’s history appears once enough readers have forecast" in html
