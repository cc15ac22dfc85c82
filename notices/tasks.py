"""The notification jobs, run by the job runner (huey; newsroom/settings.py HUEY).

An event recorded by a receiver is delivered by ``deliver_event``, enqueued when its
transaction commits; the periodic jobs find what a signal cannot tell (a forecast, a
crowd that moved, a question about to close) and pick up whatever an enqueue missed (the
job runner's Redis away for a moment). Every job is safe to run twice or at once in two
workers (notices/delivery.py says how), and huey retries one that fails.

    every minute        follow_forecast_questions   follows made by forecasting
    every 5 minutes     deliver_waiting_events      events not delivered yet
    every 5 minutes     send_immediate_emails       immediate email not sent yet
    every 10 minutes    tell_crowd_moves            crowds past readers' thresholds
    hourly, at :20      tell_closing_soon           questions closing within 48 hours
    daily, 07:00 UTC    send_daily_digests
    Mondays, 07:00 UTC  send_weekly_digests
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from notices import crowd, delivery, events, services
from notices.models import Preferences

RETRIES = {"retries": 3, "retry_delay": 60}


def _email_at_once(account_ids):
    for account_id in account_ids:
        email_at_once(account_id)
    return len(account_ids)


@db_task(**RETRIES)
def deliver_event(event_id):
    """Make an event's notifications, then email those who want it at once; returns how
    many accounts are to be emailed (every job returns a count: huey keeps it)."""
    return _email_at_once(delivery.deliver(event_id))


@db_task(**RETRIES)
def email_at_once(account_id):
    return delivery.send_email(account_id=account_id, frequency=Preferences.Frequency.IMMEDIATE)


@db_periodic_task(crontab(minute="*"), **RETRIES)
def follow_forecast_questions():
    return services.follow_new_forecasts()


@db_periodic_task(crontab(minute="*/5"), **RETRIES)
def deliver_waiting_events():
    waiting = list(delivery.undelivered_events())
    for event_id in waiting:
        deliver_event.call_local(event_id)
    return len(waiting)


@db_periodic_task(crontab(minute="*/5"), **RETRIES)
def send_immediate_emails():
    return delivery.send_emails(Preferences.Frequency.IMMEDIATE)


@db_periodic_task(crontab(minute="*/10"), **RETRIES)
def tell_crowd_moves():
    return _email_at_once(crowd.tell_crowd_moves())


@db_periodic_task(crontab(minute="20"), **RETRIES)
def tell_closing_soon():
    made = events.closing_soon()
    for event in made:
        deliver_event.call_local(event.pk)
    return len(made)


@db_periodic_task(crontab(hour="7", minute="0"), **RETRIES)
def send_daily_digests():
    return delivery.send_emails(Preferences.Frequency.DAILY)


@db_periodic_task(crontab(day_of_week="1", hour="7", minute="0"), **RETRIES)
def send_weekly_digests():
    return delivery.send_emails(Preferences.Frequency.WEEKLY)
