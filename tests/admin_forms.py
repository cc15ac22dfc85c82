"""POST data for the editors' admin forms, as the admin's own pages would send it, and
the codes an editor's authenticator app would show."""

import importlib
import re
from base64 import b32decode

from django.apps import apps as django_apps
from django.urls import reverse
from django_otp.oath import totp

from core import second_factor

ARTICLE_INLINES = [
    "corrections",
    "images",
    "assessment",
    "component_scores",
    "citations",
    "question",
]
# The publish checklist's explicit override, for stories whose evidence a test leaves out.
WITHOUT_EVIDENCE = {
    "published_without_evidence": "on",
    "without_evidence_reason": "Breaking news; the sources follow within the day.",
}


def recreate_editors_group():
    """Transactional tests empty every table, the migrations' Editors group too: make it
    again, with its permissions, as the migrations do."""
    for name, function in [
        ("0001_editors_group", "create_editors_group"),
        ("0002_editors_corrections", "allow_corrections"),
    ]:
        migration = importlib.import_module(f"newsroom.migrations.{name}")
        getattr(migration, function)(django_apps, None)


def management_form(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix, *dicts, initial=0):
    """An inline formset's fields: one dict per row, plus its management form."""
    data = management_form(prefix, len(dicts), initial)
    for index, row in enumerate(dicts):
        data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    return data


def article_form(**overrides):
    """A complete story with empty inlines; override fields or add inline rows."""
    data = {
        "headline": "Bees learn to count to four",
        "slug": "bees-count-to-four",
        "dek": "Honeybees trained with sugar rewards picked the card with four shapes.",
        "byline": "Test Desk",
        "explanation": "Bees can count, a little. Bees did well.",
        "technical": "Forager bees were trained on a Y-maze.",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
    }
    for prefix in ARTICLE_INLINES:
        data |= management_form(prefix, 0)
    return data | overrides


def app_code(secret, *, steps_ahead=0):
    """The code an authenticator app shows for ``secret`` (base32, as the enrolment page
    shows it), now or ``steps_ahead`` 30-second steps later."""
    key = b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def wrong_code(secret):
    """A well-formed code that no step the device accepts around now would give."""
    near = {app_code(secret, steps_ahead=step) for step in (-2, -1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222") if code not in near)


def enrol(user):
    """Give ``user`` a confirmed authenticator app, as the enrolment page would; returns
    the secret the page would have shown. It is confirmed with the previous step's code
    (still accepted), so that today's code is unused for the first login."""
    device = second_factor.start_enrolment(user=user)
    secret = second_factor.secret_text(device)
    second_factor.confirm_enrolment(user=user, code=app_code(secret, steps_ahead=-1))
    return secret


def secret_on_page(html):
    """The key the enrolment page shows under its QR code."""
    return re.search(r"Key: <code>([A-Z2-7 ]+)</code>", html).group(1)


def admin_login(client, username, password, *, code="", next_url="/admin/", **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": code, "next": next_url},
        **extra,
    )
