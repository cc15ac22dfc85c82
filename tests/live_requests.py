"""Requests the live server is still answering when a browser test ends.

A page the test leaves open, or one closed a moment ago, can still have a request on
its way through the live server (a script's fetch as the page loaded, a refresh). The
database is emptied after each browser test (TRUNCATE), which waits for the locks such
a request holds while the request waits for the tables the TRUNCATE holds: a deadlock,
the emptying fails, and the next test on that worker starts from the last one's rows.
The tests' middleware (tests/settings.py) counts the requests in the app; a browser
test waits for the count to reach zero before the database is emptied
(tests/conftest.py)."""

import threading
import time

_lock = threading.Lock()
_answering = 0


class CountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _answering
        with _lock:
            _answering += 1
        try:
            return self.get_response(request)
        finally:
            with _lock:
                _answering -= 1


def wait_until_answered(seconds=30):
    """Until no request is being answered; False if one still is after ``seconds``."""
    deadline = time.monotonic() + seconds
    while _answering:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
