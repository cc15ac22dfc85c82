"""Passkeys: an account is created and signed in to with real WebAuthn signatures (a
software authenticator), and every forged, replayed or misdirected answer is refused
with a sentence, never a 500."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Account, Passkey
from core.readers import COOKIE_NAME
from tests.accounts.authenticator import SoftAuthenticator, b64url
from tests.accounts.flows import add_passkey, create_account, post_json, sign_in

pytestmark = pytest.mark.django_db


def reader_in_cookie(client):
    return client.cookies[COOKIE_NAME].value.split(":")[0]


def test_creating_an_account_signs_in_and_shows_the_recovery_codes_once(client):
    answer, _ = create_account(client, "Ada_Lovelace")

    assert answer.status_code == 200
    assert answer.json() == {"redirect": reverse("accounts:recovery_codes")}
    account = Account.objects.get()
    assert account.handle == "Ada_Lovelace"
    assert not account.user.has_usable_password() and not account.user.is_staff
    assert account.passkeys.get().name == "Laptop"
    assert reader_in_cookie(client) == account.reader_id
    page = client.get(reverse("accounts:recovery_codes"))
    assert page.status_code == 200
    assert page.content.decode().count("<li><code>") == 10
    again = client.get(reverse("accounts:recovery_codes"))
    assert again.status_code == 302  # shown once
    assert (
        "Signed in as <strong>Ada_Lovelace</strong>"
        in client.get(reverse("accounts:account")).content.decode()
    )


def test_a_passkey_signs_in_on_another_browser_with_a_real_signature():
    _, authenticator = create_account(Client(), "grace")
    other = Client()

    answer = sign_in(other, authenticator)

    assert answer.status_code == 200, answer.content
    assert answer.json() == {"redirect": reverse("accounts:account")}
    account = Account.objects.get()
    assert reader_in_cookie(other) == account.reader_id
    assert other.get(reverse("accounts:account")).status_code == 200
    passkey = account.passkeys.get()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_a_replayed_assertion_is_refused():
    _, authenticator = create_account(Client(), "grace")
    browser = Client()
    options = post_json(browser, reverse("accounts:sign_in_options"), {}).json()
    credential = authenticator.get(options)
    assert (
        post_json(
            browser, reverse("accounts:sign_in_verify"), {"credential": credential}
        ).status_code
        == 200
    )

    thief = Client()
    replayed = post_json(thief, reverse("accounts:sign_in_verify"), {"credential": credential})

    assert replayed.status_code == 400
    assert "expired or was already used" in replayed.json()["error"]
    assert thief.get(reverse("accounts:account")).status_code == 302


def test_a_counter_that_goes_back_is_refused_even_with_a_fresh_challenge():
    _, authenticator = create_account(Client(), "grace")
    assert sign_in(Client(), authenticator).status_code == 200
    authenticator.credentials[-1].sign_count = 0  # a cloned key starts over

    answer = sign_in(Client(), authenticator)

    assert answer.status_code == 400
    assert "could not be verified" in answer.json()["error"]


def test_a_synced_passkey_that_always_counts_zero_still_signs_in():
    _, authenticator = create_account(
        Client(), "grace", authenticator=SoftAuthenticator(counts=False)
    )
    assert sign_in(Client(), authenticator).status_code == 200
    assert sign_in(Client(), authenticator).status_code == 200


def test_an_answer_made_for_another_site_is_refused():
    _, authenticator = create_account(Client(), "grace")

    answer = sign_in(Client(), authenticator, origin="https://evil.example")

    assert answer.status_code == 400
    assert answer.json()["error"] == "Passkeys can only be used on this site's own pages."


def test_registration_from_another_origin_is_refused():
    client = Client()
    answer, _ = create_account(
        client, "grace", authenticator=SoftAuthenticator(origin="http://localhost.evil:80")
    )

    assert answer.status_code == 400
    assert not Account.objects.exists()


def test_a_passkey_without_user_verification_is_refused():
    answer, _ = create_account(
        Client(), "grace", authenticator=SoftAuthenticator(user_verified=False)
    )

    assert answer.status_code == 400
    assert "screen lock" in answer.json()["error"]
    assert not Account.objects.exists()


def test_an_unknown_passkey_is_refused_with_a_sentence():
    stranger = SoftAuthenticator()
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": b64url(b"x")}, "challenge": "AAAA"})

    answer = sign_in(Client(), stranger)

    assert answer.status_code == 400
    assert "not registered here" in answer.json()["error"]


def test_a_challenge_is_for_one_purpose_only():
    client = Client()
    options = post_json(client, reverse("accounts:sign_in_options"), {}).json()
    credential = SoftAuthenticator().create(
        {
            "rp": {"id": "localhost"},
            "user": {"id": b64url(b"u")},
            "challenge": options["options"]["challenge"],
        }
    )
    assert (
        post_json(client, reverse("accounts:create_verify"), {"credential": credential}).status_code
        == 400
    )


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"credential": "x"}',
        b'{"credential": {"response": "x"}}',
        b'{"credential": {"id": 1, "rawId": [], "response": {"clientDataJSON": 5}}}',
        b'{"credential": {"id": "AA", "rawId": "AA", "type": "public-key", "response": '
        b'{"clientDataJSON": "e30", "authenticatorData": "!!", "signature": "AA"}}}',
        # clientDataJSON whose challenge is a list and origin a number
        b'{"credential": {"response": {"clientDataJSON": '
        b'"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjpbXSwib3JpZ2luIjoxfQ"}}}',
        '{"credential": {"response": {"clientDataJSON": "\u00e9"}}}'.encode(),
    ],
)
@pytest.mark.parametrize("endpoint", ["accounts:sign_in_verify", "accounts:create_verify"])
def test_forged_answers_get_a_400_with_a_sentence(client, body, endpoint):
    response = client.post(
        reverse(endpoint),
        data=body,
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"].endswith("Please try again.")


def test_a_forged_assertion_with_a_real_challenge_is_refused(client):
    _, authenticator = create_account(Client(), "grace")
    options = post_json(client, reverse("accounts:sign_in_options"), {}).json()
    credential = authenticator.get(options)
    credential["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")

    answer = post_json(client, reverse("accounts:sign_in_verify"), {"credential": credential})

    assert answer.status_code == 400
    assert client.get(reverse("accounts:account")).status_code == 302


def test_an_oversized_answer_is_refused_before_it_is_read(client):
    response = client.post(
        reverse("accounts:sign_in_verify"),
        data=json.dumps({"credential": "x" * 70_000}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 413


def test_a_second_passkey_is_added_and_either_signs_in():
    browser = Client()
    _, laptop = create_account(browser, "grace")
    phone = SoftAuthenticator()

    answer = add_passkey(browser, phone, name="Phone")

    assert answer.status_code == 200, answer.content
    assert list(Passkey.objects.values_list("name", flat=True)) == ["Laptop", "Phone"]
    assert sign_in(Client(), phone).status_code == 200
    assert sign_in(Client(), laptop).status_code == 200
    page = browser.get(reverse("accounts:account")).content.decode()
    assert "Passkey “Phone” added." in page


def test_adding_a_passkey_needs_a_signed_in_account(client):
    response = post_json(client, reverse("accounts:passkey_add_options"), {"name": "x"})
    assert response.status_code == 403
    assert response.json() == {"error": "Please sign in first."}


def test_an_add_challenge_made_for_one_account_cannot_add_to_another():
    first, second = Client(), Client()
    create_account(first, "grace")
    create_account(second, "alan")
    options = post_json(first, reverse("accounts:passkey_add_options"), {"name": "x"}).json()
    credential = SoftAuthenticator().create(options)

    answer = post_json(second, reverse("accounts:passkey_add_verify"), {"credential": credential})

    assert answer.status_code == 400
    assert Passkey.objects.count() == 2


def test_the_last_passkey_is_kept_without_another_way_in():
    browser = Client()
    create_account(browser, "grace")
    account = Account.objects.get()
    account.recovery_codes.update(used_at="2026-01-01T00:00Z")
    passkey = account.passkeys.get()

    response = browser.post(reverse("accounts:passkey_remove", args=[passkey.pk]), follow=True)

    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert "This is your only passkey" in response.content.decode()


def test_a_passkey_is_removed_when_another_way_in_remains():
    browser = Client()
    _, laptop = create_account(browser, "grace")
    passkey = Account.objects.get().passkeys.get()

    browser.post(reverse("accounts:passkey_remove", args=[passkey.pk]))

    assert not Passkey.objects.exists()  # ten recovery codes remain
    assert sign_in(Client(), laptop).status_code == 400


def test_another_accounts_passkey_cannot_be_removed():
    owner, other = Client(), Client()
    create_account(owner, "grace")
    create_account(other, "alan")
    grace_key = Account.objects.get(handle="grace").passkeys.get()

    other.post(reverse("accounts:passkey_remove", args=[grace_key.pk]))

    assert Passkey.objects.filter(pk=grace_key.pk).exists()


def test_sign_out_ends_the_session_and_clears_the_reader_cookie():
    browser = Client()
    create_account(browser, "grace")

    response = browser.post(reverse("accounts:sign_out"))

    assert response.status_code == 200
    assert "You are signed out." in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert browser.cookies[COOKIE_NAME].value == ""
    assert browser.get(reverse("accounts:account")).status_code == 302
    assert browser.get(reverse("accounts:sign_out")).status_code == 405


def test_account_posts_need_djangos_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    options = post_json(browser, reverse("accounts:sign_in_options"), {})
    assert options.status_code == 403
    assert "security check failed" in options.json()["error"]

    page = browser.get(reverse("accounts:sign_in"))
    token = browser.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    accepted = browser.post(
        reverse("accounts:sign_in_options"),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200
    assert accepted.json()["options"]["userVerification"] == "required"
