"""The whole path through the real job runner and a real SMTP server: a followed question
resolves, and the reader finds exactly one email, one inbox entry and one feed entry;
running the jobs again sends nothing more."""

import feedparser
import pytest
from django.urls import reverse

from notices import tasks
from notices.models import Event, Notification
from predictions import services as predictions
from tests.factories import make_question
from tests.notices.conftest import make_account, signed_in
from tools import servers

pytestmark = pytest.mark.django_db(transaction=True)

JOB_SECONDS = 30


def test_a_followed_question_resolving_is_told_once_by_email_inbox_and_feed(mail_server, request):
    request.getfixturevalue("job_runner")  # started after the mail server, to mail it
    account = make_account(email="ada@example.org", frequency="immediate")
    reader = signed_in(account)
    question = make_question(text="Will the probe land by 2030?")
    assert reader.post(reverse("notices:follow_question", args=[question.slug])).status_code == 302

    predictions.resolve_question(question=question, resolution="yes", note="It landed.")

    assert servers.wait_for(lambda: len(mail_server.messages) == 1, JOB_SECONDS)
    [message] = mail_server.messages
    assert message["Subject"] == "Resolved: Will the probe land by 2030?"
    inbox = reader.get(reverse("notices:inbox")).content.decode()
    assert inbox.count('class="inbox-entry inbox-entry--unread"') == 1
    settings_page = reader.get(reverse("notices:settings")).content.decode()
    feed_path = settings_page.split('id="feed-url" class="notices-feed" type="url" value="')[1]
    feed = feedparser.parse(reader.get(feed_path.split('"')[0]).content)
    assert [entry.title for entry in feed.entries] == ["Resolved: Will the probe land by 2030?"]

    # Every job again, in the runner: its one worker takes them in order, so the last
    # one's result (huey keeps none of a periodic job's) says they have all run.
    tasks.deliver_waiting_events()
    tasks.send_immediate_emails()
    tasks.send_daily_digests()
    delivered = tasks.deliver_event(Event.objects.get().pk)
    emailed = tasks.email_at_once(account.pk)
    assert delivered.get(blocking=True, timeout=JOB_SECONDS) == 0
    assert emailed.get(blocking=True, timeout=JOB_SECONDS) == 0
    assert tasks.deliver_waiting_events.call_local() == 0
    assert tasks.send_immediate_emails.call_local() == 0

    assert len(mail_server.messages) == 1
    assert Notification.objects.count() == 1
