"""The editors' Markdown preview in the admin, in headless Chromium."""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from tests.admin_forms import log_in_in_browser, recreate_editors_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY_FORM = "/admin/articles/article/add/"


def editor_on_the_story_form(page):
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    log_in_in_browser(page, "editor", "a-long-editor-password", then=STORY_FORM)
    return page.locator("#id_explanation ~ .markdown-aside .markdown-preview__body")


def test_the_markdown_preview_shows_sanitised_html_beside_the_field(page):
    preview = editor_on_the_story_form(page)
    page.locator("#id_explanation").fill("### Findings\n\nA **bold** claim.<script>x()</script>")
    preview.locator("strong").wait_for()

    assert preview.locator("h3").inner_text() == "Findings"
    assert preview.locator("script").count() == 0
    assert page.locator("#id_technical ~ .markdown-aside .markdown-preview").count() == 1


def test_crafted_markdown_shows_the_servers_refusal_in_the_preview(page):
    preview = editor_on_the_story_form(page)
    page.locator("#id_explanation").fill("> " * 25 + "deep")
    refusal = preview.locator(".errornote")
    refusal.wait_for()
    assert refusal.inner_text() == (
        "No preview: This text nests brackets, lists or quotations more than 20 levels deep. "
        "Flatten it (an unclosed “[” counts as a level)."
    )

    # Fixing the text brings the preview back.
    page.locator("#id_explanation").fill("A **flat** text.")
    preview.locator("strong").wait_for()
    assert preview.locator(".errornote").count() == 0


def test_an_html_error_page_becomes_a_plain_sentence_in_the_preview(page):
    preview = editor_on_the_story_form(page)
    page.locator("#id_explanation").fill("A **first** draft.")
    preview.locator("strong").wait_for()

    # Without its CSRF cookie the server answers with its 403 page, not JSON.
    page.context.clear_cookies(name="csrftoken")
    page.locator("#id_explanation").fill("A second draft.")
    problem = preview.locator(".errornote")
    problem.wait_for()
    assert problem.inner_text() == (
        "No preview: the server answered with an error page (status 403) instead of a "
        "preview. Your text here is kept."
    )
    assert page.locator("#id_explanation").input_value() == "A second draft."


def test_an_ended_session_is_said_in_the_preview(page):
    preview = editor_on_the_story_form(page)
    page.locator("#id_explanation").fill("A **first** draft.")
    preview.locator("strong").wait_for()

    # Logging out in another tab ends the session this form was opened in.
    other = page.context.new_page()
    other.goto("/admin/")
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url("**/admin/logout/")
    other.close()

    page.locator("#id_explanation").fill("Written after the log-out.")
    problem = preview.locator(".errornote")
    problem.wait_for()
    assert problem.inner_text().startswith("No preview: your admin session has ended.")
