"""Reads for the account's pages, its feed and its data export."""

from dataclasses import dataclass

from accounts.models import Account
from notices.models import Follow, Notification, Preferences
from notices.wording import Told, told

FEED_ENTRIES = 50


@dataclass(frozen=True)
class Entry:
    """A notification as the inbox and the feed draw it."""

    id: int
    told: Told
    created_at: object
    read: bool


def entries(notifications):
    return [
        Entry(id=n.pk, told=told(n), created_at=n.created_at, read=n.read_at is not None)
        for n in notifications
    ]


def inbox(account):
    """The account's notifications, newest first (a queryset, for the paginator)."""
    return Notification.objects.filter(account=account).for_listing().order_by("-created_at", "-pk")


def feed_entries(account):
    return entries(inbox(account)[:FEED_ENTRIES])


def follows(account):
    return list(Follow.objects.filter(account=account).for_listing())


def account_with_feed_token(token):
    """The account whose secret feed address this is, or None."""
    found = (
        Preferences.objects.filter(feed_token=token)
        .select_related("account")
        .only("account__id", "account__handle")
    ).first()
    return found.account if found is not None else None


def export(reader_id):
    """What notices holds about an account, for its data export (accounts.signals)."""
    account = Account.objects.filter(reader_id=reader_id).first()
    if account is None:
        return {}
    preferences = Preferences.objects.filter(account=account).first()
    return {
        "notification_settings": {
            "email": (preferences or Preferences()).email_frequency,
            "crowd_threshold": (preferences or Preferences()).crowd_threshold,
        },
        "follows": [
            {
                "following": follow.target.get_absolute_url(),
                "because": follow.get_reason_display(),
                "since": follow.created_at.isoformat(),
            }
            for follow in Follow.objects.filter(account=account).for_listing()
        ],
        "notifications": [
            {
                "title": entry.told.title,
                "text": entry.told.text,
                "page": entry.told.path,
                "at": entry.created_at.isoformat(),
                "read": entry.read,
            }
            for entry in entries(inbox(account))
        ],
    }
