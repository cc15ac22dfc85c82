"""The benchmark's yardsticks, served like the site: gunicorn with newsroom/gunicorn_conf.py
and the project's settings in production mode (tools/bench/__main__.py starts them).

- ``baseline()``: the smallest Django page, every middleware and a view that answers "ok"
  without the database. A page's requests per second divided by this one's is the share
  of the framework's ceiling that the page reaches. Its ``/write/`` is the floor of an
  acknowledged write, for information: one INSERT committed durably, into a table made
  in the run's copy of the database.
- ``unwritten()``: the site whose ``cast_read`` and ``submit_forecast`` store nothing (nor
  check the choice or whether the question is open). Everything else a post does still
  runs (its guards: same origin, body size, the rate limit in Redis, the signed reader
  cookie; the lookup of its story or question; its form and its redirect), so no way of
  storing a read or a forecast, on the request or queued for later, can make a post
  faster than it is here.

    gunicorn --config newsroom/gunicorn_conf.py 'tools.bench.apps:baseline()'
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path

WRITE_FLOOR_TABLE = "bench_write_floor"


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def write(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WRITE_FLOOR_TABLE} DEFAULT VALUES")
    return ok(request)


urlpatterns = [path("", ok), path("write/", write)]


def baseline():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    settings.ROOT_URLCONF = __name__  # everything from the project's settings but the URLs
    return get_wsgi_application()


def unwritten():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    application = get_wsgi_application()
    from predictions import services  # its models load once the application has set up

    services.cast_read = services.submit_forecast = lambda **write: None
    return application
