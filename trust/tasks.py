"""trust's scheduled jobs, run by huey (the site's job runner, newsroom/settings.py HUEY).

The citation watch (trust/watch.py) runs every night at 03:17 UTC (huey reads crontabs
in UTC): a quiet hour for the site, and off the round hour that many clients of
Crossref's API choose. A run that Crossref stops with a 429 is tried again once its
Retry-After has passed, and resumes with the works it did not reach (the watch takes the
least recently looked-up first); a run that fails outright (the database away) is tried
again a minute later, up to three times.
"""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task
from huey.exceptions import RetryTask

from trust import watch

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"), retries=3, retry_delay=60)
def watch_citations():
    run = watch.watch_citations()
    logger.info("Citation watch: %s", run.summary())
    if run.retry_after is not None:
        raise RetryTask(delay=run.retry_after)
    return run
