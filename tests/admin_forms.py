"""POST data for the editors' admin forms, as the admin's own pages would send it, the
codes an editor's authenticator app would show, and an editor's log-in in a browser."""

import importlib
import re
from base64 import b32decode
from html.parser import HTMLParser

from django.apps import apps as django_apps
from django.urls import reverse
from django_otp.oath import totp

from newsroom import second_factor

ARTICLE_INLINES = [
    "corrections",
    "images",
    "assessment",
    "component_scores",
    "citations",
    "falsifiable_statements",
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
        ("0003_editors_pictures_and_authors", "allow_pictures_and_authors"),
        ("0005_editors_write_statements", "allow_statements"),
        ("0006_editors_picture_library", "allow_picture_library"),
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


def new_picture_row(**fields):
    """A story form's picture row uploading a new picture into the library, with ``fields``
    changed (None leaves a field out)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import picture_bytes

    row = {
        "original": SimpleUploadedFile("bees.png", picture_bytes(), content_type="image/png"),
        "alt": "Bees on a card.",
        "credit": "Newsroom photo",
        "licence": "CC BY 4.0",
        "role": "lead",
        "position": "0",
        "caption": "A forager.",
    } | fields
    return {name: value for name, value in row.items() if value is not None}


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


class _FormFields(HTMLParser):
    """The fields of the page's change form, as a browser would submit it unchanged."""

    SKIPPED_TYPES = {"submit", "button", "image", "reset", "file"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self.in_form = {}, False
        self.select = self.textarea = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith(("_form", "changelist-form")):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
        if tag == "input" and name and kind not in self.SKIPPED_TYPES:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self.add(name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.select["options"] if selected]
            if not chosen and not self.select["multiple"] and self.select["options"]:
                chosen = [self.select["options"][0][0]]  # a browser sends the first option
            self.fields.setdefault(self.select["name"], []).extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # The newline after <textarea> is not part of its value.
            self.add(name, text[1:] if text.startswith("\n") else text)
            self.textarea = None


def form_data(html):
    """What the admin form on the page ``html`` sends when saved as it stands (its version
    included), as {name: [values]}: change it as an editor would, then post it."""
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def change_form_data(client, url):
    """``form_data`` of the change form at ``url``, as an editor opens it now."""
    return form_data(client.get(url).content.decode())


def loaded_version(client, url):
    """The version the change form (or list) at ``url`` carries now, to post with data
    made by hand."""
    page = client.get(url).content.decode()
    name, value = re.search(r'name="((?:[\w-]+-)?loaded_version)" value="([^"]*)"', page).groups()
    return {name: value}


def save_change_form(client, url, data, **extra):
    """Open the change form at ``url``, then save it with ``data``, as an editor would."""
    return client.post(url, data | loaded_version(client, url), **extra)


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


def log_in_in_browser(page, username, password, *, then="/admin/", code=None):
    """Log ``username`` in through the admin's form in a Playwright page, landing on ``then``
    (with ``code`` from their authenticator app, when they have enrolled one)."""
    page.goto(f"/admin/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    if code is not None:
        page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{then}")
