"""Your data, your call: one click exports everything held about the account; deleting
it removes the account and keeps its reads and forecasts only as anonymous rows in the
community's counts and crowds; the privacy page says what is kept and why."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Account, Passkey, RecoveryCode
from core.readers import COOKIE_NAME
from predictions import services
from predictions.models import Forecast, Read, ReadTally, Score
from predictions.services import settling
from tests.accounts.authenticator import SoftAuthenticator
from tests.accounts.flows import add_passkey, create_account, sign_in
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def act(client, question, probability="65"):
    client.post(reverse("predictions:read", args=[question.article.slug]), {"choice": "promising"})
    client.post(reverse("predictions:forecast", args=[question.slug]), {"probability": probability})


def test_the_export_holds_everything_about_the_account_and_no_key():
    question, resolved = make_question(), make_question()
    browser = Client()
    act(browser, question)
    act(browser, resolved, "80")
    services.resolve_question(question=resolved, resolution="no", note="It did not.")
    create_account(browser, "grace")

    response = browser.get(reverse("accounts:export"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="newsroom-account.json"'
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(response.content)
    assert data["account"]["handle"] == "grace"
    assert data["account"]["email"] is None
    assert [passkey["name"] for passkey in data["passkeys"]] == ["Laptop"]
    assert "public_key" not in json.dumps(data["passkeys"])
    assert len(data["recovery_codes"]) == 10
    assert {read["url"] for read in data["reads"]} == {
        question.article.get_absolute_url(),
        resolved.article.get_absolute_url(),
    }
    assert [f["probability"] for f in data["forecasts"]] == [65, 80]
    assert data["forecasts"][0]["origin_key"]
    assert data["scores"][0]["question"] == resolved.text
    assert data["scores"][0]["final_probability"] == 80
    credential_id = Passkey.objects.get().credential_id
    assert credential_id not in response.content.decode()


def test_the_exports_queries_do_not_grow_with_the_readers_history():
    browser = Client()
    create_account(browser, "grace")
    act(browser, make_question())
    with CaptureQueriesContext(connection) as short_history:
        browser.get(reverse("accounts:export"))
    for _ in range(4):
        act(browser, make_question())
    add_passkey(browser, SoftAuthenticator())

    with CaptureQueriesContext(connection) as long_history:
        response = browser.get(reverse("accounts:export"))

    assert len(json.loads(response.content)["forecasts"]) == 5
    assert len(long_history) == len(short_history)


def test_deleting_the_account_keeps_its_activity_anonymous_in_the_aggregates():
    question = make_question()
    browser = Client(REMOTE_ADDR="10.0.0.3")
    act(browser, question)
    _, authenticator = create_account(browser, "grace")
    account = Account.objects.get()
    settling.settle()
    page = browser.get(reverse("accounts:delete"))
    assert "Type your handle to confirm" in page.content.decode()

    refused = browser.post(reverse("accounts:delete"), {"handle": "alan"})
    assert refused.status_code == 200 and Account.objects.exists()
    response = browser.post(reverse("accounts:delete"), {"handle": "GRACE"})

    assert response.status_code == 200
    assert "Your account is deleted." in response.content.decode()
    assert not Account.objects.exists()
    assert not User.objects.exists()
    assert not Passkey.objects.exists() and not RecoveryCode.objects.exists()
    assert browser.cookies[COOKIE_NAME].value == ""
    assert not Read.objects.filter(reader_id=account.reader_id).exists()
    assert not Forecast.objects.filter(reader_id=account.reader_id).exists()
    kept = Forecast.objects.get()
    assert kept.probability == 65 and len(kept.reader_id) == 32
    assert Read.objects.get().reader_id == kept.reader_id
    assert ReadTally.objects.get(article=question.article).total == 1
    settling.settle()
    question.refresh_from_db()
    assert question.forecasters == 1 and question.median == 65
    assert sign_in(Client(), authenticator).status_code == 400
    assert browser.get(reverse("accounts:account")).status_code == 302


def test_a_deleted_accounts_other_devices_are_signed_out():
    first, second = Client(), Client()
    _, authenticator = create_account(first, "grace")
    sign_in(second, authenticator)
    first.post(reverse("accounts:delete"), {"handle": "grace"})
    assert second.get(reverse("accounts:account")).status_code == 302


def test_a_deleted_accounts_scores_leave_it_with_its_forecasts():
    question = make_question()
    browser = Client()
    act(browser, question)
    create_account(browser, "grace")
    account = Account.objects.get()
    services.resolve_question(question=question, resolution="yes", note="")
    browser.post(reverse("accounts:delete"), {"handle": "grace"})
    assert not Score.objects.filter(reader_id=account.reader_id).exists()
    assert Score.objects.get().reader_id == Forecast.objects.get().reader_id


def test_the_privacy_page_says_what_is_kept_for_how_long_and_why(client):
    response = client.get(reverse("accounts:privacy"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    page = response.content.decode()
    for said in (
        "cookie named <code>reader</code>",
        "two years",
        "HMAC",
        "/64",
        "14 days",
        "15 minutes",
        "kept, anonymously",
        "fresh random id",
        "Why",
    ):
        assert said in page or said.lower() in page.lower(), said
    assert 'href="/privacy/"' in page  # the footer links it on every page
