"""The site with reader writes that store nothing: the most any way of storing them allows.

The site's WSGI application as tools/bench/run.py serves it, except that
``predictions.services.cast_read`` and ``submit_forecast`` store nothing (and skip their
own checks, of the choice and of whether the question is open, which only makes these
posts cheaper still). Everything else a post does still runs: its guards (same origin,
body size, the rate limit in Redis, the reader's signed cookie), the lookup of its story
or question, its form and its redirect. So no way of storing a read or a forecast, one
statement on the request or a queue that a worker drains later, can make a post faster
than it is here. The report shows these rows for information, beside the posting
targets.

    gunicorn --config newsroom/gunicorn_conf.py tools.bench.unwritten:application
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()


def store_nothing(**write):
    """A read or forecast, received and checked by the view, and not stored."""


def _store_no_reader_writes():
    from predictions import services  # its models load once the application has set up

    services.cast_read = store_nothing
    services.submit_forecast = store_nothing


_store_no_reader_writes()
