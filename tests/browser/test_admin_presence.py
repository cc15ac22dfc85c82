"""Two editors in two browsers on one story: each sees that the other has it open, the
one whose form has gone out of date is told who saved what before she saves, and one
saving and going is no longer shown; at a phone's size and a desk's, light and
dark, with axe-core finding nothing on the form with its notes."""

import re

import pytest
from playwright.sync_api import expect

from core.admin_concurrency import presence
from tests.browser.editors import editors_at_desks
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_layout import sideways_overflow, wait_for_autocompletes
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page refreshes every REFRESH_SECONDS as the server tells it: every two seconds
# here (the live server runs in this process); wait for one, and a little.
REFRESH_SECONDS = 2
WAIT_MS = (REFRESH_SECONDS + 5) * 1000


@pytest.fixture
def newsroom(browser, live_server):
    with editors_at_desks(browser, live_server, "alice", "bea") as editor:
        yield editor, make_article(headline="Bees learn to count to four")


def into_view(page):
    """The page comes back into view (the editor returns to its tab): it refreshes then."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_two_editors_see_each_other_and_a_save_made_since(newsroom, size):
    editor, story = newsroom
    change = f"/admin/articles/article/{story.pk}/change/"
    alice, bea = editor("alice", size), editor("bea", size)
    alice.goto(change)
    bea.goto(change)

    # Bea's form says at once who was there first; Alice's learns of Bea when it refreshes.
    expect(bea.locator("#presence")).to_contain_text(re.compile(r"Also open by alice \(since"))
    into_view(alice)
    expect(alice.locator("#presence")).to_contain_text("Also open by bea")

    bea.locator("#id_headline").fill("Bees learn to count to five")
    bea.locator("input[name=_continue]").click()
    bea.get_by_text("was changed successfully").wait_for()
    into_view(alice)
    expect(alice.locator("#presence .presence__stale")).to_contain_text(
        re.compile(r"Saved since you opened this form, by bea at \d\d:\d\d: Headline\.")
    )
    assert sideways_overflow(alice) <= 0
    wait_for_autocompletes(alice)
    found = {}
    checked(alice, f"form with both notes [{size}]", found)
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


def test_an_open_form_refreshes_by_itself_and_an_editor_who_saves_and_goes_leaves(
    newsroom, monkeypatch
):
    monkeypatch.setattr(presence, "REFRESH_SECONDS", REFRESH_SECONDS)
    editor, story = newsroom
    change = f"/admin/articles/article/{story.pk}/change/"
    alice, bea = editor("alice"), editor("bea")
    alice.goto(change)
    bea.goto(change)

    expect(alice.locator("#presence")).to_contain_text("Also open by bea", timeout=WAIT_MS)
    bea.locator("#id_dek").fill("Trained bees chose the card with more shapes.")
    bea.locator("input[name=_save]").click()  # saved, back to the list of stories
    bea.wait_for_url("**/admin/articles/article/")
    expect(alice.locator("#presence")).not_to_contain_text("Also open by", timeout=WAIT_MS)
    expect(alice.locator("#presence .presence__stale")).to_contain_text("Standfirst")
