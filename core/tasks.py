"""The site's own periodic jobs, run by the job runner (huey; newsroom/settings.py HUEY)."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="4", minute="5"), retries=3, retry_delay=60)
def clear_expired_sessions():
    """Forget signed-out and lapsed sessions (editors' and readers'): the sessions table
    keeps only live ones. Deleting what has expired is idempotent."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
