"""The review email jobs, run by the job runner (huey; newsroom/settings.py HUEY).

A request sent for review and a reviewer's decision each enqueue their job when their
transaction commits (articles/reviews.py); the sweep tells whatever an enqueue missed
(the job runner's Redis away for a moment). Every job is safe to run twice or at once in
two workers (articles/review_mail.py says how), and huey retries one that fails; each
returns how many mails it sent.

    on commit           tell_review_request, tell_review_decision
    every 10 minutes    tell_untold_reviews
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from articles import review_mail

RETRIES = {"retries": 3, "retry_delay": 60}


@db_task(**RETRIES)
def tell_review_request(request_id):
    return review_mail.tell_request(request_id)


@db_task(**RETRIES)
def tell_review_decision(decision_id):
    return review_mail.tell_decision(decision_id)


@db_periodic_task(crontab(minute="*/10"), **RETRIES)
def tell_untold_reviews():
    return review_mail.tell_untold()
