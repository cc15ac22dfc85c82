"""Security headers on every kind of response, under production settings.

Production's defaults are set here explicitly (the suite runs in development
mode, which serves plain HTTP); requests are made over HTTPS as a browser
behind TLS would make them.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article, GlossaryTerm, Topic
from predictions.models import Question
from trust.models import Source

pytestmark = pytest.mark.django_db

CHECKOUT = Path(__file__).resolve().parents[2]
ONE_YEAR = 365 * 24 * 60 * 60


@pytest.fixture
def production_security(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def page_urls():
    article = Article.objects.published().first()
    question = Question.objects.public().first()
    return {
        "front": "/",
        "article": article.get_absolute_url(),
        "topics": "/topics/",
        "topic": Topic.objects.first().get_absolute_url(),
        "glossary": "/glossary/",
        "term": GlossaryTerm.objects.first().get_absolute_url(),
        "sources": "/sources/",
        "source": Source.objects.first().get_absolute_url(),
        "methodology": "/methodology/",
        "predictions": "/predictions/",
        "question": question.get_absolute_url(),
        "track record": "/predictions/me/",
        "leaderboard": "/predictions/leaderboard/",
        "community": "/community/",
        "search": "/search/?q=cells",
        "feed": "/feeds/rss/",
        "sitemap": "/sitemap.xml",
        "404": "/no-such-page/",
        "healthz": "/healthz",
        "static file": "/static/css/site.css",
        "admin login": reverse("admin:login"),
    }


def assert_security_headers(response, what):
    headers = response.headers
    assert headers["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    ), what
    assert headers["X-Content-Type-Options"] == "nosniff", what
    assert headers["Referrer-Policy"] == "same-origin", what
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", what
    assert headers["X-Frame-Options"] == "DENY", what
    assert "camera=()" in headers["Permissions-Policy"], what
    assert "geolocation=()" in headers["Permissions-Policy"], what
    policy = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in headers["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'", what
    assert policy["script-src"] == "'self'", what
    assert policy["style-src"] == "'self'", what
    assert policy["img-src"] == "'self' data: https:", what
    assert policy["frame-ancestors"] == "'none'", what
    assert policy["form-action"] == "'self'", what
    assert policy["base-uri"] == "'none'", what
    assert policy["object-src"] == "'none'", what
    assert "unsafe-inline" not in headers["Content-Security-Policy"], what
    assert "unsafe-eval" not in headers["Content-Security-Policy"], what


def test_every_page_type_carries_the_security_headers(client, fixture_content, production_security):
    for what, url in page_urls().items():
        response = client.get(url, secure=True)
        assert response.status_code in {200, 404}, (what, response.status_code)
        assert (what == "404") == (response.status_code == 404)
        assert_security_headers(response, what)


def test_plain_http_is_redirected_to_https_but_the_health_probe(client, production_security):
    response = client.get("/glossary/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/glossary/"
    assert client.get("/healthz").status_code == 200


def test_static_files_served_by_whitenoise_carry_the_headers(client, production_security):
    response = client.get("/static/js/panels.js", secure=True)
    assert response.status_code == 200
    assert response.streaming  # whitenoise answered, not a Django view
    assert_security_headers(response, "static script")


def test_error_and_refusal_responses_carry_the_headers(client, production_security):
    responses = {
        "405": client.get("/articles/x/read/", secure=True),
        "400 bad host": client.get("/", secure=True, HTTP_HOST="evil.example"),
        "403 csrf": csrf_checking_post(client),
    }
    for what, response in responses.items():
        assert response.status_code in {400, 403, 404, 405}, what
        assert_security_headers(response, what)


def csrf_checking_post(client):
    from django.test import Client

    checking = Client(enforce_csrf_checks=True)
    return checking.post(reverse("admin:login"), {"username": "x", "password": "y"}, secure=True)


def test_cookies_are_secure_httponly_and_samesite(client, production_security):
    response = client.get(reverse("admin:login"), secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"


def test_session_and_reader_cookies_are_secure_httponly_and_samesite(
    client, admin_user, production_security
):
    from tests.factories import make_article

    article = make_article()
    response = client.post(f"/articles/{article.slug}/read/", {"choice": "promising"}, secure=True)
    assert response.status_code == 302
    reader = response.cookies["reader"]
    assert reader["secure"] and reader["httponly"] and reader["samesite"] == "Lax"

    response = client.post(
        reverse("admin:login"),
        {"username": admin_user.username, "password": "password", "next": "/"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def production_environment(**extra):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        NEWSROOM_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="news.example.org",
        **extra,
    )
    return environment


def run_check_deploy(**extra):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=CHECKOUT,
        env=production_environment(**extra),
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_reports_nothing_under_the_production_configuration():
    result = run_check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_security_settings_follow_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=CHECKOUT,
        env=production_environment(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            SECURE_SSL_REDIRECT="0",
            SECURE_HSTS_SECONDS="600",
            SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
            ADMIN_LOGIN_FAILURE_LIMIT="3",
            ADMIN_LOCKOUT_MINUTES="60",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "600",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "3",
        "3600.0",
    ]
