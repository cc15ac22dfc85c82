"""Your history comes with you: a browser's anonymous reads and forecasts become the
account's at sign-up, join it at sign-in elsewhere, and two accounts never merge."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts
from accounts.models import Account
from core.readers import COOKIE_NAME
from predictions import services
from predictions.models import Forecast, Read, ReadTally, Score
from predictions.services import settling
from tests.accounts.flows import create_account, sign_in
from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db


def reader_of(client):
    return client.cookies[COOKIE_NAME].value.split(":")[0]


def read(client, article, choice="promising"):
    response = client.post(reverse("predictions:read", args=[article.slug]), {"choice": choice})
    assert response.status_code == 302


def forecast(client, question, probability):
    response = client.post(
        reverse("predictions:forecast", args=[question.slug]), {"probability": probability}
    )
    assert response.status_code == 302


def test_signing_up_makes_this_browsers_history_the_accounts(client):
    question = make_question()
    read(client, question.article)
    forecast(client, question, "30")
    anonymous = reader_of(client)

    create_account(client, "grace")

    account = Account.objects.get()
    assert account.reader_id == anonymous == reader_of(client)
    assert Forecast.objects.get().reader_id == anonymous
    track_record = client.get(reverse("predictions:track_record")).content.decode()
    assert question.text in track_record


def test_signing_in_joins_this_browsers_reads_and_forecasts_to_the_account():
    both_read, only_here = make_article(), make_article()
    shared_question, new_question = make_question(), make_question()
    owner = Client(REMOTE_ADDR="10.0.0.1")
    read(owner, both_read, "game_changer")
    forecast(owner, shared_question, "20")
    _, authenticator = create_account(owner, "grace")
    account = Account.objects.get()
    laptop = Client(REMOTE_ADDR="10.0.0.2")
    read(laptop, both_read, "overhyped")
    read(laptop, only_here)
    forecast(laptop, shared_question, "70")
    forecast(laptop, new_question, "55")
    anonymous = reader_of(laptop)
    settling.settle()
    assert ReadTally.objects.get(article=both_read).total == 2
    assert Forecast.objects.filter(question=shared_question).current().count() == 2

    answer = sign_in(laptop, authenticator)

    assert answer.status_code == 200
    assert reader_of(laptop) == account.reader_id
    page = laptop.get(reverse("accounts:account")).content.decode()
    assert "We added 1 read and 2 forecasts from this browser to your account." in page
    assert not Read.objects.filter(reader_id=anonymous).exists()
    assert not Forecast.objects.filter(reader_id=anonymous).exists()
    reads = dict(Read.objects.filter(reader_id=account.reader_id).values_list("article", "choice"))
    assert reads == {both_read.pk: "game_changer", only_here.pk: "promising"}
    assert ReadTally.objects.get(article=both_read).total == 1  # the person counts once
    # Both histories kept; only the newer forecast stands, the older ended at its time.
    history = list(
        Forecast.objects.filter(question=shared_question).values_list(
            "probability", "superseded_at"
        )
    )
    newer = Forecast.objects.get(question=shared_question, probability=70)
    assert history == [(20, newer.made_at), (70, None)]
    settling.settle()
    shared_question.refresh_from_db()
    assert shared_question.forecasters == 1 and shared_question.median == 70


def test_the_newer_of_two_standing_forecasts_stands_whichever_side_it_was_on():
    question = make_question()
    account_reader, anonymous = "a" * 32, "b" * 32
    now = timezone.now()
    services.submit_forecast(
        question=question, reader_id=anonymous, probability=10, now=now - timedelta(hours=2)
    )
    services.submit_forecast(
        question=question, reader_id=account_reader, probability=90, now=now - timedelta(hours=1)
    )
    browser = Client()
    create_account(browser, "grace")
    Account.objects.update(reader_id=account_reader)
    moved = accounts.join_reader(account=Account.objects.get(), browser_reader_id=anonymous)

    assert moved == {"reads": 0, "forecasts": 1}
    standing = Forecast.objects.filter(question=question).current().get()
    assert standing.probability == 90
    older = Forecast.objects.get(question=question, probability=10)
    assert older.superseded_at == standing.made_at


def test_scores_on_resolved_questions_follow_the_joined_forecasts():
    question = make_question()
    laptop = Client()
    forecast(laptop, question, "80")
    anonymous = reader_of(laptop)
    _, authenticator = create_account(Client(), "grace")
    account = Account.objects.get()
    services.resolve_question(question=question, resolution="yes", note="It did.")
    assert Score.objects.filter(reader_id=anonymous).exists()

    sign_in(laptop, authenticator)

    assert not Score.objects.filter(reader_id=anonymous).exists()
    score = Score.objects.get(reader_id=account.reader_id)
    assert score.final_probability == 80
    assert score.brier == pytest.approx(0.04)


def test_two_accounts_are_never_merged():
    question = make_question()
    shared_browser = Client()
    _, grace_key = create_account(shared_browser, "grace")
    forecast(shared_browser, question, "40")
    grace = Account.objects.get(handle="grace")
    _, alan_key = create_account(Client(), "alan")
    alan = Account.objects.get(handle="alan")

    sign_in(shared_browser, alan_key)  # without signing out first

    assert reader_of(shared_browser) == alan.reader_id
    assert Forecast.objects.get().reader_id == grace.reader_id
    page = shared_browser.get(reverse("accounts:account")).content.decode()
    assert "We added" not in page and "alan" in page


def test_signing_up_in_a_browser_that_holds_an_accounts_reader_makes_a_new_reader():
    browser = Client()
    create_account(browser, "grace")
    grace = Account.objects.get()
    browser.cookies.pop("sessionid")  # the session has run out; the reader cookie is left
    create_account(browser, "alan")

    alan = Account.objects.get(handle="alan")
    assert alan.reader_id != grace.reader_id
    assert reader_of(browser) == alan.reader_id


def test_after_sign_out_the_browser_acts_as_a_new_reader():
    question = make_question()
    browser = Client()
    create_account(browser, "grace")
    account = Account.objects.get()
    browser.post(reverse("accounts:sign_out"))

    forecast(browser, question, "60")

    assert reader_of(browser) != account.reader_id
    assert Forecast.objects.get().reader_id == reader_of(browser)


@pytest.mark.parametrize(
    ("counts", "added"),
    [
        ({"reads": 3, "forecasts": 2}, "3 reads and 2 forecasts"),
        ({"reads": 1, "forecasts": 1}, "1 read and 1 forecast"),
        ({"reads": 0, "forecasts": 4}, "4 forecasts"),
        ({"reads": 2, "forecasts": 1, "follows": 1}, "2 reads, 1 forecast and 1 follow"),
    ],
)
def test_the_sentence_says_what_joined(counts, added):
    expected = f"We added {added} from this browser to your account."
    assert accounts.joined_sentence(counts) == expected


def test_nothing_joined_says_nothing():
    assert accounts.joined_sentence({"reads": 0, "forecasts": 0}) is None
