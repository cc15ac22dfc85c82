"""Telling each follower: an event becomes one notification per account that follows its
question (or, for a story's event, its story), and notifications go out by email, each
at most once.

Both steps hold what they work on for their transaction with ``SELECT … FOR UPDATE SKIP
LOCKED`` and record what they did in it (``Event.delivered_at``, ``Notification.
emailed_at``), so a job run twice, retried or run by two workers at once does the work
once: the second finds it done, or held and passes by. An email is sent inside the
transaction that marks its notifications emailed; if the mail server refuses it, nothing
is marked and the job's retry sends it. (If the database failed between the server's
acceptance and the commit, the retry would send it again: mail cannot be part of a
database transaction, and a lost digest is worse than a repeated one.)
"""

import logging
import smtplib

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from notices import mail
from notices.models import Event, Follow, Notification, Preferences
from predictions.models import Score

logger = logging.getLogger(__name__)


def _details(event, follows):
    """What each follower's notification says of them alone: their score on a question
    that resolved yes or no."""
    if event.kind != Event.Kind.RESOLVED or event.payload.get("resolution") not in {"yes", "no"}:
        return {}
    account_of = {reader_id: account_id for account_id, reader_id in follows}
    scores = Score.objects.filter(question_id=event.question_id, reader_id__in=list(account_of))
    return {
        account_of[reader_id]: {"brier": brier, "final_probability": final}
        for reader_id, brier, final in scores.values_list("reader_id", "brier", "final_probability")
    }


def deliver(event_id, *, now=None):
    """Make the notifications of an event not delivered yet. Returns the accounts to
    email at once (their email is immediate)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True)
            .filter(pk=event_id, delivered_at__isnull=True)
            .first()
        )
        if event is None:
            return []
        follows = list(
            Follow.objects.of_event(event).values_list("account_id", "account__reader_id")
        )
        details = _details(event, follows)
        Notification.objects.bulk_create(
            [
                Notification(
                    account_id=account_id,
                    event=event,
                    detail=details.get(account_id, {}),
                    created_at=now,
                )
                for account_id, _ in follows
            ],
            ignore_conflicts=True,
        )
        event.delivered_at = now
        event.save(update_fields=["delivered_at"])
    return emailed_at_once([account_id for account_id, _ in follows])


def undelivered_events():
    """Events not delivered yet, oldest first."""
    return (
        Event.objects.filter(delivered_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


# Email ------------------------------------------------------------------------------


def _mailable(frequency):
    """Preferences of accounts that asked for ``frequency`` and have a verified address."""
    return Preferences.objects.filter(
        email_frequency=frequency, account__email_verified_at__isnull=False
    ).exclude(account__email="")


def emailed_at_once(account_ids):
    return list(
        _mailable(Preferences.Frequency.IMMEDIATE)
        .filter(account_id__in=account_ids)
        .values_list("account_id", flat=True)
    )


def _waiting(account_id, since):
    waiting = Notification.objects.filter(account_id=account_id).unemailed()
    return waiting.filter(created_at__gte=since) if since is not None else waiting


def accounts_waiting(frequency):
    """Accounts with ``frequency`` email that have notifications not yet emailed."""
    waiting = Notification.objects.unemailed().filter(account_id=OuterRef("account_id"))
    since = waiting.filter(created_at__gte=OuterRef("emails_since"))
    return list(
        _mailable(frequency)
        .filter((Q(emails_since__isnull=True) & Exists(waiting)) | Exists(since))
        .values_list("account_id", flat=True)
    )


def send_email(*, account_id, frequency, now=None):
    """Email the account, in one message, every notification not emailed yet, if its
    email is ``frequency`` and its address verified. Returns how many it told of."""
    now = now or timezone.now()
    with transaction.atomic():
        preferences = (
            _mailable(frequency)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("account")
            .filter(account_id=account_id)
            .first()
        )
        if preferences is None:
            return 0
        waiting = list(
            _waiting(account_id, preferences.emails_since)
            .for_listing()
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("created_at", "pk")
        )
        if not waiting:
            return 0
        mail.digest(preferences.account, waiting, frequency=frequency).send()
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=now)
    return len(waiting)


def send_emails(frequency):
    """Email every account of ``frequency`` with something waiting. An address the mail
    server refuses is logged and passed over (its notifications wait for the next run);
    any other failure stops the run, for the job's retry, which skips what was sent."""
    sent = 0
    for account_id in accounts_waiting(frequency):
        try:
            sent += bool(send_email(account_id=account_id, frequency=frequency))
        except smtplib.SMTPRecipientsRefused as error:
            logger.warning("Notification email to account %s refused: %s", account_id, error)
    return sent
