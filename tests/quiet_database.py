"""Waiting, before a browser test's database is emptied, for the requests its pages sent.

A page a test has just closed can still have a request in the live server (a script's
fetch as the page loaded, a refresh). After each browser test the database is emptied
with one TRUNCATE of every table; a request still inside a statement holds locks that the
TRUNCATE waits for while it waits for tables the TRUNCATE holds already: a deadlock, the
emptying fails, and the next test on that worker starts from the last one's rows. So a
test with a live server ends once no other session of its database is inside a
transaction, seen on two looks in a row.
"""

import time

from django.db import connection

BUSY = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_type = 'client backend' AND xact_start IS NOT NULL
"""
LOOK_APART = 0.05


def _busy():
    with connection.cursor() as cursor:
        cursor.execute(BUSY)
        return cursor.fetchone()[0]


def wait_until_quiet(seconds=30):
    """Until no other session is in a transaction twice running; False if one still is
    after ``seconds``."""
    deadline = time.monotonic() + seconds
    quiet_looks = 0
    while quiet_looks < 2:
        if time.monotonic() > deadline:
            return False
        quiet_looks = quiet_looks + 1 if not _busy() else 0
        time.sleep(LOOK_APART)
    return True
