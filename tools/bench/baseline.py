"""The benchmark's baseline: the smallest Django page, served like the real site.

A WSGI application with the project's settings (same middleware, same database
and cache settings, production mode) and a one-view URLconf whose view returns
"ok" without touching the database. tools/bench/run.py serves it with gunicorn
and newsroom/gunicorn_conf.py, exactly as it serves newsroom.wsgi, so a page's
requests per second divided by this one's is the share of the framework's
ceiling that the page reaches.

``/write/`` is the floor of an acknowledged write, for information: one INSERT
committed durably (the table is made in the run's copy of the database), so
that a post's rate can be read against what any write costs on this machine.

    gunicorn --config newsroom/gunicorn_conf.py tools.bench.baseline:application
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from tools.bench.databases import WRITE_FLOOR_TABLE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


def write(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {WRITE_FLOOR_TABLE} DEFAULT VALUES")
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok), path("write/", write)]

# Everything from the project's settings but the URLs: this module is the URLconf.
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
