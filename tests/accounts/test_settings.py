"""Where passkeys work: WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS, from the environment or
derived from SITE_URL, ALLOWED_HOSTS and the development mode."""

import json
import subprocess
import sys

import pytest

from tests.security.test_headers import CHECKOUT, production_environment

PRINT = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.WEBAUTHN_RP_ID, settings.WEBAUTHN_ORIGINS]))"
)


def passkey_settings(**environment):
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=CHECKOUT,
        env=production_environment(DJANGO_SETTINGS_MODULE="newsroom.settings") | environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, ["news.example.org", ["https://news.example.org"]]),
        (
            {"SITE_URL": "https://www.example.org/"},
            ["www.example.org", ["https://www.example.org"]],
        ),
        (
            {
                "WEBAUTHN_RP_ID": "example.org",
                "WEBAUTHN_ORIGINS": "https://a.example.org, https://b.example.org",
            },
            ["example.org", ["https://a.example.org", "https://b.example.org"]],
        ),
        (
            {"NEWSROOM_ENV": "development", "ALLOWED_HOSTS": "localhost,127.0.0.1"},
            [
                "localhost",
                [
                    "http://localhost:*",
                    "https://localhost:*",
                    "http://127.0.0.1:*",
                    "https://127.0.0.1:*",
                ],
            ],
        ),
    ],
    ids=["allowed-hosts", "site-url", "explicit", "development"],
)
def test_passkeys_are_bound_to_the_sites_own_domain_and_origins(environment, expected):
    assert passkey_settings(**environment) == expected
