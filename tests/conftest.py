import os
import subprocess
import threading
from io import StringIO
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core import activity_purges, ratelimit
from tests import content_snapshot, quiet_database
from tools import servers, supervision
from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH

# The system set (pytest -m system): tests that start what the fast set runs without, a
# browser and a live server, Varnish, a cluster, servers of their own, the benchmark or
# the HTML checker. Everything else runs inside a transaction against the test database.
SYSTEM_FIXTURES = {"live_server", "cluster", "job_runner"}
SYSTEM_MODULES = {
    "tests/core/test_localdb.py",
    "tests/core/test_supervision.py",
    "tests/security/test_chaos_smoke.py",
    "tests/security/test_database_outage.py",
    "tests/test_bench_smoke.py",
    "tests/test_html_validity.py",
}
# Tests that share a resource run on one worker under pytest-xdist (--dist loadgroup):
# the session's cluster, and the chaos tools' Redis database.
XDIST_GROUPS = {
    "tests/cluster/": "cluster",
    "tests/security/test_chaos_smoke.py": "chaos",
    "tests/security/test_database_outage.py": "chaos",
}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix()
        if path in SYSTEM_MODULES or SYSTEM_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.system)
        group = next(
            (name for prefix, name in XDIST_GROUPS.items() if path.startswith(prefix)), None
        )
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages, page versions, rate-limit counts or purges
    waiting."""
    for cache in caches.all():
        cache.clear()
    activity_purges.forget_waiting()


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "unix:///nonexistent/redis.sock",
    }
}


@pytest.fixture
def redis_away(settings, monkeypatch):
    """Redis does not answer, in a process that has seen no outage yet: no per-process
    counts, no warning logged."""
    monkeypatch.setattr(ratelimit, "process_fallback", ratelimit.ProcessFallback())
    settings.CACHES = DEAD_REDIS
    caches._settings = caches.settings = DEAD_REDIS
    caches._connections.__dict__.pop("default", None)
    yield
    caches._connections.__dict__.pop("default", None)


@pytest.fixture(autouse=True)
def live_requests_answered(request):
    """A test with a live server ends once the requests its pages sent have left the
    database (tests/quiet_database.py). Set up after the database (pytest-django's
    autouse fixture comes first) and before the test's pages, so torn down after the
    pages close and before the database is emptied."""
    yield
    if "live_server" in request.fixturenames:
        assert quiet_database.wait_until_quiet(), "a request to the live server never ended"


@pytest.fixture
def job_runner(transactional_db, settings):
    """The job runner's consumer, as `make run` supervises it (tools/supervision.py), on
    the test database and the tests' Redis; yields its process once it is listening."""
    database = connection.settings_dict
    url = "postgres://{}:{}@{}:{}/{}".format(
        quote(database["USER"]),
        quote(database["PASSWORD"] or ""),
        database["HOST"],
        database["PORT"],
        database["NAME"],
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": url,
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "JOB_WORKERS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    consumer = subprocess.Popen(
        supervision.JOBS,
        cwd=servers.CHECKOUT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        said = []
        for line in consumer.stdout:
            said.append(line)
            if "Huey consumer started" in line:
                break
        else:
            pytest.fail("The job runner did not start:\n" + "".join(said[-20:]))
        threading.Thread(target=consumer.stdout.read, daemon=True).start()
        yield consumer
    finally:
        consumer.terminate()
        consumer.wait(timeout=20)


@pytest.fixture
def travel(monkeypatch):
    """Move the site's clock to a moment: every rule that asks ``timezone.now`` sees it."""
    from django.utils import timezone

    def to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return to


@pytest.fixture
def fixture_content(db):
    """The site's real fixture stories, loaded the way `make run` loads them (once per
    session; tests/content_snapshot.py copies the same rows back for each later test)."""
    content_snapshot.load()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, driven by Playwright; talks only to the live server."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def editor(client):
    """An editor made by the documented command, logged in through the admin's form."""
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a-long-editor-password", "next": "/admin/"},
    )
    assert response.status_code == 302
    return User.objects.get(username="editor")
