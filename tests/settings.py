"""Test settings: the real settings and database, with faster, explicit test parts."""

import os
from urllib.parse import parse_qsl, urlencode, urlsplit

from tools import devenv

# The checkout's own PostgreSQL and Redis, as the make targets supply them.
os.environ.update(devenv.values())

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded pictures in a folder of the tests' own. Names are content, so a picture made
# by one run (the fixture figures) is reused by the next.
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Serve static files straight from static/ (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Two suites can share the development server: TEST_DB_SUFFIX=_b names the second's database.
DATABASES["default"]["TEST"] = {"NAME": "test_newsroom" + os.environ.get("TEST_DB_SUFFIX", "")}  # noqa: F405

# The checkout's real Redis, in a database of the tests' own (the site uses 0, the chaos
# tools 3, the benchmark 2 and 4): each test starts empty (tests/conftest.py clears it). Under
# pytest-xdist each worker (gw0, gw1, …) takes the next database from the base, 5;
# TEST_REDIS_DB gives a concurrent suite (one with TEST_DB_SUFFIX) another base.
_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "8" if os.environ.get("TEST_DB_SUFFIX") else "5"))
_REDIS_DB += int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def _redis_database(url, number):
    """REDIS_URL pointed at database ``number`` (a unix URL's ?db=, a TCP URL's path)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query)) | {"db": number}
        return f"unix://{parts.path}?{urlencode(query)}"
    return parts._replace(path=f"/{number}").geturl()


CACHES["default"]["LOCATION"] = _redis_database(REDIS_URL, _REDIS_DB)  # noqa: F405
# The job queue in the same test database: emptied with it, apart from the site's.
HUEY = HUEY | {"connection": {"url": CACHES["default"]["LOCATION"]}}  # noqa: F405

# Each forecast recomputes its question's aggregate at once, as a lone reader would see it.
AGGREGATE_DEBOUNCE_SECONDS = 0
# No background settling thread in the test process: tests settle explicitly
# (predictions.services.settling.settle), as "once writes settle" says.
SETTLE_IN_BACKGROUND = False
