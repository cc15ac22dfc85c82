"""Enqueueing a job from a request: after the commit, and never at the request's expense.

The job runner is huey on the site's Redis (newsroom/settings.py HUEY). A request hands
it work with ``enqueue_on_commit(task, *args)``: the job is queued once the request's
transaction commits (never for rows that were rolled back), and a Redis that does not
answer costs one logged warning, not the request: what the job would do is recorded in
the database already, and the periodic job that scans for it catches up.
"""

import logging

from django.db import transaction
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs):
    def enqueue():
        try:
            task(*args, **kwargs)
        except RedisError as error:
            log.warning(
                "Job %s not queued (Redis: %s); its periodic run catches up", task.name, error
            )

    transaction.on_commit(enqueue)
