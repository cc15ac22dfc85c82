"""The site's own periodic jobs, run by the job runner (huey; newsroom/settings.py HUEY)."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from core import held_uploads


@db_periodic_task(crontab(hour="4", minute="5"), retries=3, retry_delay=60)
def clear_expired_sessions():
    """Forget signed-out and lapsed sessions (editors' and readers'): the sessions table
    keeps only live ones. Deleting what has expired is idempotent."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@db_periodic_task(crontab(hour="4", minute="20"), retries=3, retry_delay=60)
def drop_abandoned_uploads():
    """Delete the files held for refused saves whose forms were abandoned
    (core/held_uploads.py); a day's folder goes once it is older than a hold lasts."""
    held_uploads.drop_old_days()
