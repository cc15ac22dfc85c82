"""The crowd stays hidden until enough independent forecasters have spoken
(predictions/selectors/crowd.py): accounts, and addresses of readers without one. Tried
as an attacker would, eight cookieless forecasts of 99 % once made a hidden crowd appear
as "median 99"; here they make no crowd appear anywhere, before the close or after."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import AggregatePoint, Question
from tests.factories import make_question
from tests.predictions.test_crowd_origins import forecast_from
from tests.predictions.test_leaderboard import make_account

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"


def page(url, client=None):
    return (client or Client()).get(url).content.decode()


def crowd_of(html):
    """The crowd panel's HTML (the element the per-reader endpoint replaces), to the
    sentence that closes it."""
    start = html.index('id="forecast-crowd"')
    return html[start : html.index("How we count</a>", start)]


def mine(client, question):
    url = reverse("predictions:mine", kwargs={"slug": question.article.slug})
    return client.get(url).json()["panels"]


def independent_forecasts(question, count, probability=40):
    """``count`` readers, each at an address of their own."""
    client = Client()
    for number in range(count):
        assert forecast_from(client, question, f"203.0.113.{number + 1}", probability).status_code
    return client


def test_eight_cookieless_forecasts_make_no_crowd_appear_anywhere(client, settings):
    assert settings.CROWD_MIN_INDEPENDENT == 5
    question = make_question()
    for _ in range(8):
        forecast_from(client, question, ATTACKER, 99)
    question.refresh_from_db()
    assert question.forecasters == 1 and question.median == 99

    shared = crowd_of(page(question.get_absolute_url()))
    assert "The crowd shows once 5 independent forecasters have spoken (1 so far)." in shared
    assert "crowd__median" not in shared
    # Not even to the attacker, whose last cookie holds a forecast.
    own = crowd_of(page(question.article.get_absolute_url() + "?saved=forecast", client))
    assert "crowd__median" not in own
    assert "forecast-crowd" not in mine(client, question)
    api = client.get(reverse("api:question", args=[question.slug])).json()["question"]
    assert api["crowd"]["visible"] is False and "median_percent" not in api["crowd"]

    # Nor once the question closes, nor once it is resolved.
    Question.objects.filter(pk=question.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    closed = crowd_of(page(question.get_absolute_url()))
    assert "Too few independent forecasters spoke for a crowd: 1, of the 5 it takes." in closed
    assert "crowd__median" not in closed
    services.resolve_question(question=question, resolution="no", note="")
    front = page(reverse("articles:front"))
    assert "Too few independent forecasters (1) to show a crowd." in front
    assert "99%" not in front


def test_the_crowd_shows_once_five_independent_forecasters_have_spoken(client):
    question = make_question()
    independent_forecasts(question, 3)
    for _ in range(20):
        forecast_from(client, question, ATTACKER, 99)
    question.refresh_from_db()
    assert question.forecasters == 4
    assert "The crowd shows once 5 independent forecasters have spoken (4 so far)." in page(
        question.get_absolute_url()
    )

    forecast_from(client, question, "203.0.113.99", 40)

    shown = crowd_of(page(question.get_absolute_url()))
    assert 'Median <strong class="crowd__median">40%</strong>' in shown
    assert "5 forecasters" in shown


def test_accounts_at_one_address_are_independent_forecasters(client):
    question = make_question()
    for _ in range(5):
        account = make_account()
        client.cookies.clear()
        client.cookies[COOKIE_NAME] = signed_reader_cookie(account.reader_id)
        client.post(
            reverse("predictions:forecast", kwargs={"slug": question.slug}),
            {"probability": "65"},
            REMOTE_ADDR="198.51.100.80",
        )

    assert 'class="crowd__median">65%<' in page(question.get_absolute_url())


def test_the_panel_states_the_rule_and_links_to_it(client, settings):
    settings.CROWD_MIN_INDEPENDENT = 7
    question = make_question()
    crowd = crowd_of(page(question.get_absolute_url()))
    assert "The crowd shows once 7 independent forecasters have spoken." in crowd
    assert (
        "Each account counts as one forecaster; readers without an account count as one per "
        "network address." in crowd
    )
    assert f'href="{reverse("trust:methodology")}#crowd-rule"' in crowd

    methodology = page(reverse("trust:methodology"))
    for anchor in ("reader-signals", "crowd-rule", "read-rule", "leaderboard-rule"):
        assert f'id="{anchor}"' in methodology
    assert "until 7 independent forecasters, accounts and addresses, have spoken" in methodology
    assert "(<var>n</var> × mean Brier score + 10 × 0.25) ÷ (<var>n</var> + 10)" in methodology


def test_the_history_shows_the_days_the_crowd_had_spoken(client):
    question = make_question(opens_at=timezone.now() - timedelta(days=5))
    independent_forecasts(question, 5)
    today = timezone.localdate()
    # Two earlier days: one on which a single origin stood at 99, one with a quorum.
    AggregatePoint.objects.create(
        question=question, day=today - timedelta(days=2), forecasters=1, median=99
    )
    AggregatePoint.objects.create(
        question=question, day=today - timedelta(days=1), forecasters=5, median=45
    )

    crowd = crowd_of(page(question.get_absolute_url()))
    history = crowd[crowd.index("Community median by day") :]
    assert "<td>45%</td>" in history and "<td>99%</td>" not in history


def test_a_change_since_a_forecast_is_not_told_of_a_crowd_that_has_not_spoken(client):
    question = make_question(opens_at=timezone.now() - timedelta(days=10))
    reader = "r" * 32
    made = timezone.now() - timedelta(days=5)
    services.submit_forecast(question=question, reader_id=reader, probability=35, now=made)
    for day, median in [(timezone.localdate(made), 20.0), (timezone.localdate(), 80.0)]:
        AggregatePoint.objects.update_or_create(
            question=question, day=day, defaults={"forecasters": 3, "median": median}
        )
    Question.objects.filter(pk=question.pk).update(forecasters=3, median=80)
    client.cookies[COOKIE_NAME] = signed_reader_cookie(reader)

    panels = mine(client, question)

    assert "Changed since your forecast" not in panels["forecast-yours"]
    assert "forecast-crowd" not in panels
