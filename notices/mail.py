"""The notification email: plain text with an HTML alternative, through Django's mail
backend (SMTP to EMAIL_URL), and RFC 8058's one-click unsubscribe in its headers: a mail
client that shows "Unsubscribe" POSTs ``List-Unsubscribe=One-Click`` to the signed
address, which turns the account's email off without a cookie or a form
(notices/views.py ``unsubscribe``)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from core.absolute_urls import absolute
from notices import links
from notices.models import Preferences
from notices.wording import told

# Past this many, an email lists the first ones and sends the reader to the inbox.
ITEMS_IN_EMAIL = 30
SUBJECT_LENGTH = 120
HEADINGS = {
    Preferences.Frequency.IMMEDIATE: "What just happened in what you follow",
    Preferences.Frequency.DAILY: "Your daily digest",
    Preferences.Frequency.WEEKLY: "Your weekly digest",
}


def _subject(items, total):
    if total == 1:
        return Truncator(" ".join(items[0].title.split())).chars(SUBJECT_LENGTH)
    return f"{total} updates on what you follow — {settings.SITE_NAME}"


def digest(account, notifications, *, frequency):
    """The message telling ``account`` of ``notifications``, oldest first."""
    items = [told(notification) for notification in notifications[:ITEMS_IN_EMAIL]]
    total = len(notifications)
    unsubscribe = links.unsubscribe_url(account)
    context = {
        "account": account,
        "heading": HEADINGS[frequency],
        "items": [(item, absolute(item.path)) for item in items],
        "more": total - len(items),
        "inbox_url": absolute(reverse("notices:inbox")),
        "settings_url": absolute(reverse("notices:settings")),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=_subject(items, total),
        body=render_to_string("notices/email/digest.txt", context),
        to=[account.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("notices/email/digest.html", context), "text/html")
    return message
