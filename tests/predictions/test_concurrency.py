"""Integrity under real concurrency: many simultaneous requests against a live server."""

import http.client
import secrets
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from core.readers import signed_reader_cookie
from predictions import aggregation, services
from predictions.models import Forecast, Question, Read, ReadChoice, ReadTally
from predictions.services import settling
from tests.factories import make_article, make_question, make_topic, topic_interests

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def post(url, data, reader_id, address="192.0.2.1"):
    """One form POST as a browser holding a CSRF cookie and a reader cookie would send it,
    from ``address`` as the HTTP cache in front would name it."""
    body = urllib.parse.urlencode(data | {"csrfmiddlewaretoken": CSRF}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Cookie": f"csrftoken={CSRF}; reader={signed_reader_cookie(reader_id)}",
            "Referer": url,
            "Accept": "application/json",
            "X-Forwarded-For": address,
        },
    )
    # Django's test server drops a connection now and then when the machine is loaded,
    # as a busy server may: the browser sends it again, which a read or a forecast allows
    # (one per reader, whatever the number of tries: what these tests count).
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (ConnectionResetError, http.client.RemoteDisconnected):
            if attempt == 2:
                raise


def in_parallel(calls):
    with ThreadPoolExecutor(max_workers=25) as pool:
        return list(pool.map(lambda call: call(), calls))


@pytest.fixture
def unlimited(settings):
    settings.RATE_LIMITS = {"reader-write": (10_000, 60)}
    # The live server is reached directly: X-Forwarded-For names each reader's address.
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"


def test_one_reader_voting_20_times_at_once_leaves_one_read(live_server, unlimited):
    topic = make_topic()
    article = make_article(topics=[topic])
    url = live_server.url + f"/articles/{article.slug}/read/"
    choices = ReadChoice.values
    statuses = in_parallel(
        [lambda i=i: post(url, {"choice": choices[i % 4]}, "same-reader") for i in range(20)]
    )
    assert set(statuses) == {200}
    assert Read.objects.filter(article=article).count() == 1
    tally = ReadTally.objects.get(article=article)
    assert tally.total == 1
    assert getattr(tally, Read.objects.get().choice) == 1
    assert_weights_match_raw_reads()


def test_fifty_readers_at_once_leave_exactly_fifty_reads(live_server, unlimited):
    topics = [make_topic(), make_topic()]
    article = make_article(topics=topics)
    url = live_server.url + f"/articles/{article.slug}/read/"
    # Each at an address of their own (a story's reads from one address count as one).
    statuses = in_parallel(
        [
            lambda i=i: post(
                url, {"choice": ReadChoice.values[i % 4]}, f"reader-{i}", f"192.0.2.{i + 1}"
            )
            for i in range(50)
        ]
    )
    assert statuses == [200] * 50
    assert Read.objects.filter(article=article).count() == 50
    tally = ReadTally.objects.get(article=article)
    raw = {choice: Read.objects.filter(choice=choice).count() for choice in ReadChoice.values}
    assert {choice: getattr(tally, choice) for choice in ReadChoice.values} == raw
    assert_weights_match_raw_reads()


def assert_weights_match_raw_reads():
    settling.settle()
    stored = topic_interests()
    services.rebuild_topic_interest()
    assert topic_interests() == pytest.approx(stored)


def test_simultaneous_forecasts_leave_the_aggregate_the_raw_rows_give(live_server, unlimited):
    question = make_question()
    url = live_server.url + f"/predictions/{question.slug}/forecast/"
    # Thirty readers, each at an address of their own (the crowd counts one per address).
    calls = [
        lambda i=i: post(
            url,
            {"probability": str(1 + (i * 37) % 99)},
            f"reader-{i % 30}",
            address=f"192.0.2.{i % 30 + 1}",
        )
        for i in range(60)
    ]
    statuses = in_parallel(calls)
    assert set(statuses) <= {200, 302}

    settling.settle()
    question = Question.objects.get(pk=question.pk)
    standing = Forecast.objects.current().filter(question=question).order_by("made_at", "pk")
    assert standing.count() == 30 == question.forecasters
    expected = aggregation.aggregate(standing.values_list("probability", flat=True))
    assert (question.median, question.lower_quartile, question.upper_quartile) == (
        expected.median,
        expected.lower_quartile,
        expected.upper_quartile,
    )
    assert question.histogram == expected.histogram
    assert Forecast.objects.filter(question=question).count() == 60


def test_a_forecast_saved_while_its_question_settles_is_counted(settings):
    # The question is already marked stale when the second forecast is written, and that
    # forecast's transaction commits while settling runs: settling waits for it.
    settings.AGGREGATE_DEBOUNCE_SECONDS = 60
    question = make_question()
    assert settling.due(question.pk)  # no write settles the question itself for a minute
    services.submit_forecast(question=question, reader_id="first", probability=20)
    written = threading.Event()

    def slow_forecast():
        try:
            with transaction.atomic():
                services.submit_forecast(question=question, reader_id="second", probability=80)
                written.set()
                time.sleep(0.5)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_forecast)
    writer.start()
    assert written.wait(10)
    settling.settle()
    writer.join()
    settling.settle()
    question.refresh_from_db()
    expected = aggregation.aggregate([20, 80])
    assert (question.forecasters, question.median) == (2, expected.median)


def test_one_reader_forecasting_ten_times_at_once_keeps_every_forecast(live_server, unlimited):
    question = make_question()
    url = live_server.url + f"/predictions/{question.slug}/forecast/"
    statuses = in_parallel(
        [lambda i=i: post(url, {"probability": str(10 + i)}, "double-clicker") for i in range(10)]
    )
    assert statuses == [200] * 10
    forecasts = Forecast.objects.filter(question=question, reader_id="double-clicker")
    assert forecasts.count() == 10
    [standing] = forecasts.filter(superseded_at__isnull=True)
    # Each forecast stood until the next one: a history that time-averaged scoring can use.
    ordered = list(forecasts.order_by("made_at", "pk"))
    assert ordered[-1] == standing
    assert [f.superseded_at for f in ordered[:-1]] == [f.made_at for f in ordered[1:]]


def test_the_rate_limit_counts_a_burst_from_one_address_exactly(live_server, settings):
    # An hour's window, so that the burst does not straddle two windows.
    settings.RATE_LIMITS = {"reader-write": (30, 3600)}
    article = make_article()
    url = live_server.url + f"/articles/{article.slug}/read/"
    statuses = in_parallel(
        [lambda i=i: post(url, {"choice": "promising"}, f"burst-{i}") for i in range(100)]
    )
    assert statuses.count(200) == 30 and statuses.count(429) == 70
    assert Read.objects.filter(article=article).count() == 30
