"""Email: an address verified by a signed link, then a one-time, 15-minute sign-in link
on a new device; mail is rate-limited per address, per recipient and per account."""

import re
import socket
import time
from email import message_from_bytes

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts import emails
from accounts.models import Account
from core.readers import COOKIE_NAME
from tests.accounts.flows import create_account
from tests.clocks import ManualClock

pytestmark = pytest.mark.django_db


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link):
    return "/" + link.split("/", 3)[3]


def with_verified_email(client, handle="grace", email="grace@example.org"):
    create_account(client, handle)
    client.post(reverse("accounts:email_add"), {"email": email})
    client.post(path_of(link_in(mail.outbox[-1])))
    return Account.objects.get(handle=handle)


def test_an_address_is_the_accounts_once_its_link_is_opened():
    browser = Client()
    create_account(browser, "grace")

    browser.post(reverse("accounts:email_add"), {"email": "grace@example.org"})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grace@example.org"]
    assert message.subject == "Confirm your email address for Newsroom"
    link = link_in(message)
    assert link.startswith("http://testserver/account/email/verify/")
    assert Account.objects.get().email == ""
    confirm_page = browser.get(path_of(link))  # what a mail scanner's fetch does: nothing
    assert confirm_page.status_code == 200
    assert Account.objects.get().email == ""
    assert "grace@example.org" in confirm_page.content.decode()

    browser.post(path_of(link))

    account = Account.objects.get()
    assert account.email == "grace@example.org" and account.email_verified_at
    assert "grace@example.org</strong>, verified on" in browser.get("/account/").content.decode()


def test_an_address_of_another_account_is_refused():
    with_verified_email(Client(), "grace", "shared@example.org")
    other = Client()
    create_account(other, "alan")

    page = other.post(reverse("accounts:email_add"), {"email": "Shared@Example.org"}, follow=True)

    assert "belongs to another account" in page.content.decode()
    assert Account.objects.get(handle="alan").email == ""


@pytest.mark.parametrize(
    "token",
    ["nonsense", "a:b:c", signing.dumps({"account": 1}, salt="x")],
    ids=["nonsense", "colons", "signed-for-something-else"],
)
def test_a_forged_link_is_a_400_with_a_sentence(client, token):
    for name in ("accounts:email_verify", "accounts:sign_in_link"):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 400
        assert "expired or was already used" in response.content.decode()


def test_a_new_device_signs_in_once_with_an_email_link():
    account = with_verified_email(Client())
    phone = Client()

    sent = phone.post(reverse("accounts:sign_in_email"), {"email": "GRACE@example.org"})

    assert "we have just sent it a sign-in link" in sent.content.decode()
    message = mail.outbox[-1]
    assert message.to == ["grace@example.org"]
    path = path_of(link_in(message))
    assert "Sign in as grace" in phone.get(path).content.decode()
    signed_in = phone.post(path)
    assert signed_in.status_code == 302
    assert phone.cookies[COOKIE_NAME].value.split(":")[0] == account.reader_id
    page = phone.get(reverse("accounts:account")).content.decode()
    assert "Add a passkey on this device" in page
    used_again = Client().post(path)
    assert used_again.status_code == 400
    assert "expired or was already used" in used_again.content.decode()


def test_a_sign_in_link_expires_after_fifteen_minutes(monkeypatch):
    with_verified_email(Client())
    clock = ManualClock(time.time())
    monkeypatch.setattr(signing, "time", clock)
    Client().post(reverse("accounts:sign_in_email"), {"email": "grace@example.org"})
    path = path_of(link_in(mail.outbox[-1]))

    clock.now += emails.SIGN_IN_SECONDS + 1

    assert Client().post(path).status_code == 400


def test_an_address_with_no_account_gets_the_same_answer_and_no_mail(client):
    sent = client.post(reverse("accounts:sign_in_email"), {"email": "nobody@example.org"})
    assert "we have just sent it a sign-in link" in sent.content.decode()
    assert mail.outbox == []


def test_an_unconfirmed_address_gets_no_sign_in_link():
    browser = Client()
    create_account(browser, "grace")
    browser.post(reverse("accounts:email_add"), {"email": "grace@example.org"})
    Client().post(reverse("accounts:sign_in_email"), {"email": "grace@example.org"})
    assert len(mail.outbox) == 1  # the confirmation only


def test_a_bad_address_is_a_form_error(client):
    page = client.post(reverse("accounts:sign_in_email"), {"email": "not an address"})
    assert page.status_code == 200
    assert 'id="id_email_error"' in page.content.decode()


def test_mail_to_one_recipient_is_rate_limited(client, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"account-email": (2, 3600)}
    with_verified_email(Client())  # one mail to grace@, from the test client's address
    mail.outbox.clear()
    for address in ("10.0.0.7", "10.0.0.8"):
        Client(REMOTE_ADDR=address).post(
            reverse("accounts:sign_in_email"), {"email": "grace@example.org"}
        )

    refused = Client(REMOTE_ADDR="10.0.0.9").post(
        reverse("accounts:sign_in_email"), {"email": "grace@example.org"}
    )

    assert len(mail.outbox) == 1
    assert refused.status_code == 429


def test_a_mail_server_that_is_down_gets_a_sentence_not_a_500(settings):
    with_verified_email(Client())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nothing listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    page = Client().post(reverse("accounts:sign_in_email"), {"email": "grace@example.org"})

    assert page.status_code == 200
    assert emails.NOT_SENT in page.content.decode()


def test_an_address_is_removed_from_the_account():
    browser = Client()
    with_verified_email(browser)
    browser.post(reverse("accounts:email_remove"))
    account = Account.objects.get()
    assert account.email == "" and account.email_verified_at is None


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_sign_in_link_goes_through_a_real_smtp_server(settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    received = []

    class Keep(Sink):
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with_verified_email(Client())
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

        Client().post(reverse("accounts:sign_in_email"), {"email": "grace@example.org"})
    finally:
        controller.stop()

    assert len(received) == 1
    assert received[0].rcpt_tos == ["grace@example.org"]
    message = message_from_bytes(received[0].content)
    assert message["Subject"] == "Your sign-in link for Newsroom"
    body = message.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+", body).group(0)
    assert Client().post(path_of(link)).status_code == 302
