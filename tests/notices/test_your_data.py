"""What notices holds about an account is in its data export, and goes with the account."""

import json

import pytest
from django.urls import reverse

from accounts import services as accounts
from notices import services, tasks
from notices.models import Event, Follow, Notification, Preferences
from predictions import services as predictions
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_follows_the_notifications_and_the_settings(reader, account):
    question = make_question(text="Will it be exported?")
    services.follow(account=account, question=question)
    services.save_preferences(account=account, email_frequency="daily", crowd_threshold=7)
    predictions.resolve_question(question=question, resolution="no", note="It was not.")
    tasks.deliver_waiting_events.call_local()

    data = json.loads(reader.get(reverse("accounts:export")).content)

    assert data["notification_settings"] == {"email": "daily", "crowd_threshold": 7}
    assert data["follows"] == [
        {
            "following": question.get_absolute_url(),
            "because": "You chose to follow it",
            "since": Follow.objects.get().created_at.isoformat(),
        }
    ]
    [notification] = data["notifications"]
    assert notification["title"] == "Resolved: Will it be exported?"
    assert notification["read"] is False


def test_deleting_the_account_deletes_its_follows_notifications_and_settings(account):
    question = make_question()
    services.follow(account=account, question=question)
    services.reset_feed_token(account=account)
    predictions.resolve_question(question=question, resolution="yes", note="Yes.")
    tasks.deliver_waiting_events.call_local()

    accounts.delete_account(account=account)

    assert not Follow.objects.exists()
    assert not Notification.objects.exists()
    assert not Preferences.objects.exists()
    assert Event.objects.count() == 1  # what happened to the question is nobody's data
