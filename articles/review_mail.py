"""Telling editors of a review by email: the editor a story is asked of by name, when it
is asked; the editor who asked, when a reviewer answers (articles/reviews.py makes both).

Each request and decision is told at most once, as notices/delivery.py tells
notifications: ``tell_request`` and ``tell_decision`` hold the row for their transaction
(``SELECT … FOR UPDATE SKIP LOCKED``, only while ``told_at`` is empty), send, and set
``told_at`` in it. A job run twice, or in two workers at once, sends one mail; a crash
between the mail server's acceptance and the commit sends it again rather than never. A
row with nobody to tell (any editor, no address, the asker deciding, a request no longer
open, or no mail configured) is marked told without a mail, so no later run looks at it.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts import emails
from articles.models import ReviewDecision, ReviewRequest
from core.absolute_urls import absolute

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 120
# The sweep leaves what is younger to the job enqueued when it was committed.
SWEEP_AFTER = timedelta(minutes=1)


def subject(prefix, headline):
    """``prefix: headline`` on one line: a header cannot hold a line break, so any run of
    whitespace in the headline (newlines included) becomes one space."""
    return Truncator(f"{prefix}: {' '.join(headline.split())}").chars(SUBJECT_LENGTH)


def _name(user):
    return user.get_username() if user else "an editor since removed"


def _addressable(user):
    return user is not None and user.is_active and bool(user.email)


def _message(*, prefix, article, to, template, context):
    context = {
        "headline": article.headline,
        "link": absolute(reverse("admin:articles_article_change", args=[article.pk])),
        "site_name": settings.SITE_NAME,
        **context,
    }
    return EmailMessage(
        subject=subject(prefix, article.headline),
        body=render_to_string(template, context),
        to=[to.email],
    )


def request_message(request):
    """The mail asking the named reviewer to review the story, or None."""
    reviewer = request.reviewer
    if request.status != ReviewRequest.Status.OPEN or not _addressable(reviewer):
        return None
    return _message(
        prefix="Review asked",
        article=request.article,
        to=reviewer,
        template="articles/email/review_asked.txt",
        context={
            "reviewer": _name(reviewer),
            "asker": _name(request.asked_by),
            "note": request.note,
        },
    )


def decision_message(decision):
    """The mail telling the editor who asked for the review what the reviewer decided, or
    None."""
    asker = decision.request.asked_by if decision.request else None
    if not _addressable(asker) or asker.pk == decision.decided_by_id:
        return None
    return _message(
        prefix=decision.get_verdict_display(),
        article=decision.article,
        to=asker,
        template="articles/email/review_answered.txt",
        context={
            "asker": _name(asker),
            "reviewer": _name(decision.decided_by),
            "verdict": decision.get_verdict_display(),
            "approved": decision.verdict == ReviewDecision.Verdict.APPROVED,
            "comment": decision.comment,
        },
    )


def _tell(rows, pk, message_for, now):
    """Send the mail of the row ``pk`` of ``rows`` if it is not told yet, and mark it told.
    Returns how many mails were sent (0 or 1)."""
    with transaction.atomic():
        row = (
            rows.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, told_at__isnull=True)
            .first()
        )
        if row is None:
            return 0
        message = message_for(row) if emails.can_send() else None
        if message is not None:
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as error:
                # Refused now, refused at every retry: the desk still shows the review.
                logger.warning("Review email for %s refused: %s", row, error)
                message = None
        row.told_at = now or timezone.now()
        row.save(update_fields=["told_at"])
    return int(message is not None)


def tell_request(request_id, *, now=None):
    rows = ReviewRequest.objects.select_related("article", "asked_by", "reviewer")
    return _tell(rows, request_id, request_message, now)


def tell_decision(decision_id, *, now=None):
    rows = ReviewDecision.objects.select_related("article", "decided_by", "request__asked_by")
    return _tell(rows, decision_id, decision_message, now)


def tell_untold(*, now=None):
    """Tell every request and decision made over SWEEP_AFTER ago and not told yet (its
    enqueue was lost, or its job failed for good). Returns how many mails were sent."""
    before = (now or timezone.now()) - SWEEP_AFTER
    requests = ReviewRequest.objects.filter(told_at__isnull=True, asked_at__lt=before)
    decisions = ReviewDecision.objects.filter(told_at__isnull=True, decided_at__lt=before)
    sent = 0
    for request_id in requests.order_by("asked_at", "pk").values_list("pk", flat=True):
        sent += tell_request(request_id, now=now)
    for decision_id in decisions.order_by("decided_at", "pk").values_list("pk", flat=True):
        sent += tell_decision(decision_id, now=now)
    return sent
