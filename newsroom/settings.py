"""Newsroom settings, read from the environment (see README: Configuration).

Safe by default: a missing DATABASE_URL or REDIS_URL stops start-up with a clear
message, and so does a missing SECRET_KEY or ALLOWED_HOSTS unless NEWSROOM_ENV=development;
DEBUG is off unless asked for. Nothing here knows the development servers: on a
developer's machine the make targets supply their URLs (tools/devenv.py).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
import django.forms
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("NEWSROOM_ENV", "production")
if ENVIRONMENT not in {"production", "development"}:
    raise ImproperlyConfigured("NEWSROOM_ENV must be 'production' or 'development'.")
DEVELOPMENT = ENVIRONMENT == "development"


def _required(name, development_default=None):
    """The variable's value; in development, ``development_default`` when it has one."""
    value = os.environ.get(name)
    if value:
        return value
    if DEVELOPMENT and development_default is not None:
        return development_default
    if DEVELOPMENT:
        raise ImproperlyConfigured(
            f"{name} is not set. The make targets set it to the checkout's own server; "
            'outside them, run eval "$(python3 -m tools.devenv)" first.'
        )
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


# Long enough to pass the check below: tests/security/test_database_outage.py signs with
# it for a production-mode server.
SECRET_KEY = _required(
    "SECRET_KEY", "development-only-insecure-key-that-must-never-sign-production"
)
# Keys retired by a rotation still verify what they signed (reader cookies, sessions):
# comma-separated, newest first. New signatures always use SECRET_KEY.
SECRET_KEY_FALLBACKS = [
    key.strip() for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()
]
DEBUG = _flag("DEBUG")
if not DEVELOPMENT:
    # Django's security.W009 test, which `check --deploy` only warns about.
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 characters, at least 5 of "
            "them different, not starting with 'django-insecure-' (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    if DEBUG:
        raise ImproperlyConfigured(
            "DEBUG is on in production; it shows tracebacks and settings to anyone. Unset "
            "it, or set NEWSROOM_ENV=development on a developer's machine."
        )
ALLOWED_HOSTS = [
    host.strip()
    for host in _required("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # The admin site that only lets in the Editors group (newsroom/admin_site.py).
    "newsroom.apps.EditorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Django's form templates in the template language, which the admin's widgets include.
    "django.forms",
    # Only for its sitemap.xml templates.
    "django.contrib.sitemaps",
    "simple_history",
    "core",
    # Reader accounts: a handle and passkeys over a reader id (accounts/models.py).
    "accounts",
    "articles",
    "trust",
    "predictions",
    # The open-data layer over the three: the JSON API, exports, citations, calibration.
    "api",
    # Follows and notifications: inbox, private feed, email digests (notices/models.py).
    "notices",
    # Admin login throttling (see "Admin login throttling" below).
    "axes",
    # The job runner (see HUEY below).
    "huey.contrib.djhuey",
    # Editors' second factor, a TOTP authenticator app (newsroom/second_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The composition root: the Editors group, the composed story admin, project commands.
    "newsroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers Django does not set, and the CSP: both before whitenoise so that
    # static files get them too (whitenoise answers those without reaching later middleware).
    "core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL unreachable: a 503 page with Retry-After instead of a 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # request.reader_id: the reader of a valid reader cookie, else None (core/readers.py).
    "core.readers.ReaderMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: marks request.user as verified by a second factor, or not.
    "django_otp.middleware.OTPMiddleware",
    # The marker that tells the HTTP cache an editor is asking (core/editors.py).
    "core.editors.EditorMarkerMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history of content (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Readers' accounts: signed in by passkey, recovery code or email link, never a password.
    "accounts.backends.AccountBackend",
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    # Django's own form and widget templates in their Jinja2 form, which renders them
    # several times faster than the template language: a story's change form draws some
    # 700 of them. Looked up first (FORM_RENDERER below); every other template is not
    # there and comes from the template language, as do the admin's widgets, which
    # include Django's template-language ones ("django.forms" among INSTALLED_APPS).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [Path(django.forms.__file__).resolve().parent / "jinja2"],
        "APP_DIRS": False,
    },
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
                "predictions.context_processors.counting_rules",
            ],
        },
    },
]

