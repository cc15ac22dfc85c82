"""Production start-up refuses settings that would be unsafe, instead of warning."""

import logging
import secrets
import subprocess
import sys

import pytest

from tests.security.test_headers import CHECKOUT, production_environment


def start_up(**extra):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=CHECKOUT,
        env=production_environment(DJANGO_SETTINGS_MODULE="newsroom.settings") | extra,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "secret_key",
    [
        secrets.token_urlsafe(30),  # too short
        "abcd" * 20,  # too few different characters
        "django-insecure-" + secrets.token_urlsafe(50),
    ],
    ids=["short", "repetitive", "django-insecure"],
)
def test_a_weak_secret_key_stops_production_start_up(secret_key):
    result = start_up(SECRET_KEY=secret_key)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak for production" in result.stderr


def test_debug_stops_production_start_up():
    result = start_up(DEBUG="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG is on in production" in result.stderr


def test_a_strong_key_without_debug_starts():
    result = start_up()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.django_db
def test_a_bad_host_header_is_one_warning_line_without_a_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    [record] = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "evil.example" in record.getMessage()
    assert "\n" not in caplog.text.strip()
