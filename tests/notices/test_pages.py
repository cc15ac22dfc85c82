"""The account's notification pages (inbox, settings) and the private feed: private and
never stored, Django's CSRF token, rate-limited, clear errors, a bounded number of queries;
the feed is valid Atom at a secret address that a reset retires."""

import xml.etree.ElementTree as ElementTree
from datetime import datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from notices import services
from notices.models import Event, Notification, Preferences
from tests.factories import make_article, make_question
from tests.notices.conftest import make_account, signed_in

pytestmark = pytest.mark.django_db

# The session, the user with its account (accounts/backends.py), the notifications' count
# for the paginator, and one page of them with their events, stories and questions.
INBOX_PAGE_QUERIES = 4
ATOM = "{http://www.w3.org/2005/Atom}"


def notify(account, count, *, kind=Event.Kind.CORRECTION):
    """``count`` notifications of the account, each of its own event on its own story."""
    for number in range(count):
        story = make_article(headline=f"Story {number}")
        question = make_question(article=story) if kind == Event.Kind.RESOLVED else None
        event = Event.objects.create(
            kind=kind,
            article=story,
            question=question,
            key=f"test:{account.pk}:{story.pk}",
            payload={"kind": "correction", "note": f"Note {number}.", "resolution": "no"},
        )
        Notification.objects.create(account=account, event=event)


def test_the_inbox_lists_the_readers_notifications_in_a_bounded_number_of_queries(
    reader, account, django_assert_num_queries
):
    notify(account, 12)
    notify(account, 13, kind=Event.Kind.RESOLVED)
    notify(make_account(), 2)

    with django_assert_num_queries(INBOX_PAGE_QUERIES):
        response = reader.get(reverse("notices:inbox"))

    page = response.content.decode()
    assert page.count('class="inbox-entry inbox-entry--unread"') == 20
    assert "Page 1 of 2" in page
    assert response["Cache-Control"] == "private, no-store"
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Resolved: Will it happen by 2030?" in page
    older = reader.get(reverse("notices:inbox"), {"page": 2}).content.decode()
    assert older.count('class="inbox-entry inbox-entry--unread"') == 5


def test_marking_one_then_all_read(reader, account):
    notify(account, 3)
    first = Notification.objects.filter(account=account).first()

    reader.post(reverse("notices:mark_read"), {"id": first.pk})
    assert list(Notification.objects.filter(read_at__isnull=False)) == [first]
    reader.post(reverse("notices:mark_read"))

    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert (
        'class="inbox-entry inbox-entry--unread"'
        not in reader.get(reverse("notices:inbox")).content.decode()
    )


def test_marking_read_refuses_a_mangled_id_and_leaves_others_notifications_alone(reader):
    stranger = make_account()
    notify(stranger, 1)

    assert reader.post(reverse("notices:mark_read"), {"id": "x"}).status_code == 400
    reader.post(reverse("notices:mark_read"), {"id": Notification.objects.get().pk})

    assert Notification.objects.get().read_at is None


def test_account_pages_send_a_visitor_to_sign_in_and_refuse_their_posts(client):
    for name in ("notices:inbox", "notices:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:sign_in")
        assert "no-store" in response["Cache-Control"]
    for name in ("notices:mark_read", "notices:unfollow", "notices:reset_feed"):
        assert client.post(reverse(name)).status_code == 403


def test_account_pages_need_the_csrf_token(account):
    strict = signed_in(account, enforce_csrf_checks=True)

    response = strict.post(
        reverse("notices:settings"), {"email_frequency": "daily", "crowd_threshold": 5}
    )

    assert response.status_code == 403
    assert not Preferences.objects.exists()


def test_account_pages_are_rate_limited(reader, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"account": (3, 60)}

    statuses = [reader.get(reverse("notices:inbox")).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


# Settings ---------------------------------------------------------------------------


def test_settings_save_the_email_frequency_and_the_crowds_threshold(reader, account):
    response = reader.post(
        reverse("notices:settings"),
        {"email_frequency": "weekly", "crowd_threshold": "5"},
        follow=True,
    )

    preferences = Preferences.objects.get(account=account)
    assert (preferences.email_frequency, preferences.crowd_threshold) == ("weekly", 5)
    assert preferences.emails_since is not None
    page = response.content.decode()
    assert "Saved." in page
    assert page.count(" checked") == 1
    assert 'value="weekly" id="id_email_frequency_3" required checked' in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email_frequency": "hourly", "crowd_threshold": "10"}, "Select a valid choice."),
        ({"email_frequency": "daily", "crowd_threshold": "0"}, "greater than or equal to 1"),
        ({"email_frequency": "daily", "crowd_threshold": "51"}, "less than or equal to 50"),
        ({"email_frequency": "daily", "crowd_threshold": "ten"}, "Enter a whole number."),
        ({}, "This field is required."),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(reader, account, data, error):
    response = reader.post(reverse("notices:settings"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert "Please correct what is marked below." in page
    assert not Preferences.objects.filter(account=account).exclude(email_frequency="off").exists()


def test_settings_say_email_needs_a_verified_address(reader):
    page = reader.get(reverse("notices:settings")).content.decode()

    assert "Email goes only to a verified address" in page


def test_settings_list_what_the_reader_follows_with_an_unfollow_button(reader, account):
    question = make_question(text="Will it rain?")
    story = make_article(headline="Rain story")
    services.follow(account=account, question=question)
    services.follow(account=account, article=story)

    page = reader.get(reverse("notices:settings")).content.decode()

    assert "Will it rain?" in page and "Rain story" in page
    assert page.count(f'action="{reverse("notices:unfollow")}"') == 2


# The feed ---------------------------------------------------------------------------


def feed_path(reader):
    page = reader.get(reverse("notices:settings")).content.decode()
    url = page.split('id="feed-url" class="notices-feed" type="url" value="')[1].split('"')[0]
    return urlsplit(url).path


def assert_valid_atom(body):
    """What RFC 4287 requires of a feed and its entries, and a real feed parser's reading."""
    assert feedparser.parse(body).bozo == 0
    root = ElementTree.fromstring(body)
    assert root.tag == f"{ATOM}feed"

    def one(element, name):
        found = element.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{name}: {len(found)}"
        return found[0].text or ""

    for element in [root, *root.findall(f"{ATOM}entry")]:
        assert urlsplit(one(element, "id")).scheme in {"http", "https"}
        assert one(element, "title")
        datetime.fromisoformat(one(element, "updated"))
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    return root


def test_the_feed_is_valid_atom_private_and_lists_the_readers_notifications(reader, account):
    notify(account, 3)
    notify(make_account(), 2)

    response = Client().get(feed_path(reader))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    root = assert_valid_atom(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["Correction: Story 2", "Correction: Story 1", "Correction: Story 0"]


def test_an_empty_feed_is_valid_atom_too(reader):
    assert_valid_atom(Client().get(feed_path(reader)).content)


def test_resetting_the_feed_address_retires_the_old_one(reader, account):
    old = feed_path(reader)

    response = reader.post(reverse("notices:reset_feed"), follow=True)

    assert "Your feed has a new address" in response.content.decode()
    new = feed_path(reader)
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_made_up_feed_address_is_404(client):
    assert client.get(reverse("notices:feed", args=["x" * 43])).status_code == 404
