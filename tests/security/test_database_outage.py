"""PostgreSQL stops for real: readers get a 503 within seconds, and the site comes back.

A throwaway PostgreSQL and a gunicorn of their own (the pieces of tools/faults/one_node.py), so
the development and test databases are never touched.
"""

import logging
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from core.readers import signed_reader_cookie
from tools import servers
from tools.faults.one_node import ThrowawayDatabase, app_server

logger = logging.getLogger(__name__)

# A down database must answer within this (pool timeout 3 s, plus a loaded machine's slack).
FAIL_FAST_SECONDS = 8
RECOVERY_SECONDS = 20
STORY = "/articles/tscm-car-t-first-in-human/"
CSRF = "0123456789abcdefABCDEF0123456789"
READER_COOKIE = signed_reader_cookie("0123456789abcdef0123456789abcdef")


@pytest.fixture(scope="module")
def site():
    cluster = ThrowawayDatabase()
    server = None
    try:
        cluster.start()
        server = app_server(cluster, workers=1, secret_key=settings.SECRET_KEY)
        servers.manage(server.env, "migrate", "--no-input", "-v", "0")
        servers.manage(server.env, "load_content")
        servers.manage(server.env, "collectstatic", "--no-input", "-v", "0")
        server.start()
        yield cluster, server
    finally:
        if server is not None:
            server.stop()
        cluster.remove()


def fetch(server, path, *, data=None, accept="text/html"):
    """(status, headers, body, seconds) of one request from a reader who has voted before,
    straight to gunicorn: Django caches no pages, so every request here needs the database.
    """
    headers = {"Accept": accept, "Cookie": f"csrftoken={CSRF}; reader={READER_COOKIE}"}
    if data is not None:
        data = (data + f"&csrfmiddlewaretoken={CSRF}").encode()
        headers["Referer"] = server.base_url + path
    request = urllib.request.Request(server.base_url + path, data=data, headers=headers)
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode(), _since(began)
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(), _since(began)


def _since(moment):
    return time.monotonic() - moment


def test_a_stopped_database_gives_a_quick_503_and_the_site_recovers_by_itself(site):
    cluster, server = site
    assert fetch(server, "/")[0] == 200
    assert fetch(server, STORY)[0] == 200

    cluster.stop()
    assert not cluster.is_up()
    slowest = 0.0
    for path in ("/", STORY, "/topics/", "/predictions/"):
        status, headers, body, seconds = fetch(server, path)
        slowest = max(slowest, seconds)
        assert status == 503, (path, status)
        assert headers["Retry-After"] == "30"
        assert "We will be back in a moment" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert seconds < FAIL_FAST_SECONDS, (path, seconds)

    status, headers, body, seconds = fetch(server, "/healthz")
    assert (status, headers["Retry-After"]) == (503, "30")
    assert seconds < FAIL_FAST_SECONDS

    status, _, body, seconds = fetch(
        server, f"{STORY}read/", data="choice=promising", accept="application/json"
    )
    assert status == 503
    assert "database" in body
    assert seconds < FAIL_FAST_SECONDS

    cluster.start()
    back = time.monotonic()
    while fetch(server, "/")[0] != 200:
        assert _since(back) < RECOVERY_SECONDS, "the site did not recover by itself"
        time.sleep(0.25)
    recovered = _since(back)
    assert fetch(server, "/healthz")[0] == 200
    assert fetch(server, STORY)[0] == 200
    vote = fetch(server, f"{STORY}read/", data="choice=promising", accept="application/json")
    assert vote[0] == 200
    logger.warning(
        "database outage: slowest 503 %.2f s; back to 200 %.2f s after PostgreSQL started",
        slowest,
        recovered,
    )
