"""Newsroom settings, read from the environment (see README: Configuration).

Safe by default: unless NEWSROOM_ENV=development, a missing SECRET_KEY,
ALLOWED_HOSTS or DATABASE_URL stops start-up with a clear message, and DEBUG
is off unless asked for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom import localdb

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("NEWSROOM_ENV", "production")
if ENVIRONMENT not in {"production", "development"}:
    raise ImproperlyConfigured("NEWSROOM_ENV must be 'production' or 'development'.")
DEVELOPMENT = ENVIRONMENT == "development"


def _required(name, development_default):
    value = os.environ.get(name)
    if value:
        return value
    if DEVELOPMENT:
        return development_default
    raise ImproperlyConfigured(
        f"{name} is not set. Set it, or set NEWSROOM_ENV=development for local defaults."
    )


def _flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


SECRET_KEY = _required("SECRET_KEY", "development-only-insecure-key-do-not-deploy")
DEBUG = _flag("DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in _required("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # The admin site that only lets in the Editors group (newsroom/admin_site.py).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Only for its sitemap.xml templates.
    "django.contrib.sitemaps",
    "simple_history",
    "articles",
    "trust",
    "predictions",
    # Last: its admin module composes the other apps' admin pages.
    "newsroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history of content (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# One PostgreSQL database everywhere. Without DATABASE_URL, development uses
# the checkout's private cluster (python -m newsroom.localdb start).
DATABASES = {
    "default": dj_database_url.parse(
        _required("DATABASE_URL", localdb.url()), conn_max_age=0, conn_health_checks=False
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {"pool": {"min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "8"))}}
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "newsroom",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

SITE_NAME = "Newsroom"
# Editors' admin lives here; move it off the well-known path in production.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Reader writes: (requests, seconds) per client address; see newsroom/ratelimit.py.
RATE_LIMITS = {
    "reader-write": (
        int(os.environ.get("READER_WRITE_LIMIT", "30")),
        int(os.environ.get("READER_WRITE_WINDOW", "60")),
    ),
}
# Set only behind a proxy that overwrites it, e.g. HTTP_X_FORWARDED_FOR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# Largest body a reader's vote or forecast may send.
READER_WRITE_MAX_BYTES = 4096
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Community reads: interest in a topic halves every this many days.
TOPIC_INTEREST_HALF_LIFE_DAYS = float(os.environ.get("TOPIC_INTEREST_HALF_LIFE_DAYS", "30"))
# The crowd's forecast is shown to a reader who has not forecast once this many have.
FORECAST_REVEAL_MIN_FORECASTERS = int(os.environ.get("FORECAST_REVEAL_MIN_FORECASTERS", "5"))
# Readers appear on the leaderboard after this many scored questions.
LEADERBOARD_MIN_RESOLVED = int(os.environ.get("LEADERBOARD_MIN_RESOLVED", "3"))
