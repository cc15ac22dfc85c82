"""Forecasts: history kept, the crowd recomputed on write, scored on resolution."""

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import AggregatePoint, Forecast, Question, Score
from tests import query_budgets
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db


def forecast_url(question):
    return reverse("predictions:forecast", kwargs={"slug": question.slug})


def refused_landing(question):
    """Where a forecast refused without JavaScript lands (predictions/landings.py)."""
    return question.article.get_absolute_url() + "?saved=refused#forecast"


def as_reader(client, reader_id):
    client.cookies[COOKIE_NAME] = signed_reader_cookie(reader_id)
    return client


def test_a_reader_forecasts_and_sees_their_forecast_and_the_crowd(client, settings):
    settings.CROWD_MIN_INDEPENDENT = 1  # the quorum: tests/predictions/test_signals_crowd.py
    question = make_question()
    response = client.post(forecast_url(question), {"probability": "35"})

    assert response.status_code == 302
    story = question.article.get_absolute_url()
    assert response["Location"] == story + "?saved=forecast#forecast"
    page = client.get(response["Location"]).content.decode()
    assert "Your forecast: <strong>35%</strong>" in page
    assert "Saved: your forecast is now 35%." in page
    assert 'inputmode="numeric" required value="35"' in page
    assert 'class="crowd__median">35%<' in page
    assert "1 forecaster." in page
    shared = client.get(story)
    assert "Your forecast" not in shared.content.decode()
    assert "public" in shared["Cache-Control"]


def test_updating_keeps_history_and_only_the_latest_counts(client):
    question = make_question()
    client.post(forecast_url(question), {"probability": "20"})
    client.post(forecast_url(question), {"probability": "70%"})

    forecasts = list(Forecast.objects.order_by("made_at", "pk"))
    assert [f.probability for f in forecasts] == [20, 70]
    assert forecasts[0].superseded_at == forecasts[1].made_at
    assert forecasts[1].superseded_at is None
    question.refresh_from_db()
    assert (question.forecasters, question.median) == (1, 70)


def test_withdrawing_removes_the_reader_from_the_crowd(client):
    question = make_question()
    services.submit_forecast(question=question, reader_id="other", probability=80)
    client.post(forecast_url(question), {"probability": "20"})
    client.post(forecast_url(question), {"withdraw": "on"})

    question.refresh_from_db()
    assert (question.forecasters, question.median) == (1, 80)
    assert Forecast.objects.filter(withdrawn=True).count() == 1


def test_the_aggregate_and_its_history_are_stored_on_write():
    question = make_question()
    for reader, probability in [("a", 10), ("b", 90), ("c", 40)]:
        services.submit_forecast(question=question, reader_id=reader, probability=probability)
    question.refresh_from_db()
    assert (question.lower_quartile, question.median, question.upper_quartile) == (40, 40, 90)
    assert question.histogram == [0, 1, 0, 0, 1, 0, 0, 0, 0, 1]
    point = AggregatePoint.objects.get(question=question)
    assert (point.forecasters, point.median) == (3, 40)


def test_each_point_of_history_is_dated_by_the_question_s_newest_forecast():
    now = timezone.now()
    question = make_question(opens_at=now - timedelta(days=10))
    services.submit_forecast(
        question=question, reader_id="a", probability=20, now=now - timedelta(days=5)
    )
    services.submit_forecast(
        question=question, reader_id="b", probability=60, now=now - timedelta(days=3)
    )
    # A withdrawal stands as the reader's last word: it dates the point, adds no probability.
    services.withdraw_forecast(question=question, reader_id="a", now=now - timedelta(days=1))

    points = AggregatePoint.objects.filter(question=question).order_by("day")
    assert [(point.day, point.forecasters, point.median) for point in points] == [
        (timezone.localdate(now - timedelta(days=5)), 1, 20),
        (timezone.localdate(now - timedelta(days=3)), 2, 60),
        (timezone.localdate(now - timedelta(days=1)), 1, 60),
    ]
    question.refresh_from_db()
    assert (question.forecasters, question.median, question.histogram[6]) == (1, 60, 1)


