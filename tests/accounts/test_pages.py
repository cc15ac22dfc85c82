"""The account pages: private and never stored, rate-limited, readable without
JavaScript, and the shared pages stay the same for everyone."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from tests.accounts.authenticator import SoftAuthenticator
from tests.accounts.flows import add_passkey, create_account, post_json

pytestmark = pytest.mark.django_db

SIGNED_OUT_PAGES = ["accounts:sign_in", "accounts:create", "accounts:sign_in_recovery"]
SIGNED_IN_PAGES = ["accounts:account", "accounts:delete", "accounts:export"]


@pytest.mark.parametrize("name", SIGNED_OUT_PAGES)
def test_account_pages_are_private_and_never_stored(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "xkey" not in response


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_are_private_and_never_stored(name):
    browser = Client()
    create_account(browser, "grace")
    response = browser.get(reverse(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_ceremony_answers_are_private_too(client):
    response = post_json(client, reverse("accounts:sign_in_options"), {})
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_send_nobody_else_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign_in")


def test_without_javascript_the_pages_say_so_and_offer_the_email_link(client):
    sign_in = client.get(reverse("accounts:sign_in")).content.decode()
    assert "Passkeys need JavaScript" in sign_in
    assert 'data-passkey="sign-in"' in sign_in and " hidden>" in sign_in
    assert 'action="/account/sign-in/email/"' in sign_in
    create = client.get(reverse("accounts:create")).content.decode()
    assert "Creating an account needs a passkey, so it needs JavaScript too" in create
    assert 'href="/account/sign-in/#email-sign-in"' in create


def test_opening_the_sign_in_page_starts_no_session(client):
    """A session cookie takes a reader's pages out of the shared cache (the HTTP cache
    passes requests that carry one), so only signing in makes one."""
    client.get(reverse("accounts:sign_in"))
    post_json(client, reverse("accounts:sign_in_options"), {})
    assert "sessionid" not in client.cookies


def test_many_sign_in_attempts_from_one_address_are_slowed(client, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"account-sign-in": (3, 600)}
    for _ in range(3):
        response = post_json(client, reverse("accounts:sign_in_verify"), {"credential": {}})
        assert response.status_code == 400
    refused = post_json(client, reverse("accounts:sign_in_verify"), {"credential": {}})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "many account requests" in refused.json()["error"]


def test_one_address_makes_only_so_many_accounts_a_day(settings):
    """Accounts are the identities the leaderboard ranks and the crowd counts one each: an
    address that makes them by the dozen is stopped, another address is not."""
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"account-create": (2, 86400)}
    for handle in ("ada", "grace"):
        made, _ = create_account(Client(), handle)
        assert made.status_code == 200, made.content
    refused, _ = create_account(Client(), "hedy")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 12 * 60 * 60
    assert "Several accounts were made from your address today." in refused.json()["error"]
    assert not Account.objects.filter(handle="hedy").exists()
    elsewhere, _ = create_account(Client(REMOTE_ADDR="192.0.2.7"), "hedy")
    assert elsewhere.status_code == 200, elsewhere.content


def test_account_pages_are_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"account": (2, 600)}
    assert client.get(reverse("accounts:sign_in")).status_code == 200
    assert client.get(reverse("accounts:create")).status_code == 200
    refused = client.get(reverse("accounts:sign_in"))
    assert refused.status_code == 429
    assert refused["Cache-Control"] == "private, no-store"


def test_the_shared_pages_are_the_same_bytes_signed_in_or_not(fixture_content):
    anonymous = Client()
    signed_in = Client()
    create_account(signed_in, "grace")
    for path in ("/", "/privacy/", "/predictions/"):
        assert anonymous.get(path).content == signed_in.get(path).content, path
    header = anonymous.get("/").content.decode()
    assert 'href="/account/"' in header


def test_the_account_page_asks_the_database_four_times(django_assert_num_queries):
    """The session, the user with its account, the passkeys, the recovery codes' counts:
    however many passkeys and codes there are."""
    browser = Client()
    create_account(browser, "grace")
    for name in ("Phone", "Tablet"):
        add_passkey(browser, SoftAuthenticator(), name=name)
    browser.get(reverse("accounts:account"))  # shows the "added" messages once

    with django_assert_num_queries(4):
        response = browser.get(reverse("accounts:account"))

    assert response.content.decode().count('class="passkeys__item"') == 3
