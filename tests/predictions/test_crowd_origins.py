"""Identities without an account are cheap, so the crowd counts addresses: their forecasts
from one network address count as one forecaster (core/origins.py,
predictions/aggregation.py: one_per_origin); an account counts on its own."""

import pytest
from django.urls import reverse

from core.origins import network_of, origin_of_address
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import consistency
from predictions.models import Forecast, Question
from tests.factories import make_question
from tests.predictions.test_leaderboard import make_account

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


def test_accounts_sharing_an_address_count_one_each(client):
    """A university's readers with accounts each count, where cookies there count once."""
    question = make_question()
    accounts = [make_account() for _ in range(6)]
    for account in accounts:
        client.cookies.clear()
        client.cookies[COOKIE_NAME] = signed_reader_cookie(account.reader_id)
        response = client.post(
            reverse("predictions:forecast", kwargs={"slug": question.slug}),
            {"probability": "70"},
            REMOTE_ADDR="198.51.100.50",
        )
        assert response.status_code == 302
    for _ in range(6):
        forecast_from(client, question, "198.51.100.50", 10)

    question.refresh_from_db()
    assert question.forecasters == 6 + 1
    assert question.median == 70
    origins = Forecast.objects.filter(reader_id__in=[a.reader_id for a in accounts])
    assert set(origins.values_list("origin", flat=True)) == {""}
    assert consistency.forecast_differences() == []


def test_a_forecast_counts_as_it_was_made_before_its_reader_had_an_account(client):
    question = make_question()
    forecast_from(client, question, "198.51.100.60", 30)
    reader_id = client.cookies[COOKIE_NAME].value.split(":")[0]
    forecast_from(client, question, "198.51.100.60", 50)
    make_account(reader_id=reader_id)

    question.refresh_from_db()
    assert question.forecasters == 1  # the two cookies from one address, as made
    client.cookies[COOKIE_NAME] = signed_reader_cookie(reader_id)
    client.post(
        reverse("predictions:forecast", kwargs={"slug": question.slug}),
        {"probability": "30"},
        REMOTE_ADDR="198.51.100.60",
    )
    question.refresh_from_db()
    assert question.forecasters == 2  # the account's new forecast counts on its own