def test_the_crowd_is_hidden_until_the_reader_forecasts_or_enough_have(client, settings):
    settings.CROWD_MIN_INDEPENDENT = 1
    settings.FORECAST_REVEAL_MIN_FORECASTERS = 3
    question = make_question()
    services.submit_forecast(question=question, reader_id="a", probability=60)
    hidden = client.get(question.get_absolute_url()).content.decode()
    assert "appears once you forecast" in hidden and "crowd__median" not in hidden

    for reader in ("b", "c"):
        services.submit_forecast(question=question, reader_id=reader, probability=60)
    shown = client.get(question.get_absolute_url()).content.decode()
    assert "crowd__median" in shown


def test_the_crowd_is_shown_once_the_question_closes(client, settings):
    settings.CROWD_MIN_INDEPENDENT = 1
    settings.FORECAST_REVEAL_MIN_FORECASTERS = 100
    question = make_question()
    services.submit_forecast(question=question, reader_id="a", probability=60)
    Question.objects.filter(pk=question.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    page = client.get(question.get_absolute_url()).content.decode()
    assert "crowd__median" in page
    assert "This question is closed" in page


def test_status_follows_the_clock_and_the_resolution():
    now = timezone.now()
    question = make_question(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    assert question.status_at(now) == Question.Status.UPCOMING
    assert question.status_at(now + timedelta(days=1)) == Question.Status.OPEN
    assert question.status_at(now + timedelta(days=2)) == Question.Status.CLOSED
    question.resolution = Question.Resolution.NO
    assert question.status_at(now) == Question.Status.RESOLVED


def test_forecasts_are_refused_on_closed_or_resolved_questions(client):
    closed = make_question(
        closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=3)
    )
    response = client.post(forecast_url(closed), {"probability": "50"}, follow=True)
    assert response.redirect_chain == [(refused_landing(closed), 302)]
    assert "not taking forecasts: closed" in response.content.decode()

    resolved = make_question()
    services.resolve_question(question=resolved, resolution="yes", note="It happened.")
    response = client.post(forecast_url(resolved), {"probability": "50"}, follow=True)
    assert "not taking forecasts: resolved" in response.content.decode()
    assert not Forecast.objects.exists()


@pytest.mark.parametrize(
    "value", ["0", "100", "-5", "1e309", "NaN", "abc", "", "0.35", "35.5", "3 5", "٣٥"]
)
def test_bad_probabilities_are_refused_and_nothing_stored(client, value):
    question = make_question()
    response = client.post(forecast_url(question), {"probability": value}, follow=True)
    assert response.redirect_chain == [(refused_landing(question), 302)]
    assert "per cent" in response.content.decode()
    assert not Forecast.objects.exists()


@pytest.mark.parametrize(
    "value, sentence",
    [
        ("0", "nothing is certain, so 0 and 100 are not allowed"),
        ("100", "nothing is certain, so 0 and 100 are not allowed"),
        ("150", "150 is more than 100 %"),
        ("101", "101 is more than 100 %"),
    ],
)
def test_an_out_of_range_forecast_is_told_what_is_wrong_with_it(client, value, sentence):
    question = make_question()
    response = client.post(forecast_url(question), {"probability": value}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(refused_landing(question), 302)]
    assert sentence in page
    assert value in ("0", "100") or "nothing is certain" not in page


def test_percent_sign_and_spaces_are_accepted():
    from predictions.forms import ForecastForm

    for raw in ["35", " 35 ", "35%", "35 %"]:
        form = ForecastForm({"probability": raw})
        assert form.is_valid() and form.cleaned_data["probability"] == 35


def test_questions_of_stories_not_public_take_no_forecasts(client):
    draft = make_question(make_article(status=Article.Status.DRAFT))
    scheduled = make_question(make_article(published_at=timezone.now() + timedelta(hours=1)))
    for question in (draft, scheduled):
        assert client.post(forecast_url(question), {"probability": "50"}).status_code == 404
    assert not Forecast.objects.exists()


def test_a_forecast_whose_time_was_taken_before_the_standing_one_starts_after_it():
    question = make_question()
    later = timezone.now()
    first = services.submit_forecast(question=question, reader_id="r", probability=30, now=later)
    # A second request of the same reader took its time first but was stored second.
    second = services.submit_forecast(
        question=question, reader_id="r", probability=70, now=later - timedelta(seconds=1)
    )
    first = Forecast.objects.get(pk=first.pk)
    assert first.superseded_at == first.made_at == later
    assert second.made_at == later
    assert Forecast.objects.current().get(question=question, reader_id="r").probability == 70


def test_other_bad_requests_store_nothing(client, settings):
    question = make_question()
    assert (
        client.post(
            reverse("predictions:forecast", kwargs={"slug": "nope"}), {"probability": "50"}
        ).status_code
        == 404
    )
    big = client.post(forecast_url(question), {"probability": "50", "pad": "x" * (10 * 2**20)})
    assert big.status_code == 413
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    assert (
        client.post(forecast_url(question), {"probability": "50"}, headers=cross_site).status_code
        == 403
    )
    assert client.get(forecast_url(question)).status_code == 405
    settings.RATE_LIMITS = {"reader-write": (2, 60)}
    caches["default"].clear()
    statuses = [
        client.post(forecast_url(question), {"probability": "50"}).status_code for _ in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert Forecast.objects.count() == 2


def test_resolution_scores_every_reader_over_the_time_each_forecast_stood():
    opens = timezone.now() - timedelta(days=100)
    question = make_question(opens_at=opens, closes_at=opens + timedelta(days=100, seconds=1))
    services.submit_forecast(question=question, reader_id="a", probability=80, now=opens)
    services.submit_forecast(
        question=question, reader_id="a", probability=40, now=opens + timedelta(days=50)
    )
    services.submit_forecast(
        question=question, reader_id="b", probability=10, now=opens + timedelta(days=75)
    )
    Question.objects.filter(pk=question.pk).update(closes_at=opens + timedelta(days=100))
    question.refresh_from_db()

    services.resolve_question(question=question, resolution="yes", note="Approved.")
    a = Score.objects.get(reader_id="a")
    assert a.brier == pytest.approx(0.20)
    assert a.log_score == pytest.approx((math.log(0.8) + math.log(0.4)) / 2)
    assert Score.objects.get(reader_id="b").brier == pytest.approx(0.81)

    services.resolve_question(question=question, resolution="no", note="Corrected.")
    assert Score.objects.get(reader_id="a").brier == pytest.approx((0.64 + 0.16) / 2)
    assert Score.objects.count() == 2

    services.resolve_question(question=question, resolution="annulled", note="Void.")
    assert not Score.objects.exists()


def test_resolution_must_be_yes_no_or_annulled():
    with pytest.raises(ValidationError):
        services.resolve_question(question=make_question(), resolution="maybe", note="")


def test_track_record_and_csv_export(client):
    scored = make_question(text="Will the scored thing happen?")
    standing = make_question(text="Will the open thing happen?")
    as_reader(client, "me")
    services.submit_forecast(question=scored, reader_id="me", probability=70)
    services.submit_forecast(question=standing, reader_id="me", probability=30)
    services.resolve_question(question=scored, resolution="yes", note="Yes.")

    page = client.get(reverse("predictions:track_record")).content.decode()
    assert "Will the open thing happen?" in page and "Will the scored thing happen?" in page
    assert "Calibration by band" in page
    assert scored.article.topics.get().name in page

    export = client.get(reverse("predictions:track_record_csv"))
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    by_question = {row["question"]: row for row in rows}
    assert by_question["Will the scored thing happen?"]["your_forecast_percent"] == "70"
    assert by_question["Will the scored thing happen?"]["resolution"] == "Yes"
    assert by_question["Will the open thing happen?"]["brier_score"] == ""


def test_a_new_reader_has_an_empty_track_record_and_no_cookie(client):
    response = client.get(reverse("predictions:track_record"))
    assert "You have not forecast yet" in response.content.decode()
    assert COOKIE_NAME not in response.cookies


def test_question_pages_list_open_closing_and_resolved(client):
    soon = make_question(text="Closing soon?", closes_at=timezone.now() + timedelta(days=3))
    later = make_question(text="Much later?", closes_at=timezone.now() + timedelta(days=300))
    done = make_question(text="Already known?")
    services.resolve_question(question=done, resolution="no", note="")
    context = client.get(reverse("predictions:questions")).context
    assert context["closing_soon"] == [soon]
    assert context["open"] == [later]
    assert context["resolved"] == [done]


def test_closing_soon_counts_thirty_calendar_days_from_today(client):
    first_of_december = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=first_of_december):
        last_day = make_question(
            text="Closes on the 31st?", closes_at=datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
        )
        next_year = make_question(
            text="Closes in January?", closes_at=datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
        )
        response = client.get(reverse("predictions:questions"))

    assert response.context["closing_soon"] == [last_day]
    assert response.context["open"] == [next_year]
    assert "Nothing closes in the next 30 days" not in response.content.decode()


def test_a_question_resolved_early_shows_when_it_resolved_not_when_it_would_close(client):
    question = make_question(
        text="Settled early?",
        closes_at=datetime(2026, 12, 31, 18, 0, tzinfo=UTC) + timedelta(days=365),
    )
    services.resolve_question(
        question=question, resolution="yes", note="", now=datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    )

    for url in [question.get_absolute_url(), reverse("predictions:questions")]:
        page = client.get(url).content.decode()
        assert "31 December 2027" not in page, url
        assert "Closes" not in page.split("<main", 1)[1], url
        assert "20 November 2026" in page, url
    card = client.get(reverse("predictions:questions")).content.decode()
    assert "Resolved <strong>Yes</strong> on" in card


def test_standing_forecasts_leave_out_resolved_questions(client):
    open_question = make_question(text="Still open?")
    awaiting = make_question(text="Closed, not yet known?")
    resolved = make_question(text="Already resolved?")
    as_reader(client, "me")
    for question in [open_question, awaiting, resolved]:
        services.submit_forecast(question=question, reader_id="me", probability=40)
    Question.objects.filter(pk=awaiting.pk).update(closes_at=timezone.now())
    services.resolve_question(question=resolved, resolution="no", note="")

    response = client.get(reverse("predictions:track_record"))

    standing = [forecast.question.text for forecast in response.context["forecasts"]]
    assert sorted(standing) == ["Closed, not yet known?", "Still open?"]
    section = response.content.decode().split('id="forecasts-heading"', 1)[1]
    assert "Already resolved?" not in section


def test_question_and_article_pages_run_constant_queries(client, django_assert_num_queries):
    question = make_question()
    for number in range(30):
        services.submit_forecast(question=question, reader_id=f"r{number}", probability=50)
    as_reader(client, "r1")
    with django_assert_num_queries(query_budgets.QUESTION_PAGE):
        client.get(question.get_absolute_url())
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE_WITH_READER):
        client.get(question.article.get_absolute_url() + "?saved=forecast")
    with django_assert_num_queries(query_budgets.READER_PANELS_WITH_A_STANDING_FORECAST):
        client.get(reverse("predictions:mine", kwargs={"slug": question.article.slug}))


