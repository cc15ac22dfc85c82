"""Without JavaScript, a panel's form lands back on the story (predictions/landings.py):
a refused forecast with its reasons next to the form and the input as sent, and a
returning reader's own read and forecast one button away from the shared page."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import landings, services
from predictions.models import Forecast
from tests.factories import make_article, make_question
from tests.security.html_checks import assert_no_executable_markup
from tests.security.xss_vectors import XSS_VECTORS

pytestmark = pytest.mark.django_db

READER = "t" * 32


def forecast_url(question):
    return reverse("predictions:forecast", kwargs={"slug": question.slug})


def refused_landing(question):
    return question.article.get_absolute_url() + "?saved=refused#forecast"


def forecast_panel(page):
    return page.split('id="forecast"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "value, reason",
    [
        ("150", "150 is more than 100 %"),
        ("0", "nothing is certain, so 0 and 100 are not allowed"),
        ("0.35", "Enter a whole number of per cent from 1 to 99"),
        ("", "Enter a whole number of per cent from 1 to 99"),
    ],
)
def test_a_refused_forecast_lands_on_the_story_with_the_reason_by_the_input(client, value, reason):
    question = make_question()
    refused = client.post(forecast_url(question), {"probability": value})
    assert refused.status_code == 302
    assert refused["Location"] == refused_landing(question)

    landing = client.get(refused["Location"])
    assert landing.status_code == 200
    assert landing["Cache-Control"] == "private, no-store"
    panel = forecast_panel(landing.content.decode())
    by_the_input = panel.split('<span id="probability-error" class="form-errors" role="alert">')
    assert reason in by_the_input[1].split("</span>")[0]
    assert f'required value="{value}" aria-describedby="probability-help probability-error"' in (
        panel
    )
    assert 'aria-invalid="true"' in panel
    assert "Saved:" not in panel and "You have not forecast" not in panel
    assert not Forecast.objects.exists()


def test_a_forecast_refused_by_the_rules_lands_with_the_reason(client):
    question = make_question()
    page = Client().get(question.article.get_absolute_url())
    assert page.status_code == 200
    question.closes_at = timezone.now() - timedelta(seconds=1)
    question.save(update_fields=["closes_at"])

    landing = client.post(forecast_url(question), {"probability": "40"}, follow=True)

    assert landing.redirect_chain == [(refused_landing(question), 302)]
    panel = forecast_panel(landing.content.decode())
    assert "This question is not taking forecasts: closed, awaiting resolution." in panel
    assert "This question is closed: no new forecasts." in panel
    assert not Forecast.objects.exists()


def test_the_pages_script_is_still_answered_with_a_400_and_the_reasons(client):
    question = make_question()
    response = client.post(
        forecast_url(question), {"probability": "150"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "150 is more than 100 %" in response.json()["error"]
    assert landings.REFUSAL_COOKIE not in response.cookies


def test_the_refusal_travels_only_to_its_storys_pages_and_not_for_long(client):
    question = make_question()
    refused = client.post(forecast_url(question), {"probability": "150"})
    cookie = refused.cookies[landings.REFUSAL_COOKIE]
    assert cookie["path"] == question.article.get_absolute_url()
    assert cookie["max-age"] == landings.REFUSAL_SECONDS
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize("salt", [None, "another purpose"], ids=["unsigned", "signed-elsewhere"])
def test_a_forged_refusal_shows_no_refusal(client, salt):
    question = make_question()
    kept = {"data": {"probability": "150"}, "reasons": []}
    cookie = signing.dumps(kept, salt=salt) if salt else "150"
    client.cookies[landings.REFUSAL_COOKIE] = cookie
    panel = forecast_panel(client.get(refused_landing(question)).content.decode())
    assert "form-errors" not in panel
    assert "How likely is “yes”?" in panel


def test_an_old_refusal_is_not_shown_again(client):
    question = make_question()
    client.post(forecast_url(question), {"probability": "150"})
    later = timezone.now() + timedelta(seconds=landings.REFUSAL_SECONDS + 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(signing.time, "time", later.timestamp)
        panel = forecast_panel(client.get(refused_landing(question)).content.decode())
    assert "form-errors" not in panel


def test_a_refusal_is_shown_only_on_the_page_reached_for_it(client):
    question = make_question()
    client.post(forecast_url(question), {"probability": "150"})
    for page in ("?saved=yours", "?saved=forecast", ""):
        content = client.get(question.article.get_absolute_url() + page).content.decode()
        assert "150 is more than 100 %" not in content


@pytest.mark.parametrize(
    "vector", XSS_VECTORS[::7], ids=lambda vector: f"v{XSS_VECTORS.index(vector):03d}"
)
def test_refused_input_is_inert_where_the_landing_shows_it(client, vector):
    question = make_question()
    landing = client.post(forecast_url(question), {"probability": vector}, follow=True)
    assert_no_executable_markup(landing.content.decode(), where="refused forecast")


def test_the_shared_story_offers_readers_without_javascript_their_own_choices(client):
    question = make_question()
    shared = client.get(question.article.get_absolute_url()).content.decode()
    for anchor, label in (("community", "Show your read"), ("forecast", "Show your forecast")):
        path = question.article.get_absolute_url()
        form = f'<noscript><form class="panel__yours" method="get" action="{path}#{anchor}">'
        assert form in shared
        assert (
            f'<button class="link-button" type="submit" name="saved" value="yours">{label}'
            in shared
        )


def test_an_editors_preview_offers_no_way_to_choices_no_reader_can_have_yet(client, editor):
    draft = make_question(make_article(status=Article.Status.DRAFT, published_at=None)).article
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Reads open when the story is published" in page
    assert 'value="yours"' not in page


def test_a_returning_reader_lands_on_their_read_and_forecast(client):
    question = make_question()
    services.cast_read(article=question.article, reader_id=READER, choice="promising")
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)

    landing = client.get(question.article.get_absolute_url() + "?saved=yours")

    assert landing["Cache-Control"] == "private, no-store"
    page = landing.content.decode()
    assert "Your read: <strong>Promising</strong>" in page
    assert 'value="promising" aria-pressed="true"' in page
    assert "Your forecast: <strong>70%</strong>" in page
    assert 'inputmode="numeric" required value="70"' in page
    assert "Update your forecast" in page and "Withdraw my forecast" in page
    assert "Saved:" not in page and "<noscript>" not in page


def test_a_returning_reader_with_nothing_here_is_told_so(client):
    question = make_question()
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)
    page = client.get(question.article.get_absolute_url() + "?saved=yours").content.decode()
    assert "You have not chosen a read of this story yet." in page
    assert "You have not forecast this question yet." in page


def test_the_question_page_offers_the_way_and_lands_there(client):
    question = make_question()
    services.submit_forecast(question=question, reader_id=READER, probability=70)
    shared = client.get(question.get_absolute_url()).content.decode()
    assert 'name="saved" value="yours">Show your forecast' in shared
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)
    own = client.get(question.get_absolute_url() + "?saved=yours").content.decode()
    assert "Your forecast: <strong>70%</strong>" in own
    assert 'inputmode="numeric" required value="70"' in own
