"""Review before publishing, in two editors' browsers: alice writes a story and sends it
to bea; bea asks for changes with a comment; alice makes them and sends it again; bea
approves; alice publishes. At a phone's size and a desk's, light and dark, with axe-core
finding nothing on the review part's pages, and screenshots of it for a person to look at."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.editors import editors_at_desks
from tests.browser.schemes import each_scheme
from tests.browser.screenshots import keep
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_layout import sideways_overflow, wait_for_autocompletes
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(browser, live_server):
    with editors_at_desks(browser, live_server, "alice", "bea") as editor:
        yield editor, _alices_draft()


def _alices_draft():
    story = make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        published_without_evidence=True,
        without_evidence_reason="The trial's data come out next week.",
    )
    story.headline = "Bees learn to count to four"  # alice's words
    story._history_user = get_user_model().objects.get(username="alice")
    story.save()
    return story


def looked_at(page, where, found):
    """No sideways scroll on ``page``, and axe-core's violations in each scheme."""
    wait_for_autocompletes(page)
    assert sideways_overflow(page) <= 0, where
    checked(page, where, found)


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_two_editors_review_a_story_before_it_is_published(newsroom, size):
    editor, story = newsroom
    change = f"/admin/articles/article/{story.pk}/change/"
    alice, bea = editor("alice", size), editor("bea", size)
    found = {}

    alice.goto(change)
    review = alice.locator("#review")
    expect(review).to_contain_text("Not sent for review.")
    expect(review).to_contain_text("You wrote its latest words, so another editor reviews them.")
    review.get_by_label("Ask", exact=True).select_option(label="bea")
    review.get_by_label("Note for the reviewer").fill("Is the sugar reward clear?")
    review.get_by_role("button", name="Send for review").click()
    expect(alice.locator(".messagelist")).to_contain_text("Sent for review to bea")
    expect(alice.locator("#review-status")).to_contain_text("In review — asked of bea by alice")
    looked_at(alice, f"alice, sent [{size}]", found)

    bea.goto("/admin/articles/article/?review=mine")
    expect(bea.locator("#result_list")).to_contain_text("In review — asked of bea")
    looked_at(bea, f"bea, waiting for my review [{size}]", found)
    bea.get_by_role("link", name="Bees learn to count to four").click()
    review = bea.locator("#review")
    expect(review).to_contain_text("Is the sugar reward clear?")
    looked_at(bea, f"bea, deciding [{size}]", found)
    for part in ("#review-status", "#review"):
        for scheme in each_scheme(bea):
            keep(bea, f"reviewer-deciding-{size}-{scheme}-{part[1:]}", part=part)
    review.get_by_role("button", name="Ask for changes").click()
    expect(bea.locator(".messagelist")).to_contain_text(
        "Say which changes you ask for in the comment."
    )
    bea.locator("#review").get_by_label("Comment", exact=True).fill(
        "Say what the bees were rewarded with."
    )
    bea.locator("#review").get_by_role("button", name="Ask for changes").click()
    expect(bea.locator(".messagelist")).to_contain_text("the story is back to Draft")

    alice.goto(change)
    expect(alice.locator("#review")).to_contain_text("Say what the bees were rewarded with.")
    for part in ("#review-status", "#review"):
        for scheme in each_scheme(alice):
            keep(alice, f"author-changes-asked-{size}-{scheme}-{part[1:]}", part=part)
    alice.locator("#id_dek").fill(
        "Bees rewarded with sugar water picked the card with four shapes."
    )
    alice.locator("input[name=_continue]").click()
    expect(alice.locator(".messagelist")).to_contain_text("was changed successfully")
    review = alice.locator("#review")
    review.get_by_label("Ask", exact=True).select_option(label="bea")
    review.get_by_role("button", name="Send for review").click()
    expect(alice.locator(".messagelist")).to_contain_text("Sent for review to bea")

    bea.goto(change)
    bea.locator("#review").get_by_label("Comment", exact=True).fill("Clear now.")
    bea.locator("#review").get_by_role("button", name="Approve").click()
    expect(bea.locator(".messagelist")).to_contain_text("Approved")
    expect(bea.locator("#review-status")).to_contain_text("Approved by bea")
    for part in ("#review-status", "#review"):
        for scheme in each_scheme(bea):
            keep(bea, f"reviewer-approved-{size}-{scheme}-{part[1:]}", part=part)
    looked_at(bea, f"bea, approved [{size}]", found)

    alice.goto(change)
    expect(
        alice.locator(".checklist__item--done").filter(has_text="Approved by an editor")
    ).to_be_visible()
    alice.locator("#id_status").select_option("published")
    alice.locator("input[name=_continue]").click()
    expect(alice.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(alice.locator(".messagelist")).not_to_contain_text("not published")
    expect(alice.locator("#review-status")).to_contain_text("Published, approved by bea")
    looked_at(alice, f"alice, published [{size}]", found)
    assert Article.objects.get(pk=story.pk).is_public

    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