def test_the_sitemap_lists_public_questions_only(client):
    from articles.models import Article

    public = make_question()
    hidden = make_question(article=None)
    Article.objects.filter(pk=hidden.article_id).update(status=Article.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/predictions/{public.slug}/" in xml
    assert f"/predictions/{hidden.slug}/" not in xml


def test_posting_a_forecast_costs_its_budget_of_queries(client, django_assert_num_queries):
    question = make_question()
    as_reader(client, "budget-reader")
    with django_assert_num_queries(query_budgets.FORECAST_POST):
        response = client.post(forecast_url(question), {"probability": "35"})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.forecasters == 1


@pytest.mark.parametrize("withdraw", ["false", "FALSE"])
def test_a_withdraw_field_that_says_no_still_needs_a_probability(client, withdraw):
    question = make_question()
    response = client.post(
        forecast_url(question), {"probability": "", "withdraw": withdraw}, follow=True
    )
    assert response.redirect_chain == [(refused_landing(question), 302)]
    assert "Enter a whole number of per cent" in response.content.decode()
    assert not Forecast.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_replaying_a_question_s_history_needs_no_caller_s_transaction():
    """Outside any transaction (a management command's autocommit), the replay locks the
    question in a transaction of its own."""
    question = make_question()
    services.submit_forecast(question=question, reader_id="r1", probability=40)

    services.replay_history(question=question)

    assert AggregatePoint.objects.filter(question=question).count() == 1
