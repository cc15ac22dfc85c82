"""Writes a reader makes about what they follow and how they are told, and the follows
that forecasting makes.

Each validates, runs in a transaction and raises ValidationError with a sentence for the
reader. Following twice is following once (the unique constraints, ON CONFLICT).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Account
from notices.models import Follow, Notification, Preferences, SweepMark, new_feed_token
from predictions.models import Forecast, Question

FORECAST_SWEEP = "follow-forecasts"
# A forecast is one statement, committed at once: none commits this long after a forecast
# with a later id was stored (the sweep's margin, below).
COMMIT_LAG_SECONDS = 60


def preferences_of(account):
    """The account's preferences, made with the defaults on first use."""
    preferences, _ = Preferences.objects.get_or_create(account=account)
    return preferences


@transaction.atomic
def follow(*, account, article=None, question=None):
    """Follow a story or a question (exactly one); following it again changes nothing.
    Returns (follow, whether it is new)."""
    if (article is None) == (question is None):
        raise ValidationError("Follow a story or a question.")
    target = {"article": article} if article is not None else {"question": question}
    existing = Follow.objects.select_for_update().filter(account=account, **target).first()
    if existing is not None and existing.following:
        return existing, False
    crowd = question.median if question is not None else None
    if existing is not None:
        existing.following, existing.reason, existing.crowd_seen = True, Follow.Reason.CHOSEN, crowd
        existing.save(update_fields=["following", "reason", "crowd_seen"])
        return existing, True
    try:
        with transaction.atomic():
            return Follow.objects.create(account=account, crowd_seen=crowd, **target), True
    except IntegrityError:  # the same follow, sent twice at once: the other one made it
        return Follow.objects.get(account=account, **target), False


@transaction.atomic
def unfollow(*, account, follow_id):
    """Stop following; the row stays (Follow.following) so that a forecast on the question
    does not follow it again."""
    found = Follow.objects.select_for_update().filter(pk=follow_id, account=account).first()
    if found is None or not found.following:
        raise ValidationError("You do not follow that, or you already stopped.")
    found.following = False
    found.save(update_fields=["following"])
    return found


@transaction.atomic
def save_preferences(*, account, email_frequency, crowd_threshold):
    preferences_of(account)
    preferences = Preferences.objects.select_for_update().get(account=account)
    turned_on = (
        preferences.email_frequency == Preferences.Frequency.OFF
        and email_frequency != Preferences.Frequency.OFF
    )
    preferences.email_frequency = email_frequency
    preferences.crowd_threshold = crowd_threshold
    if turned_on:
        preferences.emails_since = timezone.now()
    preferences.full_clean()
    preferences.save()
    return preferences


@transaction.atomic
def reset_feed_token(*, account):
    """A new secret feed address; the old one stops working at once."""
    preferences = preferences_of(account)
    preferences.feed_token = new_feed_token()
    preferences.save(update_fields=["feed_token"])
    return preferences


def unsubscribe(*, account):
    """Stop every email to the account (RFC 8058's one click); True when it changed."""
    return bool(
        Preferences.objects.filter(account=account)
        .exclude(email_frequency=Preferences.Frequency.OFF)
        .update(email_frequency=Preferences.Frequency.OFF)
    )


def mark_read(*, account, notification_id=None):
    """Mark one of the account's notifications read, or all of them; how many changed."""
    unread = Notification.objects.filter(account=account).unread()
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


# Follows made by forecasting --------------------------------------------------------

FOLLOW_FORECASTS = f"""
INSERT INTO {Follow._meta.db_table} AS follow
    (account_id, question_id, reason, following, crowd_seen, forecast_seen_at, created_at)
SELECT account.id, forecast.question_id, %(reason)s, true, question.median,
    max(forecast.made_at), %(now)s
FROM {Forecast._meta.db_table} AS forecast
JOIN {Account._meta.db_table} AS account ON {{account}}
JOIN {Question._meta.db_table} AS question ON question.id = forecast.question_id
WHERE NOT forecast.withdrawn AND {{which}}
GROUP BY account.id, forecast.question_id, question.median
ON CONFLICT (account_id, question_id) WHERE question_id IS NOT NULL
DO UPDATE SET crowd_seen = EXCLUDED.crowd_seen, forecast_seen_at = EXCLUDED.forecast_seen_at
WHERE follow.following
    AND (follow.forecast_seen_at IS NULL OR follow.forecast_seen_at < EXCLUDED.forecast_seen_at)
"""


BY_FORECAST_READER = "account.reader_id = forecast.reader_id"


def _follow_forecasts(which, parameters, account=BY_FORECAST_READER):
    """Follow, for its account, the question of each forecast ``which`` selects, and
    compare the crowd with its value now (the reader has just forecast); a question the
    reader unfollowed stays unfollowed. The number of follows made or renewed."""
    with connection.cursor() as cursor:
        cursor.execute(
            FOLLOW_FORECASTS.format(which=which, account=account),
            {"reason": Follow.Reason.FORECAST, "now": timezone.now(), **parameters},
        )
        return cursor.rowcount


def follow_forecast(*, forecast_id):
    """The follow one forecast makes when its reader has an account."""
    return _follow_forecasts("forecast.id = %(forecast)s", {"forecast": forecast_id})


def follow_forecasts_of(*, account_reader_id, reader_ids):
    """Every question the readers have forecast, for the account of ``account_reader_id``
    (a browser's anonymous reader joining the account: accounts.signals.reader_joined)."""
    return _follow_forecasts(
        "forecast.reader_id = ANY(%(readers)s)",
        {"readers": list(reader_ids), "account_reader": account_reader_id},
        account="account.reader_id = %(account_reader)s",
    )


@transaction.atomic
def follow_new_forecasts(*, now=None):
    """The follows of every forecast stored since the last sweep (a forecast is one SQL
    statement, predictions/services/forecasts.py, and sends no signal). The sweep's mark
    moves only past forecasts older than COMMIT_LAG_SECONDS, so a forecast whose commit
    came after a later one's is read next time; reading one twice changes nothing."""
    now = now or timezone.now()
    mark, _ = SweepMark.objects.select_for_update().get_or_create(name=FORECAST_SWEEP)
    made = _follow_forecasts("forecast.id > %(after)s", {"after": mark.position})
    settled = Forecast.objects.filter(
        pk__gt=mark.position, made_at__lt=now - timedelta(seconds=COMMIT_LAG_SECONDS)
    ).aggregate(last=Max("pk"))["last"]
    if settled is not None:
        mark.position = settled
        mark.save(update_fields=["position"])
    return made
