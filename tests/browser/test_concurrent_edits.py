"""Two editors in two browsers on one story, at a desk's size: the second save, made on a
form opened before the first, is refused with who changed what, keeps her input, and
passes axe; saved again, both changes stand."""

import os
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.admin_forms import log_in_in_browser, recreate_editors_group
from tests.browser.test_accessibility import axe_violations, describe
from tests.browser.test_admin_layout import DESK, wait_for_autocompletes
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-password"
HEADLINE = "Bees learn to count to four"
STANDFIRST = "Honeybees trained with sugar picked the card with four shapes."


@pytest.fixture
def newsroom(browser, live_server):
    """A story with its evidence and question, and a way to log an editor in, each in a
    browser context of their own."""
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        for username in ("alice", "bea"):
            call_command("create_editor", username, stdout=StringIO())
    story = make_article(headline=HEADLINE, dek=STANDFIRST)
    cite(story, make_source(criteria=make_criteria(), meets=[]), note="The trial's report.")
    make_meter(story, values=[45, None], weights=[60, 40])
    make_question(story)
    contexts = []

    def editor(username):
        context = browser.new_context(base_url=live_server.url, viewport=DESK)
        contexts.append(context)
        page = context.new_page()
        log_in_in_browser(page, username, PASSWORD)
        return page

    yield editor, story
    for context in contexts:
        context.close()


def test_the_second_editors_stale_save_is_refused_with_her_input_kept(newsroom):
    editor, story = newsroom
    change = f"/admin/articles/article/{story.pk}/change/"
    alice, bea = editor("alice"), editor("bea")
    bea.goto(change)
    alice.goto(change)

    alice.locator("#id_headline").fill("Bees learn to count to five")
    alice.locator("input[name=_continue]").click()
    alice.get_by_text("was changed successfully").wait_for()
    bea.locator("#id_dek").fill("Trained bees chose the card with more shapes.")
    bea.locator("input[name=_continue]").click()

    summary = bea.locator(".error-summary")
    summary.wait_for()
    said = summary.inner_text()
    assert "This story was changed by alice at" in said
    assert "after you opened it: Headline." in said
    stored = Article.objects.get(pk=story.pk)
    assert (stored.headline, stored.dek) == ("Bees learn to count to five", STANDFIRST)
    assert bea.locator("#id_dek").input_value() == "Trained bees chose the card with more shapes."
    # Bea had not changed the headline: her form now shows Alice's.
    assert bea.locator("#id_headline").input_value() == "Bees learn to count to five"
    wait_for_autocompletes(bea)
    violations = axe_violations(bea)
    assert not violations, f"axe found violations:\n{describe({'refused form': violations})}"

    bea.locator("input[name=_continue]").click()
    bea.get_by_text("was changed successfully").wait_for()
    stored = Article.objects.get(pk=story.pk)
    assert (stored.headline, stored.dek) == (
        "Bees learn to count to five",
        "Trained bees chose the card with more shapes.",
    )
