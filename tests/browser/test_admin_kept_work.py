"""Unsaved work survives a closed tab: the story form keeps what the editor types in the
browser and offers it back when the form is opened again, until it is saved; at a
phone's size and a desk's, light and dark, with axe-core finding nothing on the offer.
Without JavaScript the form works as before and offers nothing."""

import json
import time

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.editors import editors_at_desks
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_layout import sideways_overflow
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT_PREFIX = "newsroom-draft:"


@pytest.fixture
def desk(browser, live_server):
    story = make_article(headline="Bees learn to count to four")
    with editors_at_desks(browser, live_server, "alice") as open_page:
        yield open_page, story


def kept_drafts(page):
    stored = page.evaluate(
        "prefix => Object.keys(localStorage).filter(key => key.startsWith(prefix))"
        ".map(key => localStorage.getItem(key))",
        DRAFT_PREFIX,
    )
    return [json.loads(draft) for draft in stored]


def until_kept(page, field, value, seconds=10):
    """Until the browser keeps a draft with ``field`` set to ``value``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(draft["fields"].get(field) == value for draft in kept_drafts(page)):
            return
        time.sleep(0.2)
    raise AssertionError(f"no draft kept with {field}={value!r}: {kept_drafts(page)}")


def reopened(page, change):
    """The tab closed without saving, and the form opened again in a new tab."""
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(change)
    return page


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_closed_tab_loses_nothing_and_a_save_ends_the_draft(desk, size):
    open_page, story = desk
    change = f"/admin/articles/article/{story.pk}/change/"
    page = open_page(size)
    page.goto(change)
    expect(page.locator("#kept-draft")).to_be_hidden()

    page.locator("#id_dek").fill("Trained bees chose the card with more shapes.")
    until_kept(page, "dek", "Trained bees chose the card with more shapes.")
    page = reopened(page, change)
    offer = page.locator("#kept-draft")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Unsaved changes from")
    expect(offer.locator(".kept-draft__since")).to_be_hidden()  # nobody saved since
    assert page.locator("#id_dek").input_value() != "Trained bees chose the card with more shapes."
    assert sideways_overflow(page) <= 0
    found = {}
    checked(page, f"the offer [{size}]", found)
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"

    offer.get_by_role("button", name="Put them back").click()
    expect(page.locator("#id_dek")).to_have_value("Trained bees chose the card with more shapes.")
    expect(offer).to_contain_text("Your unsaved changes are back")
    page.locator("input[name=_continue]").click()
    page.get_by_text("was changed successfully").wait_for()

    story.refresh_from_db()
    assert story.dek == "Trained bees chose the card with more shapes."
    assert kept_drafts(page) == []
    page.goto(change)
    expect(page.locator("#kept-draft")).to_be_hidden()


def test_a_refused_save_keeps_the_draft_and_discard_forgets_it(desk):
    open_page, story = desk
    change = f"/admin/articles/article/{story.pk}/change/"
    page = open_page()
    page.goto(change)
    page.locator("#id_headline").fill("")
    page.locator("#id_dek").fill("A standfirst typed before a refused save.")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    until_kept(page, "dek", "A standfirst typed before a refused save.")
    assert Article.objects.get(pk=story.pk).headline == "Bees learn to count to four"
    page = reopened(page, change)
    offer = page.locator("#kept-draft")
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Discard them").click()
    expect(offer).to_contain_text("discarded")
    assert kept_drafts(page) == []
    page.goto(change)
    expect(page.locator("#kept-draft")).to_be_hidden()


def test_a_draft_made_before_someone_elses_save_puts_back_only_its_own_changes(desk):
    open_page, story = desk
    change = f"/admin/articles/article/{story.pk}/change/"
    page = open_page()
    page.goto(change)
    page.locator("#id_dek").fill("Alice's standfirst, never saved.")
    until_kept(page, "dek", "Alice's standfirst, never saved.")
    Article.objects.filter(pk=story.pk).update(headline="Bees count to five, says Bea")
    story.refresh_from_db()
    story.save()  # a save by someone else: a new version
    page = reopened(page, change)
    offer = page.locator("#kept-draft")
    expect(offer).to_contain_text("saved since those changes were made")
    offer.get_by_role("button", name="Put them back").click()
    expect(page.locator("#id_dek")).to_have_value("Alice's standfirst, never saved.")
    # The headline saved since is left as it is now, not as it was when Alice typed.
    expect(page.locator("#id_headline")).to_have_value("Bees count to five, says Bea")


def test_without_javascript_the_form_offers_nothing_and_saves(desk):
    open_page, story = desk
    change = f"/admin/articles/article/{story.pk}/change/"
    page = open_page(javascript=False)
    page.goto(change)
    expect(page.locator("#kept-draft")).to_be_hidden()
    page.locator("#id_dek").fill("Saved without a script.")
    page.locator("input[name=_continue]").click()
    page.get_by_text("was changed successfully").wait_for()
    story.refresh_from_db()
    assert story.dek == "Saved without a script."
