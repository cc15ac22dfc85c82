"""The receivers that notice what happened, in the transaction that made it happen.

Each records its event (notices/events.py) in that transaction, so an event exists if
and only if its cause was committed, and enqueues its delivery once the transaction
commits (a failed enqueue is logged; the periodic job delivers it within minutes).
Fixture loads (``raw``) are not news. A forecast stored through the ORM makes its
follow here; the site's forecasts are one SQL statement and send no signal, so the
periodic job follows those (notices/services.py ``follow_new_forecasts``).
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import Account
from accounts.signals import reader_data_requested, reader_joined
from articles.models import Correction
from core import jobs
from notices import events, selectors, services, tasks
from predictions.models import Forecast, Question
from trust.models import Citation, ScoreChange


def _deliver_on_commit(event):
    if event is not None:
        jobs.enqueue_on_commit(tasks.deliver_event, event.pk)


def _saves(update_fields, field):
    return update_fields is None or field in update_fields


def _remember(instance, field, raw, update_fields):
    """Keep on ``instance`` the value ``field`` had in the database before this save."""
    before = None
    if not raw and instance.pk is not None and _saves(update_fields, field):
        stored = type(instance).objects.filter(pk=instance.pk).values_list(field, flat=True)
        before = stored.first()
    setattr(instance, f"_notices_{field}_before", before)


def _before(instance, field):
    return getattr(instance, f"_notices_{field}_before", None)


@receiver(pre_save, sender=Question)
def remember_resolution(sender, instance, raw, update_fields, **kwargs):
    _remember(instance, "resolution", raw, update_fields)


@receiver(post_save, sender=Question)
def question_resolved(sender, instance, raw, update_fields, **kwargs):
    if not raw and _saves(update_fields, "resolution"):
        _deliver_on_commit(events.question_resolved(instance, _before(instance, "resolution")))


@receiver(post_save, sender=ScoreChange)
def score_changed(sender, instance, created, raw, **kwargs):
    if created and not raw:
        _deliver_on_commit(events.score_changed(instance))


@receiver(post_save, sender=Correction)
def correction_posted(sender, instance, created, raw, **kwargs):
    if created and not raw:
        _deliver_on_commit(events.correction_posted(instance))


@receiver(pre_save, sender=Citation)
def remember_citation_status(sender, instance, raw, update_fields, **kwargs):
    _remember(instance, "status", raw, update_fields)


@receiver(post_save, sender=Citation)
def citation_notice(sender, instance, created, raw, update_fields, **kwargs):
    if not raw and not created and _saves(update_fields, "status"):
        _deliver_on_commit(events.citation_notice(instance, _before(instance, "status")))


@receiver(post_save, sender=Forecast)
def follow_forecast(sender, instance, created, raw, **kwargs):
    if created and not raw and not instance.withdrawn:
        services.follow_forecast(forecast_id=instance.pk)


@receiver(reader_joined, sender=Account)
def follow_joined_forecasts(sender, anonymous_reader_id, account_reader_id, **kwargs):
    """The questions a browser's anonymous reader forecast are the account's to follow,
    whichever app moves the forecasts first."""
    services.follow_forecasts_of(
        account_reader_id=account_reader_id, reader_ids=[anonymous_reader_id, account_reader_id]
    )
    return {}


@receiver(reader_data_requested, sender=Account)
def notices_data(sender, reader_id, **kwargs):
    return selectors.export(reader_id)