# One PostgreSQL database everywhere. On a developer's machine the make targets set
# DATABASE_URL to the checkout's private cluster (tools/devenv.py).
_DATABASE_URL = _required("DATABASE_URL")
if not _DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…).")
DATABASES = {
    # Django's PostgreSQL backend with a pool check that costs no round trip.
    "default": dj_database_url.parse(_DATABASE_URL, conn_max_age=0, engine="core.database")
}
# When PostgreSQL is unreachable a request fails within seconds (and gets the 503 page)
# rather than hanging: libpq gives up connecting after DATABASE_CONNECT_TIMEOUT seconds,
# a request waits at most DATABASE_POOL_TIMEOUT seconds for a pooled connection. The
# pool checks a connection before lending it without a round trip unless the server has
# said something (core/database/base.py), so connections broken by a PostgreSQL
# restart are replaced instead of failing a request; and it stops retrying in the
# background after DATABASE_RECONNECT_TIMEOUT seconds, so that the next request starts a
# fresh attempt at once: the site recovers within seconds of the database's return.
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")),
        "pool": {
            "min_size": 1,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "8")),
            "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "3")),
            "reconnect_timeout": float(os.environ.get("DATABASE_RECONNECT_TIMEOUT", "5")),
        },
    }
)

# A streaming replica of the database: pages read from it, writes and the admin use the
# primary, and a reader who has just written reads from the primary for a few seconds
# (core/replicas.py). Unset: one database and no router at all.
DATABASE_PRIMARY_PIN_SECONDS = float(os.environ.get("DATABASE_PRIMARY_PIN_SECONDS", "5"))
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "2"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "1"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=0, engine="core.database"
    )
    # A replica that is away costs a page at most a second before it falls back.
    DATABASES["replica"]["OPTIONS"] = {
        "connect_timeout": 1,
        "pool": DATABASES["default"]["OPTIONS"]["pool"] | {"timeout": 1.0},
    }
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("core.middleware.DatabaseUnavailableMiddleware") + 1,
        "core.replicas.PrimaryPinMiddleware",
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
# Editors' pictures go through the default storage: files under MEDIA_ROOT, served at
# MEDIA_URL by articles.views.media_file. Another backend (object storage, say) is a
# setting: MEDIA_STORAGE_BACKEND, with MEDIA_URL where it serves the files.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Redis holds what every process must agree on: rate-limit counts and debounce marks.
# Pages are cached by the HTTP cache in front (HTTP_CACHE_PURGE_URLS), not in Django.
# On a developer's machine the make targets set REDIS_URL to the checkout's private
# Redis (tools/devenv.py).
REDIS_URL = _required("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that does not answer fails a cache call within a second, not a request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}

# The job runner: huey (huey.contrib.djhuey) on the same Redis, under huey's own key
# prefix. Jobs run in `manage.py run_huey`, a process of their own that `make run` and
# `make cluster` supervise (tools/supervision.py); its scheduler starts the periodic
# jobs (each app's tasks.py). Never run inline: a request only enqueues.
HUEY = {
    "huey_class": "huey.RedisHuey",
    "name": "newsroom",
    "immediate": False,
    "connection": {"url": REDIS_URL},
    "consumer": {"workers": int(os.environ.get("JOB_WORKERS", "2")), "worker_type": "thread"},
}

# Mail (sign-in links, notification digests) goes to the SMTP server EMAIL_URL names:
# smtp://user:password@host:port, smtp+tls:// for STARTTLS, smtps:// for TLS. Without it
# the site sends no mail. On a developer's machine the make targets point it at the
# checkout's own mail server, which keeps each message in var/mail/ (tools/devenv.py).
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("EMAIL_FROM", "Newsroom <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    if _mail.scheme not in {"smtp", "smtp+tls", "smtps"} or not _mail.hostname:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:port.")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _mail.hostname, _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS, EMAIL_USE_SSL = _mail.scheme == "smtp+tls", _mail.scheme == "smtps"
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Citations filled from a DOI or an arXiv id (trust/crossref.py, trust/arxiv.py), and the
# citation watch's look-ups. Crossref's polite pool: requests carry CROSSREF_MAILTO (an
# address Crossref may write to about them) as mailto and in the User-Agent; without it
# they go to the slower public pool. Each look-up gives up after CROSSREF_TIMEOUT_SECONDS
# (arXiv's too); answers are kept in the cache (Redis) for CROSSREF_CACHE_SECONDS.
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org").rstrip("/")
CROSSREF_MAILTO = os.environ.get("CROSSREF_MAILTO", "")
CROSSREF_TIMEOUT_SECONDS = float(os.environ.get("CROSSREF_TIMEOUT_SECONDS", "10"))
CROSSREF_CACHE_SECONDS = int(os.environ.get("CROSSREF_CACHE_SECONDS", str(24 * 3600)))
ARXIV_API_URL = os.environ.get("ARXIV_API_URL", "https://export.arxiv.org/api/query")
# An editor's "Fill from DOI" look-ups: at most CITATION_LOOKUP_LIMIT per
# CITATION_LOOKUP_WINDOW seconds, per editor (trust/citation_admin.py).
CITATION_LOOKUP_LIMIT = int(os.environ.get("CITATION_LOOKUP_LIMIT", "20"))
CITATION_LOOKUP_WINDOW = int(os.environ.get("CITATION_LOOKUP_WINDOW", "60"))

# Where the app sends PURGE requests (with an xkey header naming what changed) to the
# HTTP cache in front: one URL per cache node, comma-separated; empty sends none.
HTTP_CACHE_PURGE_URLS = [
    url.strip() for url in os.environ.get("HTTP_CACHE_PURGE_URLS", "").split(",") if url.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"brief_warning": {"()": "core.logs.BriefWarning"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes reports every successful login at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
        # The job runner's consumer logs through a handler of its own (manage.py run_huey).
        "huey": {"propagate": False},
        # Every probe with a bad Host header: one line, not an ERROR with a traceback.
        "django.security.DisallowedHost": {"filters": ["brief_warning"]},
    },
}

SITE_NAME = "Newsroom"
# Editors' admin lives here; move it off the well-known path in production.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
# An old version is shown, never saved back from its history page (core/history_admin.py).
SIMPLE_HISTORY_REVERT_DISABLED = True
# Markdown previews one editor may have rendering at once, across processes (a 429
# beyond; articles/admin.py). The story form previews its two Markdown fields together.
MARKDOWN_PREVIEW_CONCURRENCY = int(os.environ.get("MARKDOWN_PREVIEW_CONCURRENCY", "2"))

# Reader writes: (requests, seconds) per client address over any such span, a sliding
# window (core/ratelimit.py). Default READER_WRITE_LIMIT=30 per READER_WRITE_WINDOW=60.
RATE_LIMITS = {
    "reader-write": (
        int(os.environ.get("READER_WRITE_LIMIT", "30")),
        int(os.environ.get("READER_WRITE_WINDOW", "60")),
    ),
}
# New readers (writes without a reader cookie) per client address over any
# READER_NEW_IDENTITY_WINDOW seconds (core/readers.py). Default 20 per 3600: a household,
# or a class starting together behind a school's address, gets through; a script that
# drops its cookie gets 20 identities an hour instead of one per write.
READER_NEW_IDENTITY_LIMIT = int(os.environ.get("READER_NEW_IDENTITY_LIMIT", "20"))
READER_NEW_IDENTITY_WINDOW = int(os.environ.get("READER_NEW_IDENTITY_WINDOW", "3600"))
# Set only behind a proxy that overwrites it, e.g. HTTP_X_FORWARDED_FOR.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
# The site's own origin (https://news.example.org): reader writes whose Origin differs in
# scheme, host or port are refused. Unset: the request's trusted scheme and host.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Largest body a reader's vote or forecast may send.
READER_WRITE_MAX_BYTES = 4096
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Reader accounts (accounts/). Passkeys are bound to WEBAUTHN_RP_ID, a domain (the site's
# host or a parent of it), and work from the pages at WEBAUTHN_ORIGINS, comma-separated
# (https://news.example.org; "http://localhost:*" takes any port). Unset: SITE_URL's
# host and origin; else the first of ALLOWED_HOSTS over https, and in development
# "localhost" from any port of the allowed hosts.
_ACCOUNT_HOSTS = [host.lstrip(".") for host in ALLOWED_HOSTS if "*" not in host]
WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or (
    urlsplit(SITE_URL).hostname
    if SITE_URL
    else "localhost"
    if DEVELOPMENT
    else next(iter(_ACCOUNT_HOSTS), "")
)
WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", SITE_NAME)
WEBAUTHN_ORIGINS = [
    origin.strip() for origin in os.environ.get("WEBAUTHN_ORIGINS", "").split(",") if origin.strip()
] or (
    [SITE_URL]
    if SITE_URL
    else [f"{scheme}://{host}:*" for host in _ACCOUNT_HOSTS for scheme in ("http", "https")]
    if DEVELOPMENT
    else [f"https://{host}" for host in _ACCOUNT_HOSTS]
)
# Account pages and passkey ceremonies: ACCOUNT_REQUEST_LIMIT per ACCOUNT_REQUEST_WINDOW
# seconds per client address; sign-in attempts (passkey, recovery code, email link)
# ACCOUNT_SIGN_IN_LIMIT per window; mail (sign-in links, address checks)
# ACCOUNT_EMAIL_LIMIT per ACCOUNT_EMAIL_WINDOW per address, per recipient and per account.
RATE_LIMITS["account"] = (
    int(os.environ.get("ACCOUNT_REQUEST_LIMIT", "60")),
    int(os.environ.get("ACCOUNT_REQUEST_WINDOW", "600")),
)
RATE_LIMITS["account-sign-in"] = (
    int(os.environ.get("ACCOUNT_SIGN_IN_LIMIT", "20")),
    int(os.environ.get("ACCOUNT_REQUEST_WINDOW", "600")),
)
# Accounts made from one client address: ACCOUNT_CREATE_LIMIT per ACCOUNT_CREATE_WINDOW
# seconds (a day), so that an address cannot mint counted identities by the dozen.
RATE_LIMITS["account-create"] = (
    int(os.environ.get("ACCOUNT_CREATE_LIMIT", "10")),
    int(os.environ.get("ACCOUNT_CREATE_WINDOW", str(24 * 60 * 60))),
)
RATE_LIMITS["account-email"] = (
    int(os.environ.get("ACCOUNT_EMAIL_LIMIT", "5")),
    int(os.environ.get("ACCOUNT_EMAIL_WINDOW", "3600")),
)
# A signed-in reader stays signed in this long (two weeks), on that device only.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(14 * 24 * 60 * 60)))

# Community reads: interest in a topic halves every this many days.
TOPIC_INTEREST_HALF_LIFE_DAYS = float(os.environ.get("TOPIC_INTEREST_HALF_LIFE_DAYS", "30"))
# The crowd's forecast is shown to a reader who has not forecast once this many have.
FORECAST_REVEAL_MIN_FORECASTERS = int(os.environ.get("FORECAST_REVEAL_MIN_FORECASTERS", "5"))
# The crowd's forecast is shown to nobody until this many independent forecasters have
# spoken: accounts, and addresses of readers without one (predictions/selectors/crowd.py).
CROWD_MIN_INDEPENDENT = int(os.environ.get("CROWD_MIN_INDEPENDENT", "5"))
# "Changed since your forecast" once the crowd median moves by more than this many points.
FORECAST_CHANGE_THRESHOLD = int(os.environ.get("FORECAST_CHANGE_THRESHOLD", "10"))
# A question's community forecast is recomputed at most this often under a stream of
# forecasts (predictions/services/settling.py); 0 recomputes it on every forecast.
AGGREGATE_DEBOUNCE_SECONDS = float(os.environ.get("AGGREGATE_DEBOUNCE_SECONDS", "1"))
# Each process that takes reader writes folds them in from a small background thread.
SETTLE_IN_BACKGROUND = True
# Reader activity reaches the shared pages that show it by one purge per page every this
# many seconds at most (core/activity_purges.py): longer than the settler's second and a
# replica's allowed lag, well within the ten seconds a vote may take to show to everyone.
ACTIVITY_PURGE_SECONDS = float(os.environ.get("ACTIVITY_PURGE_SECONDS", "3"))
# Readers with an account appear on the leaderboard after this many scored questions.
LEADERBOARD_MIN_RESOLVED = int(os.environ.get("LEADERBOARD_MIN_RESOLVED", "3"))

# Security. Production defaults are strict and pass `manage.py check --deploy`; each can be
# loosened through the environment (README: Configuration). Development serves plain HTTP.
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", not DEVELOPMENT)
# A load balancer's health probe may speak plain HTTP to the app server: answer it directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a TLS-terminating proxy that sets e.g. X-Forwarded-Proto: set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (only if the proxy overwrites that header).
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEVELOPMENT else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEVELOPMENT)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", not DEVELOPMENT)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", not DEVELOPMENT)
CSRF_COOKIE_SECURE = _flag("CSRF_COOKIE_SECURE", not DEVELOPMENT)
SESSION_COOKIE_HTTPONLY = True
# Forms carry the token in a hidden field; no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Browser features no page uses, switched off (core/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), browsing-topics=()"
)

