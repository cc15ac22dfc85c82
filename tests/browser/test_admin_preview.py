"""The editors' Markdown preview in the admin, in headless Chromium."""

import importlib
import os
from io import StringIO
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def recreate_editors_group():
    """Earlier transactional tests empty every table, the migration's Editors group too."""
    for name, function in [
        ("0001_editors_group", "create_editors_group"),
        ("0002_editors_corrections", "allow_corrections"),
    ]:
        migration = importlib.import_module(f"newsroom.migrations.{name}")
        getattr(migration, function)(django_apps, None)


def test_the_markdown_preview_shows_sanitised_html_beside_the_field(page):
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    page.goto("/admin/login/?next=/admin/articles/article/add/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-editor-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/articles/article/add/")

    page.locator("#id_explanation").fill("### Findings\n\nA **bold** claim.<script>x()</script>")
    preview = page.locator("#id_explanation ~ .markdown-preview .markdown-preview__body")
    preview.locator("strong").wait_for()

    assert preview.locator("h3").inner_text() == "Findings"
    assert preview.locator("script").count() == 0
    assert page.locator("#id_technical ~ .markdown-preview").count() == 1
