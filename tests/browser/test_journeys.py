"""Reader journeys in headless Chromium, on a phone (360x740) and a desktop (1366x900).

Voting and forecasting at the desktop size, and voting without JavaScript there, are
covered in test_reader_panels.py; here they run at the phone size.
"""

import re
from urllib.parse import urlencode

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TSCM = "/articles/tscm-car-t-first-in-human/"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture(params=list(VIEWPORTS))
def reader(request, browser, live_server, fixture_content):
    """A page in a fresh browser context at each viewport."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[request.param])
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_reader(browser, live_server, fixture_content):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["phone"])
    page = context.new_page()
    yield page
    context.close()


def scroll_settles(page):
    """Wait out the smooth scroll to an anchor: scrollY unchanged for a few frames."""
    page.evaluate(
        """() => new Promise(resolve => {
            let last = -1, still = 0;
            const tick = () => {
                if (scrollY === last) { if (++still > 5) { resolve(); return; } }
                else { still = 0; last = scrollY; }
                requestAnimationFrame(tick);
            };
            tick();
        })"""
    )


def sticky_bar_bottom(page):
    return (
        page.locator(".register-switch").bounding_box()["y"]
        + page.locator(".register-switch").bounding_box()["height"]
    )


def is_visible_below_the_sticky_bar(page, selector):
    """In the viewport and not under the sticky "Read it" bar."""
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= sticky_bar_bottom(page) - 1
        and (box["y"] < viewport["height"])
    )


def test_a_long_search_without_spaces_stays_within_the_screen(reader):
    page = reader
    pasted = "https://example.org/" + "x" * 2000
    page.goto("/search/?" + urlencode({"q": pasted}))
    assert page.get_by_role("status").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_reading_a_story_from_the_front_page(reader):
    page = reader
    # Front page -> story.
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.locator(".card--lead .card__headline a").click()
    page.wait_for_url(f"**{TSCM}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Stem-like memory T cells")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # Switch registers with the "Read it" bar: technical, then back to plain.
    switch = page.get_by_role("navigation", name="Read this story")
    switch.get_by_role("link", name="In depth").click()
    page.wait_for_function("location.hash === '#technical'")
    page.wait_for_function(
        "() => { const r = document.querySelector('#technical-heading').getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight; }"
    )
    scroll_settles(page)
    assert is_visible_below_the_sticky_bar(page, "#technical-heading")
    assert switch.is_visible(), "the bar stays on screen while reading"

    switch.get_by_role("link", name="Plainly").click()
    page.wait_for_function("location.hash === '#explanation'")
    page.wait_for_function(
        "() => { const r = document.querySelector('#explanation-heading').getBoundingClientRect();"
        " return r.top >= 0 && r.top < innerHeight; }"
    )
    scroll_settles(page)
    assert is_visible_below_the_sticky_bar(page, "#explanation-heading")

    # Look a term up in place: its definition opens beside it, and the page stays put.
    term = page.locator("#explanation .prose button.term").first
    slug = term.get_attribute("popovertarget").removeprefix("define-")
    term.click()
    definition = page.locator(f"#define-{slug}")
    definition.wait_for()
    assert definition.evaluate("d => d.matches(':popover-open')")
    assert is_visible_below_the_sticky_bar(page, f"#define-{slug}")
    assert definition.get_by_role("link", name=re.compile("^More about")).is_visible()
    page.keyboard.press("Escape")
    assert not definition.evaluate("d => d.matches(':popover-open')")
    # The story's glossary is still there at the end, each term a link to its page.
    assert page.locator(f"#glossary #term-{slug} a").count() == 1

    # The reality meter: "Why this score?" opens and its contributions add up to the score.
    meter = page.locator("#reality")
    meter.get_by_text("Why this score?").click()
    breakdown = meter.locator("table.breakdown")
    breakdown.wait_for(state="visible")
    contributions = [
        int(cell) for cell in breakdown.locator("tbody tr td:nth-of-type(3)").all_inner_texts()
    ]
    weights = [
        int(cell.rstrip("%"))
        for cell in breakdown.locator("tbody tr td:nth-of-type(2)").all_inner_texts()
    ]
    score = int(meter.locator(".meter__number").inner_text())
    assert len(contributions) == 5
    assert sum(weights) == 100
    assert sum(contributions) == score == int(breakdown.locator("tfoot td").last.inner_text())
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def unfold_the_header_menu(page):
    """On a phone the header's navigation and search fold into "Menu" (includes/header.html)."""
    toggle = page.locator(".site-menu__toggle")
    if toggle.is_visible() and not page.locator(".site-menu").evaluate("menu => menu.open"):
        toggle.click()