# Content-Security-Policy (django-csp): scripts and styles from our own files only, no
# inline code anywhere; editors' images may come from any https address.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login throttling (django-axes): after ADMIN_LOGIN_FAILURE_LIMIT failed logins for
# one username from one address, that pair is locked out for ADMIN_LOCKOUT_MINUTES; after
# ADMIN_ADDRESS_FAILURE_LIMIT from one address across usernames, the address is (counted
# from axes' records by newsroom/admin_site.py, whose docstring gives the reset commands).
AXES_FAILURE_LIMIT = int(os.environ.get("ADMIN_LOGIN_FAILURE_LIMIT", "5"))
ADMIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ADMIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("ADMIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same client address as the reader rate limits (CLIENT_IP_HEADER behind a proxy).
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "core.errors.admin_lockout"
# Log lockouts by the parameters that caused them, and no start-up banner.
AXES_VERBOSE = False
# No row per successful sign-in with its address and browser: readers sign in too
# (accounts/), and the site keeps no reader's address (the privacy page). Failed admin
# logins are still counted (AccessAttempt), as the lockouts need.
AXES_DISABLE_ACCESS_LOG = True

# Editors' second factor (django-otp): the name authenticator apps show for the account,
# and no secret or QR code in django-otp's own device admin (it is shown once, at enrolment).
OTP_TOTP_ISSUER = "Newsroom"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Seconds a client is asked to wait before retrying after a 503 (database unreachable).
DATABASE_UNAVAILABLE_RETRY_AFTER = 30
