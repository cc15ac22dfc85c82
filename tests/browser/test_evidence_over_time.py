"""A reader follows a claim through its thread: badges on the cards, the score history,
the follow-up links and a retraction notice; phone and desktop, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=[(size, js) for size in VIEWPORTS for js in (True, False)])
def reader(request, browser, live_server, fixture_content):
    size, javascript = request.param
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS[size], java_script_enabled=javascript
    )
    page = context.new_page()
    yield page
    context.close()


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_reader_follows_lk99_from_claim_to_failed_replication(reader):
    reader.goto("/topics/materials/")
    card = reader.locator("article.card", has_text="Korean researchers claim a room-temperature")
    assert re.search(r"Reality score 10/100 · Speculative", card.inner_text())

    card.get_by_role("link", name=re.compile("Korean researchers claim")).click()
    reader.wait_for_url("**/articles/lk-99-room-temperature-superconductor-claim/")
    history = reader.get_by_role("region", name="How this score changed")
    expect(history.get_by_role("img", name=re.compile(r"from 14 to 10 out of 100"))).to_be_visible()
    entries = history.locator(".score-history__item")
    assert entries.count() == 2
    assert "Independent confirmation: 10 → 0" in entries.first.inner_text()
    assert "First scored" in entries.last.inner_text()
    assert fits_the_width(reader)

    reader.get_by_role("navigation", name="Follow-ups of this story").get_by_role(
        "link", name=re.compile("Copper sulfide, not superconductivity")
    ).click()
    reader.wait_for_url("**/articles/lk-99-superconductor-claim-fails-replication/")
    thread = reader.get_by_role("navigation", name="Follow-ups of this story")
    assert "Update to:" in thread.inner_text()


def test_a_reader_sees_a_retraction_at_the_top_and_beside_the_source(reader):
    reader.goto("/articles/lutetium-hydride-superconductor-claim/")
    notice = reader.get_by_role("note", name="Notice on a source of this story")
    assert notice.is_visible()
    assert "Retracted on 7 November 2023" in notice.inner_text()
    assert "no longer counts as evidence" in notice.inner_text()

    notice.get_by_role("link", name=re.compile("Evidence of near-ambient")).click()
    source = reader.locator("#citation-1")
    assert "Retracted on 7 November 2023" in source.inner_text()
    assert fits_the_width(reader)
    history = reader.get_by_role("region", name="How this score changed")
    assert "Citation now retracted" in history.inner_text()