def test_forecasting_and_finding_it_in_the_track_record(reader, settings):
    settings.CROWD_MIN_INDEPENDENT = 1  # the quorum: tests/predictions/test_signals_crowd.py
    page = reader
    page.goto(TSCM)
    forecast = page.locator("#forecast")
    forecast.get_by_label("How likely is “yes”?").fill("40")
    forecast.get_by_role("button", name="Submit forecast").click()
    page.locator("#forecast").get_by_text("Your forecast: 40%").wait_for()
    assert "Median 40%" in page.locator("#forecast .crowd__summary").inner_text()
    assert page.locator("#forecast figure.chart--histogram svg").is_visible()

    # From the predictions page to the reader's own track record.
    unfold_the_header_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Predictions").click()
    page.get_by_role("link", name="Your track record").click()
    page.wait_for_url("**/predictions/me/")
    main = page.locator("main")
    assert "On your own pages you are" in main.inner_text()
    standing = main.locator(".question-card:not(.my-history)", has_text="Tscm-based therapy")
    assert "Your forecast 40%" in standing.inner_text()
    assert main.get_by_role("link", name="Download your forecasts (CSV)").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_searching_from_the_header(reader):
    page = reader
    page.goto("/glossary/")
    unfold_the_header_menu(page)
    box = page.get_by_role("search", name="Site search").get_by_role(
        "searchbox", name="Search stories"
    )
    box.fill("remission")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=remission"))
    heading = page.locator("main h2").first.text_content()
    assert re.search(r"\d+ stor(y|ies) match(es)? “remission”", heading)
    marks = page.locator(".search-result__snippet mark")
    assert marks.count() >= 1
    assert all("remission" in text.lower() for text in marks.all_inner_texts())
    # The highlight is more than a colour: it is a <mark>, and the text is bold too.
    assert int(marks.first.evaluate("m => getComputedStyle(m).fontWeight")) >= 600
    page.locator(".search-result .card__headline a").first.click()
    page.wait_for_url("**/articles/**")


def test_voting_on_a_phone_with_javascript(phone_reader):
    page = phone_reader
    page.goto(TSCM)
    page.evaluate("window.stillTheSamePage = true")
    panel = page.locator("#community")
    panel.get_by_role("button", name="Game-changer").click()
    panel.get_by_text("Your read: Game-changer").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    mine = page.locator("#community .bar--mine")
    assert "(yours)" in mine.inner_text() and "1 · 100%" in mine.inner_text()
    assert (
        page.locator("#community")
        .get_by_role("button", name="Game-changer")
        .get_attribute("aria-pressed")
        == "true"
    )
    # Changing the read on a phone keeps the panel in place.
    page.locator("#community").get_by_role("button", name="Promising").click()
    page.locator("#community").get_by_text("Your read: Promising").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_voting_on_a_phone_without_javascript(browser, live_server, fixture_content):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORTS["phone"], java_script_enabled=False
    )
    page = context.new_page()
    page.goto(TSCM)
    page.locator("#community").get_by_role("button", name="Overhyped").click()
    page.wait_for_url(f"**{TSCM}?saved=read#community")
    assert "Your read: Overhyped" in page.locator("#community").inner_text()
    # The page comes back scrolled to the panel (smoothly, so give it a moment).
    for _ in range(50):
        if 0 <= page.locator("#community").bounding_box()["y"] < 200:
            break
        page.wait_for_timeout(100)
    assert 0 <= page.locator("#community").bounding_box()["y"] < 200
    context.close()
