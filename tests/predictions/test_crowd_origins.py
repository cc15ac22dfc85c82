"""Identities are cheap, so the crowd counts addresses: forecasts from one network address
count as one forecaster (core/origins.py, predictions/aggregation.py: one_per_origin)."""

import pytest
from django.urls import reverse

from core.origins import network_of, origin_of_address
from predictions import consistency, services
from predictions.models import Forecast, Question, Score
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def forecast_from(client, question, address, probability):
    """A forecast from a new browser (no reader cookie) at ``address``."""
    client.cookies.clear()
    return client.post(
        reverse("predictions:forecast", kwargs={"slug": question.slug}),
        {"probability": str(probability)},
        REMOTE_ADDR=address,
    )


def test_eight_cookieless_forecasts_from_one_address_are_one_forecaster_and_stay_hidden(
    client, settings
):
    question = make_question()
    for _ in range(8):
        assert forecast_from(client, question, "198.51.100.7", 99).status_code == 302

    question.refresh_from_db()
    assert Forecast.objects.filter(question=question).count() == 8
    assert question.forecasters == 1
    assert settings.FORECAST_REVEAL_MIN_FORECASTERS > 1
    client.cookies.clear()
    page = client.get(question.get_absolute_url()).content.decode()
    assert "8 forecasters" not in page
    assert "median 99" not in page.lower()


def test_twenty_identities_from_one_address_move_twenty_independent_readers_by_five_points_at_most(
    client,
):
    question = make_question()
    for n in range(20):
        forecast_from(client, question, f"203.0.113.{n + 1}", 30 + n)
    question.refresh_from_db()
    honest = question.median
    for _ in range(20):
        assert forecast_from(client, question, "198.51.100.9", 99).status_code == 302

    question.refresh_from_db()
    assert question.forecasters == 21
    assert abs(question.median - honest) <= 5


def test_the_address_itself_is_never_stored():
    question = make_question()
    Forecast.objects.create(question=question, reader_id="r", probability=50)
    origin = origin_of_address("198.51.100.7")
    assert len(origin) == 16 and "198" not in origin
    assert origin == origin_of_address("198.51.100.7") != origin_of_address("198.51.100.8")


def test_an_ipv6_household_is_one_origin():
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::9")
    assert network_of("2001:db8:1:3::1") != network_of("2001:db8:1:2::1")
    assert network_of("::ffff:198.51.100.7") == "198.51.100.7"


def test_the_stored_crowd_equals_the_one_rebuilt_from_raw_rows(client):
    question = make_question()
    for address, probability in [("192.0.2.1", 10), ("192.0.2.1", 90), ("192.0.2.2", 40)]:
        forecast_from(client, question, address, probability)

    assert consistency.forecast_differences() == []
    assert Question.objects.get(pk=question.pk).forecasters == 2


def test_eight_identities_hedging_three_questions_from_one_address_are_not_ranked(client, settings):
    settings.LEADERBOARD_MIN_RESOLVED = 3
    questions = [make_question() for _ in range(3)]
    # Every combination of 99 and 1 on three questions: one identity is bound to be right.
    for combination in range(8):
        client.cookies.clear()
        for place, question in enumerate(questions):
            probability = 99 if combination >> place & 1 else 1
            response = client.post(
                reverse("predictions:forecast", kwargs={"slug": question.slug}),
                {"probability": str(probability)},
                REMOTE_ADDR="198.51.100.7",
            )
            assert response.status_code == 302
    for question in questions:
        services.submit_forecast(
            question=question, reader_id="honest", probability=70, origin="elsewhere"
        )
        services.resolve_question(question=question, resolution="yes", note="")

    rows = client.get(reverse("predictions:leaderboard")).context["rows"]

    assert Score.objects.filter(brier__lt=0.001).exists()  # the lucky hedge scored perfectly
    assert [row["reader_id"] for row in rows] == ["honest"]
    html = client.get(reverse("predictions:leaderboard")).content.decode()
    assert "from the same network address as another reader are not ranked" in html


def test_a_reader_alone_at_their_address_is_ranked_wherever_they_forecast_from(client, settings):
    settings.LEADERBOARD_MIN_RESOLVED = 2
    questions = [make_question() for _ in range(2)]
    for question, origin in zip(questions, ["home", "work"], strict=True):
        services.submit_forecast(
            question=question, reader_id="mover", probability=80, origin=origin
        )
        services.submit_forecast(question=question, reader_id="other", probability=60, origin="far")
        services.resolve_question(question=question, resolution="yes", note="")

    rows = client.get(reverse("predictions:leaderboard")).context["rows"]
    assert {row["reader_id"] for row in rows} == {"mover", "other"}
