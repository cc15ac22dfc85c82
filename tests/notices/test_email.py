"""Notifications by email, through a real SMTP server: once each, only to a verified
address, at the frequency the reader chose, each message with a one-click unsubscribe
(RFC 8058) that works without a cookie and refuses a forged address."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Correction
from core.absolute_urls import absolute, site_url
from notices import delivery, links, services, tasks
from notices.models import Event, Notification, Preferences
from predictions import services as predictions
from tests.factories import make_article, make_question
from tests.notices.conftest import make_account

pytestmark = pytest.mark.django_db

ADDRESS = "ada@example.org"


def resolve(question):
    predictions.resolve_question(question=question, resolution="yes", note="It did.")


def followed_resolution(account, text="Will it fly?"):
    """A question the account follows resolves; its event is delivered."""
    question = make_question(text=text)
    services.follow(account=account, question=question)
    resolve(question)
    tasks.deliver_waiting_events.call_local()
    return question


def unsubscribe_path(message):
    header = str(message["List-Unsubscribe"]).strip()
    assert header.startswith("<") and header.endswith(">")
    url = header[1:-1]
    assert url.startswith(site_url())
    return url.removeprefix(site_url())


def test_an_immediate_reader_gets_one_email_with_a_one_click_unsubscribe(mail_server):
    account = make_account(email=ADDRESS, frequency="immediate")
    question = followed_resolution(account)

    assert tasks.email_at_once.call_local(account.pk) == 1
    assert tasks.email_at_once.call_local(account.pk) == 0
    assert tasks.send_immediate_emails.call_local() == 0

    [message] = mail_server.messages
    # On the wire, as RFC 2369 has it: the address in angle brackets, not an encoded word.
    unfolded = re.sub(rb"\r\n[ \t]+", b" ", mail_server.raw[0])
    site = re.escape(site_url().encode())
    assert re.search(
        rb"\r\nList-Unsubscribe: +<" + site + rb"/notices/unsubscribe/[^>\s]+/>\r\n", unfolded
    )
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Resolved: Will it fly?"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert "It resolved “Yes”." in text
    assert absolute(question.get_absolute_url()) in text
    html = message.get_body(("html",)).get_content()
    assert f'href="{absolute(question.get_absolute_url())}"' in html
    assert Notification.objects.get().emailed_at is not None


def test_unsubscribing_takes_one_post_without_cookies(mail_server):
    account = make_account(email=ADDRESS, frequency="immediate")
    followed_resolution(account)
    tasks.send_immediate_emails.call_local()
    path = unsubscribe_path(mail_server.messages[0])

    cookieless = Client(enforce_csrf_checks=True)
    confirm = cookieless.get(path)
    assert confirm.status_code == 200
    assert "Stop the emails" in confirm.content.decode()
    assert Preferences.objects.get().email_frequency == "immediate"  # a GET changes nothing
    done = cookieless.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    assert Preferences.objects.get().email_frequency == "off"
    followed_resolution(account, text="And another?")
    tasks.send_immediate_emails.call_local()
    assert len(mail_server.messages) == 1


def tampered(token):
    """The token with its signature's last character changed."""
    return token[:-1] + ("B" if token[-1] == "A" else "A")


@pytest.mark.parametrize(
    "forge",
    [lambda token: "forged", tampered, lambda token: "1" + token],
    ids=["made-up", "tampered", "prefixed"],
)
def test_a_forged_unsubscribe_address_is_refused(client, forge):
    account = make_account(email=ADDRESS, frequency="daily")
    token = forge(links.unsubscribe_token(account))

    for method in (client.get, client.post):
        response = method(reverse("notices:unsubscribe", args=[token]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert Preferences.objects.get(account=account).email_frequency == "daily"


def test_a_token_signed_for_another_purpose_does_not_unsubscribe(client):
    account = make_account(email=ADDRESS, frequency="daily")
    token = signing.dumps(account.pk, salt="some.other.purpose")

    assert client.post(reverse("notices:unsubscribe", args=[token])).status_code == 400
    assert Preferences.objects.get(account=account).email_frequency == "daily"


def test_no_email_goes_to_an_unverified_address_or_to_a_reader_who_chose_none(mail_server):
    unverified = make_account(email="bob@example.org", verified=False, frequency="immediate")
    quiet = make_account(email="cy@example.org")
    followed_resolution(unverified)
    followed_resolution(quiet)

    assert tasks.send_immediate_emails.call_local() == 0
    assert tasks.email_at_once.call_local(unverified.pk) == 0

    assert mail_server.messages == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 2


def test_a_daily_digest_tells_everything_waiting_in_one_email_once(mail_server):
    account = make_account(email=ADDRESS, frequency="daily")
    followed_resolution(account, text="First?")
    followed_resolution(account, text="Second?")

    assert tasks.send_immediate_emails.call_local() == 0
    assert tasks.send_daily_digests.call_local() == 1
    assert tasks.send_daily_digests.call_local() == 0
    assert tasks.send_weekly_digests.call_local() == 0

    [message] = mail_server.messages
    assert message["Subject"] == "2 updates on what you follow — Newsroom"
    text = message.get_body(("plain",)).get_content()
    assert text.index("Resolved: First?") < text.index("Resolved: Second?")
    assert "Your daily digest" in text


def test_turning_email_on_does_not_mail_what_came_before(mail_server):
    account = make_account(email=ADDRESS)
    followed_resolution(account, text="Old news?")
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=1))

    services.save_preferences(account=account, email_frequency="weekly", crowd_threshold=10)
    followed_resolution(account, text="New news?")
    tasks.send_weekly_digests.call_local()

    [message] = mail_server.messages
    assert message["Subject"] == "Resolved: New news?"


def test_a_refused_recipient_is_passed_over_and_the_rest_are_sent(mail_server, monkeypatch):
    refused, accepted = (
        make_account(email="refused@example.org", frequency="daily"),
        make_account(email=ADDRESS, frequency="daily"),
    )
    followed_resolution(refused)
    followed_resolution(accepted)
    send = delivery.mail.digest

    def digest(account, notifications, **kwargs):
        if account == refused:
            raise smtplib.SMTPRecipientsRefused({account.email: (550, b"No such user")})
        return send(account, notifications, **kwargs)

    monkeypatch.setattr(delivery.mail, "digest", digest)
    assert tasks.send_daily_digests.call_local() == 1

    assert [message["To"] for message in mail_server.messages] == [ADDRESS]
    assert Notification.objects.get(account=refused).emailed_at is None


def test_a_mail_server_that_fails_leaves_the_notifications_for_the_retry(settings):
    account = make_account(email=ADDRESS, frequency="immediate")
    followed_resolution(account)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with pytest.raises(OSError):
        tasks.email_at_once.call_local(account.pk)

    assert Notification.objects.get().emailed_at is None


def test_links_in_email_use_the_sites_address(mail_server, settings):
    settings.SITE_URL = "https://news.example.org"
    account = make_account(email=ADDRESS, frequency="immediate")
    story = make_article()
    services.follow(account=account, article=story)
    Correction.objects.create(article=story, note="A name was misspelt.")
    tasks.deliver_waiting_events.call_local()
    tasks.send_immediate_emails.call_local()

    [message] = mail_server.messages
    text = message.get_body(("plain",)).get_content()
    assert f"https://news.example.org{story.get_absolute_url()}#corrections-heading" in text
    assert re.search(
        r"<https://news\.example\.org/notices/unsubscribe/[^>]+/>", message["List-Unsubscribe"]
    )
    assert Event.objects.get().kind == "correction"
