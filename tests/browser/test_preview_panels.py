"""An editor's preview of a draft shows the reader panels with their controls disabled."""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.admin_forms import log_in_in_browser
from tests.browser.test_admin_preview import recreate_editors_group
from tests.factories import make_article, make_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def editor_page(browser, live_server, *, javascript):
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    page = context.new_page()
    log_in_in_browser(page, "editor", "a-long-editor-password")
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_preview_disables_reads_and_forecasts_and_says_why(browser, live_server, javascript):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    make_question(article=draft)
    page = editor_page(browser, live_server, javascript=javascript)

    response = page.goto(draft.get_absolute_url())

    assert response.status == 200
    reads = page.locator("#community")
    for choice in reads.get_by_role("button").all():
        assert choice.is_disabled()
    assert "Reads open when the story is published" in reads.inner_text()
    forecast = page.locator("#forecast")
    assert forecast.get_by_label("How likely is “yes”?").is_disabled()
    assert forecast.get_by_role("button", name="Submit forecast").is_disabled()
    assert "Forecasts open when the story is published" in forecast.inner_text()
    # No control is left that would post to an endpoint answering a draft with a 404.
    assert (
        page.locator("#community, #forecast").locator("button:enabled, input:enabled").count() == 0
    )
    page.context.close()
